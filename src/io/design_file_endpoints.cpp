// Responder rules, metrics and endpoints of design files (see design_file.h).

#include <fmt/format.h>

#include "core/check.h"
#include "io/design_file_reader.h"

namespace ketapath::io::detail {

core::Result<const pd::ScaleDefinition*> anxiety_scale(TableReader& r, std::string_view key,
                                                       const std::string& name) {
  const auto found = pd::find_scale(r.scales(), name);
  if (!found || !pd::is_modelled_anxiety_scale(**found)) {
    std::string anxiety;
    for (const pd::ScaleDefinition& d : r.scales()) {
      if (pd::is_modelled_anxiety_scale(d)) {
        anxiety += fmt::format("{}{}", anxiety.empty() ? "" : ", ", d.name);
      }
    }
    return std::unexpected(r.error(
        key, fmt::format("\"{}\" is not an anxiety scale of the model ({})", name, anxiety)));
  }
  return *found;
}

namespace {

core::Result<pd::Scale> scale_of(TableReader& r, std::string_view key, const std::string& name) {
  const pd::ScaleDefinition* d = KETAPATH_TRY(anxiety_scale(r, key, name));
  return d->scale;
}

}  // namespace

core::Result<std::vector<trial::SessionSelector>> parse_session_list(TableReader& reader) {
  std::vector<trial::SessionSelector> out;
  const auto sessions = KETAPATH_TRY(reader.integers("sessions"));
  const auto weeks = KETAPATH_TRY(reader.integers("weeks"));
  if (sessions && weeks) {
    return std::unexpected(reader.error("weeks", "give sessions or weeks, not both"));
  }
  const auto& list = sessions ? sessions : weeks;
  if (list) {
    for (int n : *list) {
      if (n < 1) {
        return std::unexpected(reader.error(sessions ? "sessions" : "weeks",
                                            fmt::format("numbers start at 1 (got {})", n)));
      }
      out.push_back(
          {sessions ? trial::SessionSelector::Kind::Index : trial::SessionSelector::Kind::Week, n,
           protocol::Agent::Ketamine});
    }
  }
  return out;
}

core::Result<trial::ResponderRule> parse_responder(const toml::table& table,
                                                   std::string_view origin, std::string path,
                                                   std::span<const pd::ScaleDefinition> scales) {
  TableReader r(table, origin, std::move(path), scales);
  trial::ResponderRule rule;
  rule.definition = KETAPATH_TRY(r.required_text("definition"));
  const auto names = KETAPATH_TRY(r.texts("scales"));
  if (!names || names->empty()) {
    return std::unexpected(r.error("scales", "is required (a non-empty array of scale names)"));
  }
  for (const std::string& name : *names) {
    rule.scales.push_back(KETAPATH_TRY(scale_of(r, "scales", name)));
  }
  rule.min_reduction = KETAPATH_TRY(r.required_number("min_reduction"));
  KETAPATH_TRY(core::check_range(r.place("min_reduction"), rule.min_reduction, "",
                                 {.low = 0.0, .high = 1.0, .low_open = true},
                                 core::ErrorCode::InvalidData));
  rule.sessions = KETAPATH_TRY(parse_session_list(r));
  rule.within = core::Hours(KETAPATH_TRY(r.required_number("within_h")));
  KETAPATH_TRY(core::check_range(r.place("within_h"), rule.within.value(), "h", core::positive(),
                                 core::ErrorCode::InvalidData));
  KETAPATH_TRY(r.finish());
  return rule;
}

namespace {

core::Result<trial::Metric::Kind> metric_kind(TableReader& r, const std::string& kind) {
  using K = trial::Metric::Kind;
  if (kind == "mean_reduction")
    return K::MeanReduction;
  if (kind == "mean_score")
    return K::MeanScore;
  if (kind == "mean_change")
    return K::MeanChange;
  if (kind == "mean_value")
    return K::MeanValue;
  if (kind == "mean_peak")
    return K::MeanPeak;
  if (kind == "responders")
    return K::Responders;
  return std::unexpected(
      r.error("kind", fmt::format("\"{}\" is not one of mean_reduction, mean_score, mean_change, "
                                  "mean_value, mean_peak, responders, ordering, ratio, "
                                  "mean_difference, hedges_g, odds_ratio, risk_difference",
                                  kind)));
}

// The metric keys of `r` (everything but kind): arms, session/week/agent+occurrence, scale,
// variable, at_h, within_h, responder.
core::Result<trial::Metric> parse_metric_keys(TableReader& r, trial::Metric::Kind kind) {
  using K = trial::Metric::Kind;
  trial::Metric m;
  m.kind = kind;
  if (auto arms = KETAPATH_TRY(r.texts("arms"))) {
    m.arms = std::move(*arms);
  }
  const auto session = KETAPATH_TRY(r.integer("session"));
  const auto week = KETAPATH_TRY(r.integer("week"));
  const auto agent = KETAPATH_TRY(r.text("agent"));
  const auto occurrence = KETAPATH_TRY(r.integer("occurrence"));
  if ((session ? 1 : 0) + (week ? 1 : 0) + (agent ? 1 : 0) > 1) {
    return std::unexpected(r.error("session", "give one of session, week or agent"));
  }
  if (occurrence && !agent) {
    return std::unexpected(r.error("occurrence", "only applies with agent"));
  }
  const int number = session ? *session : week ? *week : occurrence.value_or(1);
  if (number < 1) {
    return std::unexpected(r.error(session ? "session"
                                   : week  ? "week"
                                           : "occurrence",
                                   fmt::format("numbers start at 1 (got {})", number)));
  }
  if (session) {
    m.session = trial::SessionSelector{trial::SessionSelector::Kind::Index, number, {}};
  } else if (week) {
    m.session = trial::SessionSelector{trial::SessionSelector::Kind::Week, number, {}};
  } else if (agent) {
    auto parsed = protocol::parse_agent(*agent);
    if (!parsed) {
      return std::unexpected(r.error("agent", parsed.error().message));
    }
    m.session = trial::SessionSelector{trial::SessionSelector::Kind::Agent, number, *parsed};
  }
  if (kind == K::MeanReduction || kind == K::MeanScore || kind == K::MeanChange) {
    const auto scale = KETAPATH_TRY(r.text("scale"));
    if (!scale) {
      return std::unexpected(r.error("scale", "is required for this kind"));
    }
    m.scale = KETAPATH_TRY(scale_of(r, "scale", *scale));
  }
  if (kind == K::MeanValue || kind == K::MeanPeak) {
    const auto variable = KETAPATH_TRY(r.text("variable"));
    const auto parsed = variable ? trial::parse_variable(*variable) : std::nullopt;
    if (!parsed) {
      return std::unexpected(
          r.error("variable",
                  fmt::format("must be one of cadss, cadss_model, dsbp, ddbp, dhr, ketamine_ng_ml, "
                              "norketamine_ng_ml (got {})",
                              variable ? "\"" + *variable + "\"" : "nothing")));
    }
    m.variable = *parsed;
  }
  if (kind == K::MeanReduction || kind == K::MeanScore || kind == K::MeanChange ||
      kind == K::MeanValue) {
    m.at = core::Hours(KETAPATH_TRY(r.required_number("at_h")));
  }
  if (kind == K::MeanPeak) {
    m.within = core::Hours(KETAPATH_TRY(r.required_number("within_h")));
  }
  if (kind == K::Responders) {
    if (const toml::table* rule = KETAPATH_TRY(r.table("responder"))) {
      m.rule =
          KETAPATH_TRY(parse_responder(*rule, r.origin(), r.key_path("responder"), r.scales()));
    }
  }
  return m;
}

core::Result<trial::Metric> parse_metric_table(const toml::table& table, std::string_view origin,
                                               std::string path,
                                               std::span<const pd::ScaleDefinition> scales) {
  TableReader r(table, origin, std::move(path), scales);
  const std::string kind = KETAPATH_TRY(r.required_text("kind"));
  const trial::Metric::Kind k = KETAPATH_TRY(metric_kind(r, kind));
  trial::Metric m = KETAPATH_TRY(parse_metric_keys(r, k));
  KETAPATH_TRY(r.finish());
  return m;
}

// Endpoint kinds built from several metrics (items or a metric template with sessions).
std::optional<trial::Endpoint::Kind> multi_metric_kind(std::string_view kind) {
  using K = trial::Endpoint::Kind;
  if (kind == "ordering")
    return K::Ordering;
  if (kind == "ratio")
    return K::Ratio;
  if (kind == "mean_difference")
    return K::MeanDifference;
  if (kind == "hedges_g")
    return K::HedgesG;
  if (kind == "odds_ratio")
    return K::OddsRatio;
  if (kind == "risk_difference")
    return K::RiskDifference;
  return std::nullopt;
}

}  // namespace

core::Result<trial::Endpoint> parse_endpoint(const toml::table& table, std::string_view origin,
                                             std::string path,
                                             std::span<const pd::ScaleDefinition> scales) {
  TableReader r(table, origin, std::move(path), scales);
  trial::Endpoint ep;
  ep.name = KETAPATH_TRY(r.required_text("name"));
  ep.definition = KETAPATH_TRY(r.required_text("definition"));
  ep.unit = KETAPATH_TRY(r.text("unit")).value_or("");
  const std::string kind = KETAPATH_TRY(r.required_text("kind"));
  const auto multi = multi_metric_kind(kind);
  if (multi) {
    ep.kind = *multi;
    if (trial::is_comparison(ep)) {
      ep.confidence = KETAPATH_TRY(r.number("confidence")).value_or(0.95);
    }
    if (ep.kind == trial::Endpoint::Kind::Ordering) {
      const std::string direction = KETAPATH_TRY(r.text("direction")).value_or("increasing");
      if (direction != "increasing" && direction != "decreasing") {
        return std::unexpected(r.error(
            "direction", fmt::format("must be increasing or decreasing (got \"{}\")", direction)));
      }
      ep.increasing = direction == "increasing";
    }
    const auto items = KETAPATH_TRY(r.tables("items"));
    const toml::table* templ = KETAPATH_TRY(r.table("metric"));
    const auto selectors = KETAPATH_TRY(parse_session_list(r));
    if (!items.empty() && (templ != nullptr || !selectors.empty())) {
      return std::unexpected(r.error("items", "give items, or metric with sessions/weeks"));
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      ep.items.push_back(KETAPATH_TRY(parse_metric_table(
          *items[i], origin, fmt::format("{}[{}]", r.key_path("items"), i), scales)));
    }
    if (templ != nullptr) {
      const trial::Metric base =
          KETAPATH_TRY(parse_metric_table(*templ, origin, r.key_path("metric"), scales));
      if (selectors.empty()) {
        return std::unexpected(r.error("metric", "needs sessions = [...] or weeks = [...]"));
      }
      if (base.session) {
        return std::unexpected(
            r.error("metric", "must not name a session (sessions/weeks choose them)"));
      }
      for (const trial::SessionSelector& sel : selectors) {
        trial::Metric m = base;
        m.session = sel;
        ep.items.push_back(std::move(m));
      }
    }
    if (items.empty() && templ == nullptr) {
      return std::unexpected(
          r.error("items", "an ordering, ratio or comparison needs items or metric"));
    }
  } else {
    auto k = metric_kind(r, kind);
    if (!k) {
      return std::unexpected(k.error());
    }
    ep.items.push_back(KETAPATH_TRY(parse_metric_keys(r, *k)));
  }
  if (const toml::node* published = r.node("published")) {
    if (const auto* s = published->as_string()) {
      ep.published = trial::Published(s->get());
    } else {
      ep.published = trial::Published(KETAPATH_TRY(r.required_number("published")));
    }
  }
  if (const auto tolerance = KETAPATH_TRY(r.numbers("tolerance"))) {
    if (tolerance->size() != 2 || !((*tolerance)[0] <= (*tolerance)[1])) {
      return std::unexpected(
          r.error("tolerance", fmt::format("must be [low, high] with low <= high (got {})",
                                           describe_node(*table.get("tolerance")))));
    }
    ep.tolerance = std::pair((*tolerance)[0], (*tolerance)[1]);
  }
  KETAPATH_TRY(r.finish());
  return ep;
}

}  // namespace ketapath::io::detail
