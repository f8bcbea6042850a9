#include "trial/run_trial.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/random.h"
#include "pd/typical_uncertainty.h"
#include "population/batch_kernel.h"
#include "population/batch_ketamine.h"
#include "population/subject_columns.h"
#include "population/virtual_patient.h"
#include "trial/batch_outcome.h"
#include "trial/responder.h"
#include "trial/run_in.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t time_index(const std::vector<core::Hours>& times, core::Hours t) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (std::abs((times[i] - t).value()) < 1e-9) {
      return i;
    }
  }
  return times.size();
}

bool is_cadss(Variable v) {
  return v == Variable::Cadss || v == Variable::CadssModel;
}

const std::vector<double>& values_of(const SessionOutcome& so, Variable v) {
  if (v == Variable::Cadss) {
    return so.cadss;
  }
  if (v == Variable::CadssModel) {
    return so.cadss_model;
  }
  return so.vitals[vitals_index(v)];
}

std::size_t scale_index(const Assessments& as, pd::Scale scale) {
  return static_cast<std::size_t>(std::ranges::find(as.scales, scale) - as.scales.begin());
}

// A responder rule with its sessions resolved for one arm.
struct ResolvedRule {
  const ResponderRule* rule = nullptr;
  std::vector<std::size_t> sessions;
};

struct MetricPlan {
  const Metric* metric = nullptr;
  std::vector<std::size_t> arms;
  std::vector<std::size_t> session;  // per entry of arms (Responders without session: unused)
  std::vector<ResolvedRule> rules;   // per entry of arms (Responders only)
  std::size_t scale = 0;
  std::size_t at = 0;
};

// An arm on the batch kernel (population/batch_kernel.h): its compiled schedule (the one
// `ketapath population` builds for the arm) and the records read from the kernel's profiles.
struct ArmBatch {
  population::BatchSchedule schedule;
  pd::Route route = pd::Route::Iv;
  BatchOutcomes outcomes;
};

struct Plan {
  const Design* design = nullptr;
  /// Per arm: the batch kernel's plan, or nullopt for an arm it does not cover (no ketamine,
  /// several routes, Q3 > 0, S_GAMMA other than 2), which runs subject by
  /// subject (simulate_subject).
  std::vector<std::optional<ArmBatch>> batch;
  std::vector<std::vector<protocol::Administration>> sessions;  // per arm
  std::vector<std::vector<MetricPlan>> endpoints;
  std::optional<RunIn> run_in;  // the design's enrichment run-in, if any
  Expectancy expectancy;
};

std::vector<std::size_t> all_sessions(std::size_t n) {
  std::vector<std::size_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = i;
  }
  return out;
}

ResolvedRule resolve_rule(const ResponderRule& rule,
                          const std::vector<protocol::Administration>& sessions) {
  return {&rule, rule_sessions(rule, sessions).value()};  // checked by validate()
}

Plan make_plan(const Design& design) {
  Plan plan;
  plan.design = &design;
  plan.expectancy = {design.expectancy_ketamine, design.expectancy_placebo,
                     design.expectancy_midazolam};
  for (const Arm& arm : design.arms) {
    plan.sessions.push_back(protocol::administrations(arm.regimen).value());
  }
  const Assessments& as = design.assessments;
  for (const Endpoint& ep : design.endpoints) {
    std::vector<MetricPlan> items;
    for (const Metric& m : ep.items) {
      MetricPlan mp;
      mp.metric = &m;
      if (m.arms.empty()) {
        mp.arms = all_sessions(design.arms.size());
      }
      for (const std::string& name : m.arms) {
        mp.arms.push_back(static_cast<std::size_t>(
            std::ranges::find(design.arms, name, &Arm::name) - design.arms.begin()));
      }
      for (std::size_t a : mp.arms) {
        const auto& sessions = plan.sessions[a];
        mp.session.push_back(m.session ? resolve_session(*m.session, sessions).value() : 0);
        if (m.kind == Metric::Kind::Responders) {
          ResolvedRule rule = resolve_rule(m.rule ? *m.rule : *design.responder, sessions);
          if (m.session) {
            rule.sessions = {mp.session.back()};
          }
          mp.rules.push_back(std::move(rule));
        }
      }
      mp.scale = scale_index(as, m.scale);
      const auto& times = (m.kind == Metric::Kind::MeanReduction ||
                           m.kind == Metric::Kind::MeanScore || m.kind == Metric::Kind::MeanChange)
                              ? as.ratings
                              : (is_cadss(m.variable) ? as.cadss : as.vitals);
      mp.at = time_index(times, m.at);
      items.push_back(std::move(mp));
    }
    plan.endpoints.push_back(std::move(items));
  }
  if (design.enrichment) {
    plan.run_in = RunIn::create(design, plan.expectancy).value();  // checked by validate()
  }
  return plan;
}

// The arm on the batch kernel, as population_job builds it (same output grid and steps), so
// subject i of replicate 0 gets the same record here as in `ketapath population`; nullopt where
// the kernel does not cover the arm.
std::optional<ArmBatch> arm_batch(const Design& design, const pd::KetamineParameters& typical,
                                  const std::vector<protocol::Administration>& sessions,
                                  const Expectancy& expectancy, std::uint64_t seed,
                                  std::uint64_t slot_base) {
  const Assessments& as = design.assessments;
  std::vector<double> offsets;
  for (const auto* times : {&as.ratings, &as.cadss, &as.vitals}) {
    for (core::Hours t : *times) {
      offsets.push_back(t.value());
    }
  }
  auto plan = population::plan_ketamine_batch(sessions, offsets, typical);
  if (!plan) {
    return std::nullopt;
  }
  auto schedule = population::build_schedule(plan->protocol);
  if (!schedule) {
    return std::nullopt;
  }
  auto outcomes = BatchOutcomes::create(sessions, as, expectancy, schedule->protocol.output_times_h,
                                        seed, slot_base);
  if (!outcomes) {
    return std::nullopt;
  }
  return ArmBatch{std::move(*schedule), plan->route, std::move(*outcomes)};
}

// Whether the kernel covers this patient's own parameters (the plan checked the typical ones).
bool kernel_covers(const pd::KetamineParameters& p, pd::Route route) {
  return p.s_gamma == 2.0 && p.q3.value() <= 0.0 &&
         (route == pd::Route::Iv || p.absorption(route).first_pass_nk <= 0.0);
}

bool responds(const SubjectOutcome& o, const ResolvedRule& r, const Assessments& as) {
  return trial::responds(o, *r.rule, r.sessions, as);
}

using Outcomes = std::vector<std::vector<SubjectOutcome>>;  // [arm][subject]

double subject_value(const MetricPlan& mp, const SessionOutcome& so, const Assessments& as) {
  const Metric& m = *mp.metric;
  switch (m.kind) {
    case Metric::Kind::MeanReduction: {
      const double pre = so.pre[mp.scale];
      return pre > 0.0 ? (pre - so.ratings[mp.scale][mp.at]) / pre : kNaN;
    }
    case Metric::Kind::MeanScore:
      return so.ratings[mp.scale][mp.at];
    case Metric::Kind::MeanChange:
      return so.ratings[mp.scale][mp.at] - so.pre[mp.scale];
    case Metric::Kind::MeanValue:
      return values_of(so, m.variable)[mp.at];
    case Metric::Kind::MeanPeak: {
      const auto& times = is_cadss(m.variable) ? as.cadss : as.vitals;
      const auto& values = values_of(so, m.variable);
      std::optional<double> peak;  // none yet (NaN is not a sentinel)
      for (std::size_t j = 0; j < times.size(); ++j) {
        if (times[j].value() > 0.0 && times[j].value() <= m.within.value() + 1e-9) {
          peak = peak && !std::isnan(*peak) ? std::max(*peak, values[j]) : values[j];
        }
      }
      return peak.value_or(kNaN);  // NaN: undefined (no assessment in the window)
    }
    case Metric::Kind::Responders:
      break;
  }
  return kNaN;
}

double metric_value(const MetricPlan& mp, const Outcomes& outcomes, const Assessments& as) {
  if (mp.metric->kind == Metric::Kind::Responders) {
    int count = 0;
    for (std::size_t i = 0; i < mp.arms.size(); ++i) {
      for (const SubjectOutcome& o : outcomes[mp.arms[i]]) {
        count += responds(o, mp.rules[i], as) ? 1 : 0;
      }
    }
    return count;
  }
  double sum = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < mp.arms.size(); ++i) {
    for (const SubjectOutcome& o : outcomes[mp.arms[i]]) {
      const double v = subject_value(mp, o.sessions[mp.session[i]], as);
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
  }
  return n > 0 ? sum / n : kNaN;
}

// The subjects' values of a metric in one replicate: mean, sample SD and count of the defined
// values, or for responders the count of responders among n subjects.
struct MetricSample {
  double mean = kNaN;
  double sd = kNaN;
  double n = 0.0;
  double responders = 0.0;
};

MetricSample metric_sample(const MetricPlan& mp, const Outcomes& outcomes, const Assessments& as) {
  MetricSample s;
  if (mp.metric->kind == Metric::Kind::Responders) {
    for (std::size_t i = 0; i < mp.arms.size(); ++i) {
      for (const SubjectOutcome& o : outcomes[mp.arms[i]]) {
        s.responders += responds(o, mp.rules[i], as) ? 1.0 : 0.0;
        s.n += 1.0;
      }
    }
    return s;
  }
  double mean = 0.0;
  double m2 = 0.0;  // Welford
  for (std::size_t i = 0; i < mp.arms.size(); ++i) {
    for (const SubjectOutcome& o : outcomes[mp.arms[i]]) {
      const double v = subject_value(mp, o.sessions[mp.session[i]], as);
      if (std::isfinite(v)) {
        s.n += 1.0;
        const double delta = v - mean;
        mean += delta / s.n;
        m2 += delta * (v - mean);
      }
    }
  }
  if (s.n > 0.0) {
    s.mean = mean;
  }
  if (s.n > 1.0) {
    s.sd = std::sqrt(m2 / (s.n - 1.0));
  }
  return s;
}

// A comparison endpoint of one replicate: items[0] against items[1].
Comparison comparison_value(const Endpoint& ep, const std::vector<MetricPlan>& items,
                            const Outcomes& outcomes, const Assessments& as) {
  const MetricSample a = metric_sample(items[0], outcomes, as);
  const MetricSample b = metric_sample(items[1], outcomes, as);
  switch (ep.kind) {
    case Endpoint::Kind::MeanDifference:
      return mean_difference(a.mean, a.sd, a.n, b.mean, b.sd, b.n, ep.confidence);
    case Endpoint::Kind::HedgesG:
      return hedges_g(a.mean, a.sd, a.n, b.mean, b.sd, b.n, ep.confidence);
    case Endpoint::Kind::OddsRatio:
      return odds_ratio(a.responders, a.n, b.responders, b.n, ep.confidence);
    case Endpoint::Kind::RiskDifference:
      return risk_difference(a.responders, a.n, b.responders, b.n, ep.confidence);
    case Endpoint::Kind::Value:
    case Endpoint::Kind::Ordering:
    case Endpoint::Kind::Ratio:
      break;
  }
  return {kNaN, kNaN, kNaN};
}

double endpoint_value(const Endpoint& ep, const std::vector<MetricPlan>& items,
                      const Outcomes& outcomes, const Assessments& as) {
  std::vector<double> v;
  for (const MetricPlan& mp : items) {
    v.push_back(metric_value(mp, outcomes, as));
  }
  switch (ep.kind) {
    case Endpoint::Kind::Value:
      return v[0];
    case Endpoint::Kind::Ratio:
      return v[1] != 0.0 ? v[0] / v[1] : kNaN;
    case Endpoint::Kind::Ordering:
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (std::isnan(v[i]) || std::isnan(v[i - 1])) {
          return kNaN;
        }
        if (ep.increasing ? !(v[i] > v[i - 1]) : !(v[i] < v[i - 1])) {
          return 0.0;
        }
      }
      return 1.0;
    case Endpoint::Kind::MeanDifference:
    case Endpoint::Kind::HedgesG:
    case Endpoint::Kind::OddsRatio:
    case Endpoint::Kind::RiskDifference:
      break;  // comparison_value
  }
  return kNaN;
}

struct ReplicateData {
  std::vector<double> endpoints;
  std::vector<Comparison> comparisons;  // per endpoint (NaN for non-comparisons)
  std::vector<double> profile;     // [arm][session][reduction | cadss | dsbp offsets], flattened
  std::vector<double> responders;  // [arm][session], flattened
  std::vector<double> typical;     // the drawn uncertain typical values (parameter uncertainty)
};

double mean_over(const std::vector<SubjectOutcome>& subjects, auto&& value) {
  double sum = 0.0;
  int n = 0;
  for (const SubjectOutcome& o : subjects) {
    const double v = value(o);
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  return n > 0 ? sum / n : kNaN;
}

core::Result<population::VirtualPatient> enrol(const Plan& plan,
                                               const population::PatientGenerator& generator,
                                               const pd::KetamineParameters& typical,
                                               std::uint64_t seed, std::uint64_t replicate,
                                               std::uint64_t& candidate, std::uint64_t limit) {
  const Design& d = *plan.design;
  while (true) {
    if (candidate >= limit) {
      return core::fail(core::ErrorCode::Validation,
                        "design {}: enrichment found too few responders among {} candidates in "
                        "replicate {} (raise max_candidates_per_subject or relax the rule)",
                        d.name, limit, replicate + 1);
    }
    population::VirtualPatient patient = generator.draw(seed, replicate, candidate++, typical);
    if (!plan.run_in || KETAPATH_TRY(plan.run_in->accepts(patient, seed))) {
      return patient;
    }
  }
}

using Enrol = std::function<core::Result<population::VirtualPatient>()>;

// The arm's subjects through the batch kernel, kLanes at a time, enrolled in the same order as
// subject by subject. A patient whose own parameters the kernel does not cover is simulated alone.
core::Status run_arm_batch(const Plan& plan, std::size_t a, const Enrol& next, std::uint64_t seed,
                           std::uint64_t slot_base, std::vector<SubjectOutcome>& out) {
  const Design& d = *plan.design;
  const ArmBatch& batch = *plan.batch[a];
  constexpr std::size_t kLanes = population::kLanes;
  std::vector<double> profiles(batch.schedule.protocol.output_times_h.size() *
                               population::kProfileVariables * kLanes);
  std::array<double, kLanes * population::kEndpointCount> endpoints{};
  std::vector<population::VirtualPatient> patients;
  patients.reserve(kLanes);
  const auto n = static_cast<std::size_t>(d.arms[a].subjects);
  out.reserve(n);
  for (std::size_t first = 0; first < n; first += kLanes) {
    const std::size_t lanes = std::min(kLanes, n - first);
    patients.clear();
    population::BatchSubjects subjects;
    subjects.reserve(lanes);
    for (std::size_t l = 0; l < lanes; ++l) {
      patients.push_back(KETAPATH_TRY(next()));
      const population::VirtualPatient& p = patients.back();
      KETAPATH_TRY(pd::validate(p.parameters));  // as simulate_ketamine does
      subjects.push_back(
          population::ketamine_batch_subject(p.parameters, batch.route, p.covariates.weight));
    }
    KETAPATH_TRY(subjects.validate());
    population::simulate_block(batch.schedule, subjects, 0, lanes, endpoints.data(),
                               profiles.data());
    for (std::size_t l = 0; l < lanes; ++l) {
      if (kernel_covers(patients[l].parameters, batch.route)) {
        out.push_back(batch.outcomes.outcome(patients[l], profiles.data(), l));
      } else {
        out.push_back(KETAPATH_TRY(simulate_subject(patients[l], plan.sessions[a], d.assessments,
                                                    plan.expectancy, seed, slot_base)));
      }
    }
  }
  return {};
}

// One replicate from `typical` (the model's typical values, or this replicate's draw of their
// uncertainty).
core::Result<ReplicateData> run_replicate(const Plan& plan,
                                          const population::PatientGenerator& generator,
                                          const pd::KetamineParameters& typical, std::uint64_t seed,
                                          std::uint64_t replicate) {
  const Design& d = *plan.design;
  const Assessments& as = d.assessments;
  std::uint64_t total = 0;
  for (const Arm& arm : d.arms) {
    total += static_cast<std::uint64_t>(arm.subjects);
  }
  const std::uint64_t limit =
      d.enrichment ? total * static_cast<std::uint64_t>(d.enrichment->max_candidates_per_subject)
                   : total;
  const std::uint64_t slot_base = d.enrichment ? kTrialSlots : 0;
  Outcomes outcomes(d.arms.size());
  std::uint64_t candidate = 0;
  for (std::size_t a = 0; a < d.arms.size(); ++a) {
    if (d.allocation == Allocation::Paired)
      candidate = 0;  // every arm enrols the same patients
    if (plan.batch[a]) {
      const Enrol next = [&]() {
        return enrol(plan, generator, typical, seed, replicate, candidate, limit);
      };
      KETAPATH_TRY(run_arm_batch(plan, a, next, seed, slot_base, outcomes[a]));
      continue;
    }
    for (int j = 0; j < d.arms[a].subjects; ++j) {
      const auto patient =
          KETAPATH_TRY(enrol(plan, generator, typical, seed, replicate, candidate, limit));
      outcomes[a].push_back(KETAPATH_TRY(
          simulate_subject(patient, plan.sessions[a], as, plan.expectancy, seed, slot_base)));
    }
  }

  ReplicateData data;
  for (std::size_t e = 0; e < d.endpoints.size(); ++e) {
    if (is_comparison(d.endpoints[e])) {
      const Comparison c = comparison_value(d.endpoints[e], plan.endpoints[e], outcomes, as);
      data.endpoints.push_back(c.estimate);
      data.comparisons.push_back(c);
    } else {
      data.endpoints.push_back(endpoint_value(d.endpoints[e], plan.endpoints[e], outcomes, as));
      data.comparisons.push_back({kNaN, kNaN, kNaN});
    }
  }
  for (std::size_t a = 0; a < d.arms.size(); ++a) {
    for (std::size_t k = 0; k < plan.sessions[a].size(); ++k) {
      for (std::size_t j = 0; j < as.ratings.size(); ++j) {
        data.profile.push_back(mean_over(outcomes[a], [&](const SubjectOutcome& o) {
          const SessionOutcome& so = o.sessions[k];
          return so.pre[0] > 0.0 ? (so.pre[0] - so.ratings[0][j]) / so.pre[0] : kNaN;
        }));
      }
      for (std::size_t j = 0; j < as.cadss.size(); ++j) {
        data.profile.push_back(mean_over(
            outcomes[a], [&](const SubjectOutcome& o) { return o.sessions[k].cadss[j]; }));
      }
      for (std::size_t j = 0; j < as.vitals.size(); ++j) {
        data.profile.push_back(mean_over(outcomes[a], [&](const SubjectOutcome& o) {
          return o.sessions[k].vitals[vitals_index(Variable::Dsbp)][j];
        }));
      }
      if (d.responder) {
        ResolvedRule rule{&*d.responder, {k}};
        int count = 0;
        for (const SubjectOutcome& o : outcomes[a]) {
          count += responds(o, rule, as) ? 1 : 0;
        }
        data.responders.push_back(count);
      }
    }
  }
  return data;
}

std::string session_label(const protocol::Administration& a) {
  if (a.agent == protocol::Agent::Ketamine) {
    return fmt::format("{} {}", a.dose.describe(), protocol::route_name(a.route));
  }
  return fmt::format("{} {}", protocol::agent_name(a.agent), protocol::route_name(a.route));
}

Band band_of(const std::vector<core::Hours>& times, const std::vector<ReplicateData>& reps,
             std::size_t& offset) {
  Band band;
  std::vector<double> column(reps.size());
  for (core::Hours t : times) {
    for (std::size_t r = 0; r < reps.size(); ++r) {
      column[r] = reps[r].profile[offset];
    }
    band.time_h.push_back(t.value());
    band.values.push_back(summarize(column));
    ++offset;
  }
  return band;
}

// Replicate r with the model's typical values, or (with a sampler) its own draw of them.
core::Result<ReplicateData> replicate_with_uncertainty(
    const Plan& plan, const population::PatientGenerator& generator, const pd::KetamineModel& model,
    const pd::TypicalSampler* sampler, std::uint64_t seed, std::uint64_t r) {
  if (sampler == nullptr) {
    return run_replicate(plan, generator, model.typical, seed, r);
  }
  core::RandomStream stream(seed,
                            {.replicate = r, .subject = 0, .stream = core::Stream::Uncertainty});
  const pd::KetamineParameters typical = KETAPATH_TRY(sampler->draw(stream));
  ReplicateData data = KETAPATH_TRY(run_replicate(plan, generator, typical, seed, r));
  for (const pd::ParameterId id : sampler->uncertainty().parameters) {
    data.typical.push_back(pd::get_parameter(typical, id));
  }
  return data;
}

}  // namespace

core::Result<TrialResult> run_trial(const Design& design, const pd::KetamineModel& model,
                                    const TrialOptions& options) {
  KETAPATH_TRY(core::check_limited_count("trial: replicates", options.replicates, "", 1,
                                         core::limits::kMaxReplicates));
  KETAPATH_TRY(core::check_limited_count("trial: threads", options.threads, "", 1,
                                         core::limits::kMaxThreads));
  KETAPATH_TRY(validate(design));
  KETAPATH_TRY(check_model_scales(design.assessments, model));
  std::optional<pd::TypicalSampler> sampler;
  if (options.parameter_uncertainty) {
    sampler = KETAPATH_TRY(pd::TypicalSampler::create(model));
  }
  {
    // The work, bounded before any of it starts: subject simulations over all replicates.
    double runs = 0.0;
    for (const Arm& arm : design.arms) {
      runs += static_cast<double>(arm.subjects);
    }
    if (design.enrichment) {
      runs *= static_cast<double>(design.enrichment->max_candidates_per_subject);
    }
    runs *= static_cast<double>(options.replicates);
    KETAPATH_TRY(core::check_range(
        "trial: subject simulations (replicates x subjects x enrichment candidates)", runs, "",
        {.high = static_cast<double>(core::limits::kMaxTrialSubjectRuns)},
        core::ErrorCode::LimitExceeded));
  }
  if (design.assessments.scales.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "design {}: rates no anxiety scale",
                      design.name);
  }
  const auto generator =
      KETAPATH_TRY(population::PatientGenerator::create(model, design.population));
  Plan plan = make_plan(design);
  const std::uint64_t slot_base = design.enrichment ? kTrialSlots : 0;
  for (const auto& sessions : plan.sessions) {
    plan.batch.push_back(options.per_subject ? std::nullopt
                                             : arm_batch(design, model.typical, sessions,
                                                         plan.expectancy, options.seed, slot_base));
  }

  // Fixed mapping: replicate r is computed by worker r % threads into slot r.
  const auto n = static_cast<std::size_t>(options.replicates);
  std::vector<std::optional<core::Result<ReplicateData>>> slots(n);
  std::mutex progress_mutex;
  std::size_t done = 0;
  const auto work = [&](std::size_t worker, std::size_t workers) {
    for (std::size_t r = worker; r < n; r += workers) {
      slots[r] = replicate_with_uncertainty(plan, generator, model, sampler ? &*sampler : nullptr,
                                            options.seed, r);
      if (options.progress) {
        const std::lock_guard lock(progress_mutex);
        options.progress(++done, n);
      }
    }
  };
  const auto workers = std::min(static_cast<std::size_t>(options.threads), n);
  if (workers == 1) {
    work(0, 1);
  } else {
    std::vector<std::jthread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
      pool.emplace_back(work, w, workers);
    }
  }
  std::vector<ReplicateData> reps;
  reps.reserve(n);
  for (auto& slot : slots) {
    if (!slot->has_value()) {
      return std::unexpected(slot->error());
    }
    reps.push_back(std::move(**slot));
  }

  TrialResult result;
  result.design = design.name;
  result.replicates = options.replicates;
  result.seed = options.seed;
  result.primary_scale = rated_scale(design.assessments, 0).name;
  if (sampler) {
    for (const pd::ParameterId id : sampler->uncertainty().parameters) {
      result.uncertain_parameters.emplace_back(pd::parameter_info(id).name);
    }
    result.uncertainty_source = sampler->uncertainty().source;
    for (const ReplicateData& rep : reps) {
      result.replicate_typical.push_back(rep.typical);
    }
  }
  for (std::size_t e = 0; e < design.endpoints.size(); ++e) {
    EndpointResult er;
    er.endpoint = design.endpoints[e];
    for (const ReplicateData& rep : reps) {
      er.per_replicate.push_back(rep.endpoints[e]);
      if (is_comparison(er.endpoint)) {
        er.per_replicate_interval.push_back({rep.comparisons[e].low, rep.comparisons[e].high});
      }
    }
    er.simulated = er.endpoint.kind == Endpoint::Kind::Ordering
                       ? summarize_fraction(er.per_replicate)
                       : summarize(er.per_replicate);
    if (er.endpoint.tolerance && er.simulated.defined > 0) {
      er.pass = er.simulated.median >= er.endpoint.tolerance->first &&
                er.simulated.median <= er.endpoint.tolerance->second;
    }
    result.endpoints.push_back(std::move(er));
  }
  std::size_t offset = 0;
  std::size_t responder_offset = 0;
  const Assessments& as = design.assessments;
  for (std::size_t a = 0; a < design.arms.size(); ++a) {
    for (std::size_t k = 0; k < plan.sessions[a].size(); ++k) {
      SessionProfile profile;
      profile.arm = design.arms[a].name;
      profile.session = k;
      profile.label = session_label(plan.sessions[a][k]);
      profile.start = plan.sessions[a][k].time;
      profile.reduction = band_of(as.ratings, reps, offset);
      profile.cadss = band_of(as.cadss, reps, offset);
      profile.dsbp = band_of(as.vitals, reps, offset);
      result.profiles.push_back(std::move(profile));
      if (design.responder) {
        std::vector<double> counts;
        for (const ReplicateData& rep : reps) {
          counts.push_back(rep.responders[responder_offset]);
        }
        ++responder_offset;
        result.responders.push_back({design.arms[a].name, k, session_label(plan.sessions[a][k]),
                                     summarize(counts), design.arms[a].subjects});
      }
    }
  }
  return result;
}

}  // namespace ketapath::trial
