#pragma once
// Forecasts of one patient's ratings from a fitted posterior (issue 13 items 2 and 3): the
// predicted score trajectory with 50/80/95% prediction intervals, the relapse time and its
// probability over time, and the next infusion and maintenance interval that keep the predicted
// probability of losing response below a risk with the most expected weeks in response gained
// per infusion.
//
// Definitions (docs/model.md "Forecast and recommendation"):
// - Posterior draws: equally weighted draws of the posterior (importance-sampled and resampled,
//   posterior.h); each draw is a parameter vector, a class and the scale's baseline.
// - Prediction interval of a rating: the rating is y = round(clamp(e + SD z)) (the simulation's
//   measurement model) with e the draw's expected score; the predictive distribution of the
//   integer rating is the mixture over draws of that discretised normal, computed exactly (no
//   noise sampling). The central L interval is [q((1-L)/2), q((1+L)/2)] of that integer
//   distribution; a rating inside it, ties with either bound included, is covered.
// - Response: the noise-free score of the draw at or below (1 - responder_reduction) x its
//   baseline (the patient's true state, not one noisy rating). A trough time is one at least 24 h
//   after the latest dose start (or before any dose).
// - Relapse: the first trough time at or after `now` at which the draw is not in response, with
//   the planned doses only; P(relapse by t) = fraction of draws relapsed by t.
// - Loss of response under a schedule: any trough time in [now, now + horizon] (checked every
//   `check_step` and just before each dose) at which the draw is not in response.
// - Expected weeks in response under a schedule: over its credit window (RecommendRequest::credit:
//   [now, last infusion + interval) by default), the fraction of draws in response at every
//   `check_step` (any time, not only troughs: a daily rating would count the day after a dose
//   too), summed times the step, in weeks; weeks gained: that minus the same with no further
//   infusion.
//
// Example:
//   auto f = estimation::forecast(individual, draws, {.now = 600.0, .horizon = 2016.0}, opts);

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "estimation/ketamine_individual.h"
#include "estimation/posterior.h"
#include "pd/rating_scales.h"

namespace ketapath::estimation {

struct ForecastOptions {
  pd::Scale scale = pd::Scale::HamA;
  double responder_reduction = 0.5;  ///< response = at least this reduction from baseline
  core::Hours step{24.0};            ///< spacing of forecast points
  core::Hours check_step{12.0};      ///< spacing of the trough checks for relapse and loss
  core::Hours acute_window{24.0};    ///< ratings closer than this after a dose are acute
};

/// A prediction interval of a rating (integer bounds).
struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

struct ForecastPoint {
  double time = 0.0;        ///< h from the origin
  double median = 0.0;      ///< predictive median rating
  Interval i50, i80, i95;   ///< central prediction intervals of a rating
  double expected = 0.0;    ///< median over draws of the noise-free score
  double p_response = 0.0;  ///< fraction of draws in response
  bool trough = true;       ///< at least acute_window after the latest dose
};

struct RelapsePoint {
  double time = 0.0;
  double probability = 0.0;  ///< P(relapsed by time)
};

struct Forecast {
  pd::Scale scale = pd::Scale::HamA;
  std::vector<ForecastPoint> points;
  std::vector<RelapsePoint> relapse;     ///< at the trough check times from now to the horizon
  double p_response_now = 0.0;           ///< at the first trough check at or after now
  std::optional<double> relapse_median;  ///< time by which half the draws relapsed, if any
  double threshold_median = 0.0;         ///< median of the draws' response threshold (points)
};

struct ForecastRequest {
  double now = 0.0;                ///< h from the origin; ratings up to now are the data
  double horizon = 12.0 * 7 * 24;  ///< h after now
  std::vector<pd::Dose> planned;   ///< doses after now (h from the origin)
};

/// The trajectory, intervals and relapse for the doses given (individual.data().doses) plus the
/// planned ones. InvalidArgument when the scale is not rated, there are no draws, or times are
/// out of order.
core::Result<Forecast> forecast(const KetamineIndividual& individual,
                                std::span<const WeightedDraw> draws, const ForecastRequest& request,
                                const ForecastOptions& options);

/// Noise-free expected scores of `scale` at `times` under `doses` for each draw: [draw][time]
/// (the draw's baseline and parameters). InvalidArgument when the scale is not rated.
core::Result<std::vector<std::vector<double>>> expected_scores(const KetamineIndividual& individual,
                                                               std::span<const WeightedDraw> draws,
                                                               std::span<const pd::Dose> doses,
                                                               std::span<const double> times,
                                                               pd::Scale scale);

/// The central `level` interval of one integer rating from expected scores `expected` (one per
/// equally weighted draw) with noise SD `sd` on `scale` (exact mixture of discretised normals).
Interval prediction_interval(std::span<const double> expected, double sd, pd::Scale scale,
                             double level);

/// What a schedule's infusions are credited with (the recommendation's numerator; docs/model.md
/// "Recommendation").
enum class Credit {
  /// Expected weeks in response over [now, now + horizon) (session 9's objective).
  Horizon,
  /// Expected weeks in response over [now, last infusion + interval): every infusion is credited
  /// with its whole interval, so a schedule whose next infusion would fall just after the
  /// horizon gets no weeks for free.
  WholeIntervals,
  /// As WholeIntervals, minus the expected weeks in response over the same window with no further
  /// infusion: the weeks the infusions add. Weeks the patient would be in response anyway (the
  /// tail of earlier doses) are not credited to the new infusions, so delaying or skipping
  /// infusions is not rewarded for that tail.
  GainOverWholeIntervals,
};

struct RecommendRequest {
  double now = 0.0;
  std::vector<double> candidates;  ///< times a next dose may be given (clinic days), ascending
  std::vector<double> intervals;   ///< allowed maintenance intervals (h), ascending
  double horizon = 12.0 * 7 * 24;  ///< h after now over which loss is counted
  double risk = 0.2;               ///< largest acceptable P(loss of response)
  pd::Dose maintenance;            ///< route, amount, duration of a maintenance dose
  Credit credit = Credit::GainOverWholeIntervals;
};

/// One evaluated schedule: next dose at `next`, then every `interval` within the horizon.
struct ScheduleRisk {
  double next = 0.0;
  double interval = 0.0;
  int infusions = 0;
  double p_loss = 0.0;             ///< P(loss of response) over the horizon
  double weeks_in_response = 0.0;  ///< expected weeks in response over the credit window
  double weeks_credited = 0.0;     ///< the objective's numerator (RecommendRequest::credit)

  /// Expected weeks in response per infusion (0 without an infusion).
  [[nodiscard]] double weeks_per_infusion() const {
    return infusions > 0 ? weeks_in_response / infusions : 0.0;
  }

  /// Weeks credited per infusion: what the recommendation maximises.
  [[nodiscard]] double credited_per_infusion() const {
    return infusions > 0 ? weeks_credited / infusions : 0.0;
  }
};

struct Recommendation {
  /// The chosen schedule meets the risk. False: "risk not met"; the schedule is shown for review
  /// beside the rule-based suggestion, which stands.
  bool within_risk = false;
  ScheduleRisk chosen;
  double p_response_now = 0.0;
  std::vector<ScheduleRisk> evaluated;  ///< every schedule tried, in order
  std::string reason;                   ///< why this schedule, in words
};

/// Two schedules whose expected weeks in response per infusion differ by less than this are
/// equally good (about 1.7 h per infusion: below what daily ratings could tell apart, and below
/// the Monte Carlo resolution of a few hundred draws).
inline constexpr double kWeeksPerInfusionTie = 0.01;

/// Among the allowed schedules (next dose on a candidate day no later than one interval from now,
/// or the first candidate when none is; then every allowed interval), the one with the most
/// weeks credited per infusion (RecommendRequest::credit; by default the expected weeks in
/// response gained over no further infusion) whose P(loss) <= risk; ties (within
/// kWeeksPerInfusionTie) go to the lower P(loss), then the fewer infusions, then the earlier
/// next dose and shorter interval. When no schedule meets the risk, the same choice over all
/// schedules tried, with within_risk = false ("risk not met"). Per interval at most three next
/// days are tried: the first, the latest whose P(relapse before it) <= risk (else the middle
/// one) and the last. Weeks in response: the fraction of draws in response (noise-free score at
/// or below the threshold, acute effect included) at every check_step from now, times the
/// check step. Deterministic for given draws. InvalidArgument for empty candidates or intervals,
/// a risk outside (0, 1).
core::Result<Recommendation> recommend(const KetamineIndividual& individual,
                                       std::span<const WeightedDraw> draws,
                                       const RecommendRequest& request,
                                       const ForecastOptions& options);

}  // namespace ketapath::estimation
