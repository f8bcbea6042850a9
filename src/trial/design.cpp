#include "trial/design.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"

namespace ketapath::trial {

std::string describe(const SessionSelector& selector) {
  switch (selector.kind) {
    case SessionSelector::Kind::Index:
      return fmt::format("session {}", selector.number);
    case SessionSelector::Kind::Week:
      return fmt::format("week {}", selector.number);
    case SessionSelector::Kind::Agent:
      return fmt::format("{} session {}", protocol::agent_name(selector.agent), selector.number);
  }
  return "?";
}

core::Result<std::size_t> resolve_session(const SessionSelector& selector,
                                          const std::vector<protocol::Administration>& sessions) {
  int seen = 0;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    switch (selector.kind) {
      case SessionSelector::Kind::Index:
        if (static_cast<int>(i) + 1 == selector.number) {
          return i;
        }
        break;
      case SessionSelector::Kind::Week: {
        const double start = (selector.number - 1) * 168.0;
        if (sessions[i].time.value() >= start && sessions[i].time.value() < start + 168.0) {
          return i;
        }
        break;
      }
      case SessionSelector::Kind::Agent:
        if (sessions[i].agent == selector.agent && ++seen == selector.number) {
          return i;
        }
        break;
    }
  }
  return core::fail(core::ErrorCode::NotFound, "no {} (the regimen has {} sessions)",
                    describe(selector), sessions.size());
}

const pd::ScaleDefinition& rated_scale(const Assessments& assessments, std::size_t s) {
  if (s < assessments.definitions.size()) {
    return assessments.definitions[s];
  }
  return pd::scale_definition(assessments.scales[s]);
}

std::string scale_name_in(const Assessments& assessments, pd::Scale scale) {
  for (std::size_t s = 0; s < assessments.scales.size(); ++s) {
    if (assessments.scales[s] == scale) {
      return rated_scale(assessments, s).name;
    }
  }
  if (pd::is_builtin_scale(scale)) {
    return std::string(pd::scale_name(scale));
  }
  return fmt::format("scale {}", static_cast<int>(scale));
}

core::Status check_model_scales(const Assessments& assessments, const pd::KetamineModel& model) {
  for (std::size_t s = 0; s < assessments.scales.size(); ++s) {
    const pd::ScaleDefinition& d = rated_scale(assessments, s);
    const auto id = static_cast<std::size_t>(d.scale);
    if (id >= model.scales.size() || model.scales[id] != d) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "assessments: scale {} is not one model {} defines (read the design "
                        "against the model it runs with)",
                        d.name, model.name);
    }
  }
  return {};
}

std::string_view variable_name(Variable variable) {
  switch (variable) {
    case Variable::Cadss:
      return "cadss";
    case Variable::CadssModel:
      return "cadss_model";
    case Variable::Dsbp:
      return "dsbp";
    case Variable::Ddbp:
      return "ddbp";
    case Variable::Dhr:
      return "dhr";
    case Variable::Ketamine:
      return "ketamine_ng_ml";
    case Variable::Norketamine:
      return "norketamine_ng_ml";
  }
  return "?";
}

std::optional<Variable> parse_variable(std::string_view name) {
  for (Variable v : {Variable::Cadss, Variable::CadssModel, Variable::Dsbp, Variable::Ddbp,
                     Variable::Dhr, Variable::Ketamine, Variable::Norketamine}) {
    if (name == variable_name(v)) {
      return v;
    }
  }
  return std::nullopt;
}

namespace {

bool contains_time(const std::vector<core::Hours>& times, core::Hours t) {
  return std::ranges::any_of(times,
                             [t](core::Hours x) { return std::abs((x - t).value()) < 1e-9; });
}

core::Status check_times(const std::vector<core::Hours>& times, std::string_view what) {
  for (core::Hours t : times) {
    KETAPATH_TRY(core::check_range(fmt::format("assessments: {} times", what), t.value(), "h",
                                   core::non_negative(), core::ErrorCode::InvalidArgument));
  }
  return {};
}

// Rated scales: anxiety scales with a definition each (built in, or given).
core::Status check_scales(const Assessments& as) {
  if (!as.definitions.empty() && as.definitions.size() != as.scales.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "assessments: {} scale definitions for {} rated scales",
                      as.definitions.size(), as.scales.size());
  }
  for (std::size_t s = 0; s < as.scales.size(); ++s) {
    if (as.definitions.empty() && !pd::is_builtin_scale(as.scales[s])) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "assessments: scale {} needs its definition from the model",
                        static_cast<int>(as.scales[s]));
    }
    const pd::ScaleDefinition& d = rated_scale(as, s);
    if (d.scale != as.scales[s]) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "assessments: the definition of scale {} is {}'s", s + 1, d.name);
    }
    if (!pd::is_modelled_anxiety_scale(d)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "assessments: {} is not an anxiety scale the model rates", d.name);
    }
  }
  return {};
}

using ArmSessions = std::vector<std::vector<protocol::Administration>>;

core::Status check_rule(const Design& design, const ArmSessions& sessions,
                        const ResponderRule& rule, const std::vector<std::size_t>& arms,
                        std::string_view where) {
  if (rule.scales.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: responder rule lists no scales",
                      where);
  }
  for (pd::Scale s : rule.scales) {
    if (std::ranges::find(design.assessments.scales, s) == design.assessments.scales.end()) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: responder scale {} is not among the rated scales", where,
                        scale_name_in(design.assessments, s));
    }
  }
  KETAPATH_TRY(core::check_range(fmt::format("{}: min_reduction", where), rule.min_reduction, "",
                                 {.low = 0.0, .high = 1.0, .low_open = true},
                                 core::ErrorCode::InvalidArgument));
  for (std::size_t a : arms) {
    for (const SessionSelector& sel : rule.sessions) {
      auto found = resolve_session(sel, sessions[a]);
      if (!found) {
        return core::fail(core::ErrorCode::InvalidArgument, "{}: arm {} has {}", where,
                          design.arms[a].name, found.error().message);
      }
    }
  }
  return {};
}

// A comparison's two metrics: per-subject values (not counts) for mean differences and Hedges' g,
// responder counts for odds ratios and risk differences; a level in (0, 1).
core::Status check_comparison(const Endpoint& ep, std::string_view where) {
  if (!is_comparison(ep)) {
    return {};
  }
  KETAPATH_TRY(core::check_range(fmt::format("{}: confidence", where), ep.confidence, "",
                                 {.low = 0.0, .high = 1.0, .low_open = true, .high_open = true},
                                 core::ErrorCode::InvalidArgument));
  const bool counts =
      ep.kind == Endpoint::Kind::OddsRatio || ep.kind == Endpoint::Kind::RiskDifference;
  for (const Metric& m : ep.items) {
    if ((m.kind == Metric::Kind::Responders) != counts) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: {}", where,
                        counts ? "an odds ratio or risk difference compares two responders "
                                 "metrics"
                               : "a mean difference or Hedges' g compares two per-subject "
                                 "metrics (mean_change, mean_reduction, mean_score, mean_value, "
                                 "mean_peak), not responders");
    }
  }
  return {};
}

core::Status check_metric(const Design& design, const ArmSessions& sessions, const Metric& m,
                          std::string_view where) {
  std::vector<std::size_t> arms;
  if (m.arms.empty()) {
    for (std::size_t a = 0; a < design.arms.size(); ++a) {
      arms.push_back(a);
    }
  }
  for (const std::string& name : m.arms) {
    auto it = std::ranges::find(design.arms, name, &Arm::name);
    if (it == design.arms.end()) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: no arm named \"{}\"", where, name);
    }
    arms.push_back(static_cast<std::size_t>(it - design.arms.begin()));
  }
  if (m.session) {
    for (std::size_t a : arms) {
      auto found = resolve_session(*m.session, sessions[a]);
      if (!found) {
        return core::fail(core::ErrorCode::InvalidArgument, "{}: arm {} has {}", where,
                          design.arms[a].name, found.error().message);
      }
    }
  } else if (m.kind != Metric::Kind::Responders) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: needs a session (session, week or agent)", where);
  }
  const Assessments& as = design.assessments;
  switch (m.kind) {
    case Metric::Kind::MeanReduction:
    case Metric::Kind::MeanScore:
    case Metric::Kind::MeanChange:
      if (std::ranges::find(as.scales, m.scale) == as.scales.end()) {
        return core::fail(core::ErrorCode::InvalidArgument, "{}: scale {} is not rated", where,
                          scale_name_in(as, m.scale));
      }
      if (!contains_time(as.ratings, m.at)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "{}: at_h {} is not one of the rating times", where, m.at.value());
      }
      if (m.kind != Metric::Kind::MeanScore && !(m.at.value() > 0.0)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "{}: a reduction or change needs at_h > 0 (got {})", where, m.at.value());
      }
      break;
    case Metric::Kind::MeanValue: {
      const bool cadss = m.variable == Variable::Cadss || m.variable == Variable::CadssModel;
      const auto& times = cadss ? as.cadss : as.vitals;
      if (!contains_time(times, m.at)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "{}: at_h {} is not one of the {} times", where, m.at.value(),
                          cadss ? "cadss" : "vitals");
      }
      break;
    }
    case Metric::Kind::MeanPeak:
      KETAPATH_TRY(core::check_range(fmt::format("{}: within_h", where), m.within.value(), "h",
                                     core::positive(), core::ErrorCode::InvalidArgument));
      break;
    case Metric::Kind::Responders: {
      const ResponderRule* rule =
          m.rule ? &*m.rule : (design.responder ? &*design.responder : nullptr);
      if (rule == nullptr) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "{}: counts responders but the design has no [responder] rule", where);
      }
      KETAPATH_TRY(check_rule(design, sessions, *rule, arms, where));
      break;
    }
  }
  return {};
}

}  // namespace

core::Status validate(const Design& design) {
  if (design.arms.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "design {}: has no arms", design.name);
  }
  ArmSessions sessions;
  std::set<std::string> names;
  for (const Arm& arm : design.arms) {
    if (!names.insert(arm.name).second) {
      return core::fail(core::ErrorCode::InvalidArgument, "design {}: arm name \"{}\" repeats",
                        design.name, arm.name);
    }
    KETAPATH_TRY(core::check_count(fmt::format("arm {}: subjects", arm.name), arm.subjects, "", 1,
                                   core::kUnbounded, core::ErrorCode::InvalidArgument));
    auto list = protocol::administrations(arm.regimen);
    if (!list) {
      return std::unexpected(core::with_context(list.error(), fmt::format("arm {}", arm.name)));
    }
    sessions.push_back(std::move(*list));
  }
  KETAPATH_TRY(design.population.validate());
  KETAPATH_TRY(check_scales(design.assessments));
  KETAPATH_TRY(check_times(design.assessments.ratings, "rating"));
  KETAPATH_TRY(check_times(design.assessments.cadss, "cadss"));
  KETAPATH_TRY(check_times(design.assessments.vitals, "vitals"));
  for (double e :
       {design.expectancy_ketamine, design.expectancy_placebo, design.expectancy_midazolam}) {
    KETAPATH_TRY(core::check_range(fmt::format("design {}: expectancy", design.name), e, "",
                                   core::non_negative(), core::ErrorCode::InvalidArgument));
  }
  std::vector<std::size_t> all_arms;
  for (std::size_t a = 0; a < design.arms.size(); ++a) {
    all_arms.push_back(a);
  }
  if (design.responder) {
    KETAPATH_TRY(check_rule(design, sessions, *design.responder, all_arms, "responder"));
  }
  if (design.enrichment) {
    const Enrichment& e = design.enrichment.value();
    auto run_in = protocol::administrations(e.regimen);
    if (!run_in) {
      return std::unexpected(core::with_context(run_in.error(), "enrichment"));
    }
    ArmSessions one{*run_in};
    KETAPATH_TRY(check_rule(design, one, e.rule, {0}, "enrichment"));
    KETAPATH_TRY(core::check_limited_count("enrichment: max_candidates_per_subject",
                                           e.max_candidates_per_subject, "", 1,
                                           core::limits::kMaxEnrichmentCandidates));
  }
  std::set<std::string> endpoint_names;
  for (const Endpoint& ep : design.endpoints) {
    const std::string where = fmt::format("endpoint \"{}\"", ep.name);
    if (ep.name.empty() || !endpoint_names.insert(ep.name).second) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: name is empty or repeats", where);
    }
    const std::size_t n = ep.items.size();
    const bool count_ok = (ep.kind == Endpoint::Kind::Value && n == 1) ||
                          (ep.kind == Endpoint::Kind::Ordering && n >= 2) ||
                          ((ep.kind == Endpoint::Kind::Ratio || is_comparison(ep)) && n == 2);
    if (!count_ok) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: has {} metrics (a value needs 1, an ordering >= 2, a ratio or a "
                        "comparison 2)",
                        where, n);
    }
    KETAPATH_TRY(check_comparison(ep, where));
    for (const Metric& m : ep.items) {
      KETAPATH_TRY(check_metric(design, sessions, m, where));
    }
    if (ep.tolerance && !(ep.tolerance->first <= ep.tolerance->second)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: tolerance needs low <= high (got [{}, {}])", where,
                        ep.tolerance->first, ep.tolerance->second);
    }
  }
  return {};
}

bool is_comparison(const Endpoint& endpoint) {
  switch (endpoint.kind) {
    case Endpoint::Kind::MeanDifference:
    case Endpoint::Kind::HedgesG:
    case Endpoint::Kind::OddsRatio:
    case Endpoint::Kind::RiskDifference:
      return true;
    case Endpoint::Kind::Value:
    case Endpoint::Kind::Ordering:
    case Endpoint::Kind::Ratio:
      break;
  }
  return false;
}

}  // namespace ketapath::trial
