#pragma once
// The ketamine model as an estimation::Model for one patient (issue 13): from the doses given,
// the body weight and ratings on one or more anxiety scales, the posterior of the parameters the
// ratings inform - the etas of ANX_EC50 (acute anxiolysis), S_KON and S_T12 (plasticity rate and
// half-life) and PLACEBO_MAX (expectancy), the responder class, and each rated scale's baseline
// (the untreated expected score, a nuisance parameter) - under the population model as prior.
// The residual error of each scale stays at the population value (SD_*), every other parameter
// at its typical value after covariates (pd::individualize with those etas zero): ratings
// cannot separate PK variability from EC50 variability, so the EC50s absorb it.
//
// Speed: the estimated parameters are all pharmacodynamic, so the effect-site concentration of
// a dose history is computed once (ExposurePath: the exact PK of pd::simulate_ketamine on a
// substep grid) and each evaluation only integrates the plasticity state S (classical RK4 on the
// precomputed drive, the same scheme as simulate_ketamine) and evaluates pd::ketamine_outputs at
// the output times. tests/estimation holds it to pd::simulate_ketamine.
//
// Times are hours from an origin the caller chooses (>= 0 for every dose and rating).
//
// Example:
//   estimation::IndividualData data{.covariates = {.weight = 80.0_kg}, .doses = doses,
//                                   .ratings = {{pd::Scale::HamA, 0.0_h, 26}, ...}};
//   auto fit = estimation::KetamineIndividual::create(model, data);
//   auto laplace = estimation::fit_laplace(fit->model());

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "estimation/posterior.h"
#include "pd/ketamine_model.h"
#include "pd/rating_scales.h"

namespace ketapath::estimation {

/// One rating: scale, time (h from the origin), total score.
struct Rating {
  pd::Scale scale = pd::Scale::HamA;
  core::Hours time{0.0};
  double score = 0.0;
};

struct IndividualData {
  pd::SubjectCovariates covariates;
  std::vector<pd::Dose> doses;  ///< what was given (h from the origin)
  std::vector<Rating> ratings;  ///< anxiety scales only (CADSS is refused), any order
};

/// The parameters whose etas are estimated when the model file gives them variability.
std::span<const pd::ParameterId> informed_parameters();

/// Prior of a scale's baseline (additive normal): mean half the range, SD a quarter of it
/// (weakly informative; the pre-dose ratings decide it).
struct BaselinePrior {
  double mean = 0.0;
  double sd = 0.0;
};

BaselinePrior baseline_prior(pd::Scale scale);

struct PathOptions {
  core::Hours fine_step{2.0 / 60.0};  ///< within `fine_window` after a dose start/infusion end
  core::Hours coarse_step{0.25};
  core::Hours fine_window{6.0};
};

/// The effect-site course of one dose history on a substep grid, for fast re-integration of S.
class ExposurePath {
 public:
  /// `p` gives the PK (and S_EC50, S_GAMMA); `times` are the output times (any order, >= 0).
  /// With `from` > 0 the path starts there (every output time >= from): the substep grid after
  /// `from` is the one a path from 0 with an output time at `from` has (doses before `from` still
  /// drive Ce and set the fine windows), so S continued from its value at `from` (sustained's
  /// `initial`) equals S integrated from 0 on that path, up to the rounding of Ce.
  static core::Result<ExposurePath> build(const pd::KetamineParameters& p,
                                          std::span<const pd::Dose> doses,
                                          std::span<const double> times,
                                          const PathOptions& options = {}, double from = 0.0);

  /// S at each output time (same order as `times` given to build) for plasticity formation rate
  /// `kon` (1/h) and half-life `t12` (h), S = `initial` at the path's start (0 or `from`).
  void sustained(double kon, double t12, std::span<double> out, double initial = 0.0) const;

  /// sustained for many draws at once, `kon`, `t12` and `initial` one per draw; `out` holds
  /// draws x output times, draw-major. The same operations per draw as sustained (identical
  /// results), on several draws in step so their independent RK4 chains fill the pipeline.
  void sustained_many(std::span<const double> kon, std::span<const double> t12,
                      std::span<const double> initial, std::span<double> out) const;

  /// Ce (mg/L) at each output time.
  [[nodiscard]] const std::vector<double>& effect_site() const { return ce_out_; }

  [[nodiscard]] std::size_t steps() const { return nodes_.empty() ? 0 : nodes_.size() - 1; }

 private:
  std::vector<double> nodes_;          // step boundaries (h)
  std::vector<double> drive_;          // plasticity drive at node i (2i) and midpoint (2i+1)
  std::vector<std::size_t> out_node_;  // node index of each output time
  std::vector<std::pair<std::size_t, std::size_t>> order_;  // (node, output index), sorted
  std::vector<double> ce_out_;
};

/// One patient's estimation problem. Movable; the Model's predict function shares its state.
class KetamineIndividual {
 public:
  /// InvalidArgument when there is no rating, a rating is CADSS, a time is negative or not
  /// finite, or the model has none of informed_parameters() with variability.
  static core::Result<KetamineIndividual> create(const pd::KetamineModel& model,
                                                 IndividualData data,
                                                 const PathOptions& options = {});

  [[nodiscard]] const Model& model() const;
  /// The rated scales, in the order of their baseline parameters.
  [[nodiscard]] const std::vector<pd::Scale>& scales() const;
  /// Index in theta of the baseline of `scale` (nullopt when not rated).
  [[nodiscard]] std::optional<std::size_t> baseline_index(pd::Scale scale) const;
  /// The individual parameters of theta in class `cls` (0 responder, 1 non-responder).
  [[nodiscard]] pd::KetamineParameters parameters(std::span<const double> theta,
                                                  std::size_t cls) const;
  [[nodiscard]] const IndividualData& data() const;
  [[nodiscard]] const pd::KetamineModel& population() const;

  /// Expected (noise-free) total reduction (pd total_reduction, 0..1) at `times` under `doses`
  /// for each draw: result[draw][time]. One ExposurePath for all draws.
  [[nodiscard]] core::Result<std::vector<std::vector<double>>> reductions(
      std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
      std::span<const double> times) const;

  /// The plasticity state S of each draw at `time` under `doses` (integrated from 0): the
  /// shared state at "now" from which candidate schedules branch.
  [[nodiscard]] core::Result<std::vector<double>> sustained_at(std::span<const WeightedDraw> draws,
                                                               std::span<const pd::Dose> doses,
                                                               double time) const;

  /// As reductions, with S continued from `initial[draw]` at `from` (sustained_at(draws, doses',
  /// from) for any `doses'` that agree with `doses` before `from`) instead of re-integrating the
  /// history: every time >= from. Equal to reductions(draws, doses, times) up to the rounding
  /// of Ce (tests/estimation: 1e-12). InvalidArgument when sizes or times do not fit.
  [[nodiscard]] core::Result<std::vector<std::vector<double>>> reductions_from(
      std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
      std::span<const double> times, double from, std::span<const double> initial) const;

  struct State;

 private:
  explicit KetamineIndividual(std::shared_ptr<State> state);
  // reductions with S = initial[draw] at `from` (0 at 0: from the origin).
  [[nodiscard]] core::Result<std::vector<std::vector<double>>> branch(
      std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
      std::span<const double> times, double from, std::span<const double> initial) const;
  std::shared_ptr<State> state_;
};

}  // namespace ketapath::estimation
