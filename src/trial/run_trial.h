#pragma once
// Replicate trials: every replicate draws its own virtual patients (seed, replicate, subject),
// runs every arm, records the assessments and evaluates each endpoint; endpoints are then
// summarised over replicates and judged against their tolerance (conventions.md): a value passes
// when its median over replicates lies in [low, high]; an ordering's value is the fraction of
// replicates in which it held.
//
// Replicates are independent and each is computed from its indices alone, then combined in index
// order, so results do not depend on the thread count.
//
// Example:
//   auto result = trial::run_trial(design, model, {.replicates = 200, .seed = 1, .threads = 2});

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"
#include "trial/design.h"
#include "trial/statistics.h"

namespace ketapath::trial {

struct TrialOptions {
  int replicates = 200;
  std::uint64_t seed = 1;
  int threads = 1;  ///< worker threads; the result is the same for any count
  /// Simulate every subject alone (pd::simulate_ketamine, RK4 substeps for S) instead of kLanes
  /// at a time on the batch kernel: the reference path, about 10x slower; results agree within
  /// the tolerance of tests/trial/batch_outcome_test.cpp. Arms the kernel does not cover run
  /// subject by subject either way.
  bool per_subject = false;
  /// Draw each replicate's typical values from the model's [uncertainty] (pd/typical_uncertainty.h,
  /// stream (seed, replicate, Uncertainty)), so replicates vary the typical values as well as the
  /// patients; InvalidArgument if the model has none. Off by default.
  bool parameter_uncertainty = false;
  /// Called after each replicate with (replicates done, total), one call at a time (from any
  /// worker thread); for progress display only, it cannot change the result.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct EndpointResult {
  Endpoint endpoint;  ///< the design's endpoint (name, definition, unit, published, tolerance)
  Summary simulated;  ///< over replicates (orderings: fraction held and its 90% Wilson interval)
  std::optional<bool> pass;           ///< nullopt for report-only endpoints or no defined value
  std::vector<double> per_replicate;  ///< value in each replicate (NaN where undefined)
  /// Comparisons only: each replicate's confidence interval [low, high] of per_replicate (the
  /// interval the trial's paper would report; NaN where undefined).
  std::vector<std::array<double, 2>> per_replicate_interval;
};

/// Replicate-mean values at times after a session, summarised over replicates.
struct Band {
  std::vector<double> time_h;
  std::vector<Summary> values;
};

/// Mean time courses of one arm's session: reduction on the primary scale (fraction), rated
/// CADSS (points) and dSBP (mmHg).
struct SessionProfile {
  std::string arm;
  std::size_t session = 0;  ///< 0-based
  std::string label;        ///< "0.5 mg/kg sc" (or "placebo iv")
  core::Hours start{0.0};   ///< session time from the regimen start
  Band reduction;
  Band cadss;
  Band dsbp;
};

/// Responders under the design's rule restricted to one session.
struct ResponderCount {
  std::string arm;
  std::size_t session = 0;
  std::string label;
  Summary count;
  int subjects = 0;
};

struct TrialResult {
  std::string design;
  int replicates = 0;
  std::uint64_t seed = 0;
  std::string primary_scale;  ///< scale of SessionProfile::reduction
  std::vector<EndpointResult> endpoints;
  std::vector<SessionProfile> profiles;
  std::vector<ResponderCount> responders;  ///< empty without a responder rule
  /// With parameter uncertainty: the uncertain parameters, their source, and each replicate's
  /// drawn typical values (canonical units, the same order); empty otherwise.
  std::vector<std::string> uncertain_parameters;
  std::string uncertainty_source;
  std::vector<std::vector<double>> replicate_typical;
};

/// Runs the design. Errors: InvalidArgument (invalid design, options out of range: replicates
/// >= 1, threads >= 1), InvalidArgument from the model (invalid parameters), Validation when
/// enrichment finds too few responders among its candidates.
core::Result<TrialResult> run_trial(const Design& design, const pd::KetamineModel& model,
                                    const TrialOptions& options);

}  // namespace ketapath::trial
