// Validation of the individual estimator on virtual patients (validation.h).

#include "estimation/validation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <thread>

#include "estimation/forecast.h"
#include "estimation/ketamine_individual.h"
#include "estimation/posterior.h"
#include "estimation/virtual_course.h"
#include "population/virtual_patient.h"

namespace ketapath::estimation {
namespace {

constexpr double kDay = 24.0;
constexpr double kMaintenanceStart = 24.0 * kDay;  // day 24 00:00 (7 days after the last loading)
constexpr double kMaintenanceDays = 84.0;          // 12 weeks
constexpr pd::Scale kScale = pd::Scale::HamA;

struct Strategy {
  double infusions = 0.0;
  double days_in_response = 0.0;
  double relapses = 0.0;
  double decisions = 0.0;
  double model_decisions = 0.0;
};

struct PatientOutcome {
  std::vector<std::vector<double>> error;  // [k][parameter] posterior mean - truth (eta)
  std::vector<int> class_correct;          // [k]
  int held_out = 0;
  int in80 = 0;
  int in95 = 0;
  bool responder = true;
  std::array<Strategy, 6> strategies{};
  double weekly_peak = 0.0;  // largest true reduction at the daily checks under weekly dosing
  int fits = 0;
  std::optional<core::Error> error_status;
};

struct Fitted {
  KetamineIndividual individual;
  std::vector<WeightedDraw> draws;  // resampled
  Eigen::VectorXd mean;             // importance-sampled posterior mean (mixture)
  double p_nonresponder = 0.0;
};

std::uint64_t patient_seed(std::uint64_t seed, std::uint64_t i) {
  return seed * 0x9E3779B97F4A7C15ULL + i + 1;
}

core::Result<Fitted> fit(const pd::KetamineModel& model, const pd::SubjectCovariates& covariates,
                         const std::vector<pd::Dose>& doses, std::vector<Rating> ratings,
                         const ValidationOptions& options, std::uint64_t seed) {
  IndividualData data{.covariates = covariates, .doses = doses, .ratings = std::move(ratings)};
  KetamineIndividual individual = KETAPATH_TRY(KetamineIndividual::create(model, data));
  const Posterior laplace = KETAPATH_TRY(fit_laplace(individual.model()));
  const ImportanceResult is = KETAPATH_TRY(
      importance_sample(individual.model(), laplace, {.draws = options.draws, .seed = seed}));
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(individual.model().prior_mean.size());
  for (const WeightedDraw& w : is.draws) {
    mean += w.weight * w.theta;
  }
  auto draws = resample(is.draws, static_cast<std::size_t>(options.forecast_draws));
  return Fitted{std::move(individual), std::move(draws), std::move(mean),
                is.class_probability.size() > 1 ? is.class_probability[1] : 0.0};
}

// The "oracle": the decision made from the patient's true estimated parameters (the four etas,
// the class and the HAM-A baseline; PK typical as in every fit) as a single draw: what a
// perfectly identified posterior would decide.
core::Result<Fitted> known(const pd::KetamineModel& model, const pd::SubjectCovariates& covariates,
                           const std::vector<pd::Dose>& doses, std::vector<Rating> ratings,
                           const WeightedDraw& truth) {
  IndividualData data{.covariates = covariates, .doses = doses, .ratings = std::move(ratings)};
  KetamineIndividual individual = KETAPATH_TRY(KetamineIndividual::create(model, data));
  return Fitted{std::move(individual), {truth}, truth.theta, truth.cls == 1 ? 1.0 : 0.0};
}

WeightedDraw oracle_draw(const pd::KetamineModel& model, const population::VirtualPatient& patient,
                         const KetamineIndividual& individual, double baseline) {
  const Model& m = individual.model();
  WeightedDraw w{.theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m.parameters.size())),
                 .cls = patient.nonresponder ? 1U : 0U,
                 .weight = 1.0};
  for (std::size_t p = 0; p < m.parameters.size(); ++p) {
    for (std::size_t e = 0; e < model.etas.size(); ++e) {
      if (pd::parameter_info(model.etas[e].parameter).name == m.parameters[p].name) {
        w.theta(static_cast<Eigen::Index>(p)) = patient.etas[e];
      }
    }
    if (m.parameters[p].name.starts_with("BASELINE")) {
      w.theta(static_cast<Eigen::Index>(p)) = baseline;
    }
  }
  return w;
}

// One noisy rating at time t (slot = minutes since the origin, so the same time has the same
// noise under every strategy).
core::Result<Rating> rate_at(const pd::KetamineParameters& truth, double baseline,
                             const std::vector<pd::Dose>& doses, double t, std::uint64_t seed,
                             std::uint64_t subject) {
  const std::array<double, 1> times{t};
  const auto r = KETAPATH_TRY(rate(truth, kScale, baseline, doses, times, seed, 0, subject,
                                   static_cast<std::uint64_t>(std::llround(t * 60.0))));
  return r.front();
}

// Days in response and relapse episodes over the maintenance window (daily 08:00 checks).
core::Result<std::pair<double, double>> score_window(const pd::KetamineParameters& truth,
                                                     double baseline,
                                                     const std::vector<pd::Dose>& doses,
                                                     double responder_reduction) {
  std::vector<double> times;
  for (int d = 0; d < static_cast<int>(kMaintenanceDays); ++d) {
    times.push_back(kMaintenanceStart + d * kDay + 8.0);
  }
  const auto scores = KETAPATH_TRY(true_scores(truth, kScale, baseline, doses, times));
  const double threshold = (1.0 - responder_reduction) * baseline;
  double days = 0.0;
  double relapses = 0.0;
  bool previous = false;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool in = scores[i] <= threshold;
    days += in ? 1.0 : 0.0;
    relapses += (i > 0 && previous && !in) ? 1.0 : 0.0;
    previous = in;
  }
  return std::pair{days, relapses};
}

// The largest true reduction from baseline at the daily checks of the maintenance window: the
// threshold R that a patient can reach at all under these doses.
core::Result<double> peak_reduction(const pd::KetamineParameters& truth, double baseline,
                                    const std::vector<pd::Dose>& doses) {
  std::vector<double> times;
  for (int d = 0; d < static_cast<int>(kMaintenanceDays); ++d) {
    times.push_back(kMaintenanceStart + d * kDay + 8.0);
  }
  const auto scores = KETAPATH_TRY(true_scores(truth, kScale, baseline, doses, times));
  double best = 0.0;
  for (const double e : scores) {
    best = std::max(best, 1.0 - e / baseline);
  }
  return best;
}

// The clinic's rule, simplified (response.h plan_response): interval steps 7 -> 14 -> 28 days;
// three responding pre-dose ratings in a row lengthen it one step, a non-responding one after a
// response shortens it one step.
struct RuleState {
  int step = 0;
  int streak = 0;
  bool responded = false;

  double next_interval(double rating, double baseline_rating, double responder_reduction) {
    constexpr std::array<double, 3> kSteps{7.0, 14.0, 28.0};
    const double reduction = baseline_rating > 0.0 ? 1.0 - rating / baseline_rating : 0.0;
    if (reduction >= responder_reduction) {
      responded = true;
      if (++streak >= 3 && step < 2) {
        ++step;
        streak = 0;
      }
    } else {
      streak = 0;
      if (responded && step > 0) {
        --step;
      }
    }
    return kSteps[static_cast<std::size_t>(step)] * kDay;
  }
};

bool clinic_day(double t) {  // day 0 is a Monday; Monday to Friday open
  const auto day = static_cast<long>(std::floor(t / kDay));
  return day % 7 < 5;
}

// The model's schedule over the maintenance window: re-planned from all ratings so far at the
// first dose and then every `decision_days` (4 weeks by default); `gated`: the rule decides a
// block whose recommendation does not meet the risk (what the clinic can accept), else the
// model's chosen schedule is followed whether or not it meets the risk. Returns every dose given
// (loading included).
core::Result<std::vector<pd::Dose>> run_model(const pd::KetamineModel& model,
                                              const population::VirtualPatient& patient,
                                              const pd::KetamineParameters& truth, double baseline,
                                              std::vector<Rating> ratings,
                                              const ValidationOptions& options, std::uint64_t seed,
                                              std::uint64_t i, bool gated, Strategy& st, int& fits,
                                              const WeightedDraw* oracle = nullptr) {
  const double end = kMaintenanceStart + kMaintenanceDays * kDay;
  const double baseline_rating = ratings.front().score;
  std::vector<pd::Dose> doses = loading_course(patient.covariates.weight);
  RuleState rule;
  // Decision at 09:00 on day 24, with the 7-day follow-up rating of the loading series.
  double t_plan = kMaintenanceStart + 9.0;
  double next_dose = kMaintenanceStart + 9.0;
  while (t_plan < end) {
    const double block_end = std::min(end, t_plan + options.decision_days * kDay);
    const Fitted fitted =
        oracle != nullptr ? KETAPATH_TRY(known(model, patient.covariates, doses, ratings, *oracle))
                          : KETAPATH_TRY(fit(model, patient.covariates, doses, ratings, options,
                                             seed + 7919 * fits));
    fits += oracle != nullptr ? 0 : 1;
    RecommendRequest req;
    req.now = t_plan;
    for (double c = std::floor(t_plan / kDay) * kDay + 9.0; c <= t_plan + 28.0 * kDay; c += kDay) {
      if (c >= t_plan && c >= next_dose - 1e-9 && clinic_day(c)) {
        req.candidates.push_back(c);
      }
    }
    req.intervals = {7.0 * kDay, 14.0 * kDay, 21.0 * kDay, 28.0 * kDay};
    req.horizon = options.full_horizon
                      ? kMaintenanceDays * kDay
                      : std::min(kMaintenanceDays * kDay, end - t_plan + 7.0 * kDay);
    req.credit = options.credit;
    req.risk = options.risk;
    req.maintenance = maintenance_dose(patient.covariates.weight, 0.0);
    const auto rec = KETAPATH_TRY(
        recommend(fitted.individual, fitted.draws, req,
                  {.scale = kScale, .responder_reduction = options.responder_reduction}));
    st.decisions += 1.0;
    st.model_decisions += rec.within_risk ? 1.0 : 0.0;
    const bool follow = rec.within_risk || !gated;
    std::vector<double> block;
    if (follow) {
      for (double t = rec.chosen.next; t < block_end; t += rec.chosen.interval) {
        block.push_back(t);
      }
      next_dose = block.empty() ? rec.chosen.next : block.back() + rec.chosen.interval;
    }
    // Dose the block (the rule decides where the model is not followed), with the clinic's
    // ratings.
    double t = follow ? -1.0 : std::max(next_dose, t_plan + 1.0);
    std::size_t b = 0;
    while (true) {
      double dose_time = 0.0;
      if (follow) {
        if (b >= block.size()) {
          break;
        }
        dose_time = block[b++];
      } else {
        if (t >= block_end) {
          next_dose = t;
          break;
        }
        dose_time = t;
      }
      const Rating pre = KETAPATH_TRY(rate_at(truth, baseline, doses, dose_time, seed, i));
      ratings.push_back(pre);
      doses.push_back(maintenance_dose(patient.covariates.weight, dose_time));
      for (const double after : {2.0, 24.0}) {
        if (dose_time + after < block_end) {
          ratings.push_back(
              KETAPATH_TRY(rate_at(truth, baseline, doses, dose_time + after, seed, i)));
        }
      }
      if (!follow) {
        t = dose_time + rule.next_interval(pre.score, baseline_rating, options.responder_reduction);
      }
    }
    t_plan = block_end;
  }
  return doses;
}

core::Status run_strategies(const pd::KetamineModel& model,
                            const population::VirtualPatient& patient,
                            const pd::KetamineParameters& truth, double baseline,
                            std::vector<Rating> loading_ratings, const ValidationOptions& options,
                            std::uint64_t seed, std::uint64_t i, PatientOutcome& out) {
  const auto loading = loading_course(patient.covariates.weight);
  const double end = kMaintenanceStart + kMaintenanceDays * kDay;
  const double first_dose = kMaintenanceStart + 9.0;
  const auto finish = [&](std::size_t s, const std::vector<pd::Dose>& doses) -> core::Status {
    const auto [days, relapses] =
        KETAPATH_TRY(score_window(truth, baseline, doses, options.responder_reduction));
    out.strategies[s].infusions = static_cast<double>(doses.size() - loading.size());
    out.strategies[s].days_in_response = days;
    out.strategies[s].relapses = relapses;
    return {};
  };
  for (const auto& [s, interval] : {std::pair<std::size_t, double>{0, 7.0}, {1, 14.0}}) {
    std::vector<pd::Dose> doses = loading;
    for (double t = first_dose; t < end; t += interval * kDay) {
      doses.push_back(maintenance_dose(patient.covariates.weight, t));
    }
    KETAPATH_TRY(finish(s, doses));
    if (s == 0) {
      out.weekly_peak = KETAPATH_TRY(peak_reduction(truth, baseline, doses));
    }
  }
  const double baseline_rating = loading_ratings.front().score;
  // Rule: a dose at the start, then the rule's interval from each pre-dose rating.
  {
    std::vector<pd::Dose> doses = loading;
    RuleState rule;
    double t = first_dose;
    while (t < end) {
      const Rating pre = KETAPATH_TRY(rate_at(truth, baseline, doses, t, seed, i));
      doses.push_back(maintenance_dose(patient.covariates.weight, t));
      t += rule.next_interval(pre.score, baseline_rating, options.responder_reduction);
    }
    KETAPATH_TRY(finish(2, doses));
  }
  // Model: its chosen schedule at every decision, then gated like the clinic (the rule where the
  // risk is not met).
  for (const std::size_t s : {std::size_t{3}, std::size_t{4}}) {
    Strategy& st = out.strategies[s];
    const std::vector<pd::Dose> doses = KETAPATH_TRY(run_model(
        model, patient, truth, baseline, loading_ratings, options, seed, i, s == 4, st, out.fits));
    KETAPATH_TRY(finish(s, doses));
  }
  // Oracle: the same decisions from the true parameters (ungated).
  {
    IndividualData data{
        .covariates = patient.covariates, .doses = loading, .ratings = loading_ratings};
    const KetamineIndividual individual = KETAPATH_TRY(KetamineIndividual::create(model, data));
    const WeightedDraw truth_draw = oracle_draw(model, patient, individual, baseline);
    Strategy& st = out.strategies[5];
    int unused = 0;
    const std::vector<pd::Dose> doses =
        KETAPATH_TRY(run_model(model, patient, truth, baseline, loading_ratings, options, seed, i,
                               false, st, unused, &truth_draw));
    KETAPATH_TRY(finish(5, doses));
  }
  return {};
}

PatientOutcome evaluate_patient(const pd::KetamineModel& model,
                                const population::PatientGenerator& generator,
                                const ValidationOptions& options, std::uint64_t i) {
  PatientOutcome out;
  const auto run = [&]() -> core::Status {
    const population::VirtualPatient patient = generator.draw(options.seed, 0, i);
    pd::KetamineParameters truth = patient.parameters;
    truth.s_t12 = truth.s_t12 * options.truth.s_t12_factor;
    truth.placebo_t12 = truth.placebo_t12 * options.truth.placebo_t12_factor;
    const double baseline = patient.baseline.ham_a;
    out.responder = !patient.nonresponder;
    const auto doses = loading_course(patient.covariates.weight);
    const auto times = clinic_rating_times(doses);
    const std::vector<Rating> ratings =
        KETAPATH_TRY(rate(truth, kScale, baseline, doses, times, options.seed, 0, i));
    const std::uint64_t seed = patient_seed(options.seed, i);
    for (const int k : options.recovery_k) {
      std::vector<Rating> first(ratings.begin(),
                                ratings.begin() + std::min<std::size_t>(ratings.size(), k));
      const Fitted f = KETAPATH_TRY(fit(model, patient.covariates, doses, first, options, seed));
      ++out.fits;
      std::vector<double> err;
      for (std::size_t p = 0; p < f.individual.model().parameters.size(); ++p) {
        const std::string& name = f.individual.model().parameters[p].name;
        for (std::size_t e = 0; e < model.etas.size(); ++e) {
          if (pd::parameter_info(model.etas[e].parameter).name == name) {
            err.push_back(f.mean(static_cast<Eigen::Index>(p)) - patient.etas[e]);
          }
        }
      }
      out.error.push_back(std::move(err));
      out.class_correct.push_back((f.p_nonresponder > 0.5) == patient.nonresponder ? 1 : 0);
    }
    // Calibration on the held-out later loading ratings.
    const auto k = static_cast<std::size_t>(options.calibration_k);
    if (k < ratings.size()) {
      std::vector<Rating> first(ratings.begin(), ratings.begin() + k);
      const Fitted f = KETAPATH_TRY(fit(model, patient.covariates, doses, first, options, seed));
      ++out.fits;
      std::vector<double> later(times.begin() + k, times.end());
      const auto e = KETAPATH_TRY(expected_scores(f.individual, f.draws, doses, later, kScale));
      const double sd = pd::scale_noise_sd(truth, kScale);
      for (std::size_t t = 0; t < later.size(); ++t) {
        std::vector<double> column;
        for (const auto& row : e) {
          column.push_back(row[t]);
        }
        const double y = ratings[k + t].score;
        const Interval i80 = prediction_interval(column, sd, kScale, 0.8);
        const Interval i95 = prediction_interval(column, sd, kScale, 0.95);
        ++out.held_out;
        out.in80 += (y >= i80.lower && y <= i80.upper) ? 1 : 0;
        out.in95 += (y >= i95.lower && y <= i95.upper) ? 1 : 0;
      }
    }
    if (options.decisions) {
      KETAPATH_TRY(run_strategies(model, patient, truth, baseline, ratings, options, seed, i, out));
    }
    return {};
  };
  if (const auto status = run(); !status) {
    out.error_status = status.error();
  }
  return out;
}

}  // namespace

core::Result<ValidationResult> validate(const pd::KetamineModel& model,
                                        const ValidationOptions& options) {
  if (options.patients < 1 || options.threads < 1) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "validation: needs at least one patient and one thread (got {} and {})",
                      options.patients, options.threads);
  }
  const population::PatientGenerator generator =
      KETAPATH_TRY(population::PatientGenerator::create(model, population::PopulationSpec{}));
  std::vector<PatientOutcome> outcomes(static_cast<std::size_t>(options.patients));
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < options.threads; ++w) {
      workers.emplace_back([&, w] {
        for (int i = w; i < options.patients; i += options.threads) {  // fixed mapping
          outcomes[static_cast<std::size_t>(i)] =
              evaluate_patient(model, generator, options, static_cast<std::uint64_t>(i));
        }
      });
    }
  }
  ValidationResult r;
  r.patients = options.patients;
  for (const PatientOutcome& o : outcomes) {
    if (o.error_status) {
      return std::unexpected(*o.error_status);
    }
  }
  // Recovery, in index order.
  const std::vector<std::string> names{"ANX_EC50", "S_KON", "S_T12", "PLACEBO_MAX"};
  for (std::size_t ki = 0; ki < options.recovery_k.size(); ++ki) {
    for (std::size_t p = 0; p < names.size(); ++p) {
      double sum = 0.0;
      double sq = 0.0;
      for (const PatientOutcome& o : outcomes) {
        sum += o.error[ki][p];
        sq += o.error[ki][p] * o.error[ki][p];
      }
      const double n = static_cast<double>(outcomes.size());
      double prior_sd = 0.0;
      for (std::size_t e = 0; e < model.etas.size(); ++e) {
        if (pd::parameter_info(model.etas[e].parameter).name == names[p]) {
          prior_sd =
              std::sqrt(model.omega(static_cast<Eigen::Index>(e), static_cast<Eigen::Index>(e)));
        }
      }
      r.recovery.push_back(
          {names[p], options.recovery_k[ki], sum / n, std::sqrt(sq / n), prior_sd});
    }
    double correct = 0.0;
    for (const PatientOutcome& o : outcomes) {
      correct += o.class_correct[ki];
    }
    r.class_accuracy.emplace_back(options.recovery_k[ki],
                                  correct / static_cast<double>(outcomes.size()));
  }
  int in80 = 0;
  int in95 = 0;
  double responders = 0.0;
  int fits = 0;
  for (const PatientOutcome& o : outcomes) {
    r.held_out += o.held_out;
    in80 += o.in80;
    in95 += o.in95;
    responders += o.responder ? 1.0 : 0.0;
    fits += o.fits;
  }
  r.coverage80 = r.held_out > 0 ? static_cast<double>(in80) / r.held_out : 0.0;
  r.coverage95 = r.held_out > 0 ? static_cast<double>(in95) / r.held_out : 0.0;
  r.true_responder_fraction = responders / static_cast<double>(outcomes.size());
  r.fits = fits;
  if (options.decisions) {
    const std::array<std::string, 6> strategy_names{"weekly",
                                                    "fortnightly",
                                                    "rule",
                                                    "model",
                                                    "model, rule when risk not met",
                                                    "oracle (true parameters)"};
    for (std::size_t s = 0; s < strategy_names.size(); ++s) {
      StrategyResult sr;
      sr.name = strategy_names[s];
      double days = 0.0;
      double decisions = 0.0;
      double model_decisions = 0.0;
      for (const PatientOutcome& o : outcomes) {
        sr.infusions += o.strategies[s].infusions;
        days += o.strategies[s].days_in_response;
        sr.relapse_episodes += o.strategies[s].relapses;
        decisions += o.strategies[s].decisions;
        model_decisions += o.strategies[s].model_decisions;
      }
      const double n = static_cast<double>(outcomes.size());
      sr.weeks_per_infusion = sr.infusions > 0.0 ? days / 7.0 / sr.infusions : 0.0;
      sr.infusions /= n;
      sr.weeks_in_response = days / 7.0 / n;
      sr.relapse_episodes /= n;
      sr.model_followed = decisions > 0.0 ? model_decisions / decisions : 0.0;
      r.strategies.push_back(sr);
    }
    for (const PatientOutcome& o : outcomes) {
      r.weekly_peak_reduction.push_back(o.weekly_peak);
    }
  }
  return r;
}

}  // namespace ketapath::estimation
