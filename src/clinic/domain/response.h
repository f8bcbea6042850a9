#pragma once
// Response to treatment on one scale: baseline, the trajectory over sessions, responder and
// remission status, and a rule-based maintenance suggestion (clinic-practice.md section 5).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/calendar.h"
#include "clinic/domain/course.h"
#include "clinic/domain/scales.h"
#include "clinic/domain/session.h"

namespace ketapath::clinic {

/// When a rating was taken relative to the doses (issue 9 definitions): acute = less than 24 h
/// after the start of a dose; trough = before any dose, or at least 24 h after the latest one.
enum class RatingTiming { Trough, Acute };

/// A rating this long after a dose start or later is a trough rating.
inline constexpr std::chrono::hours kAcuteWindow{24};

/// Hours from the latest dose start before `at` (nothing before the first dose; a rating at the
/// instant dosing starts is a pre-dose rating).
std::optional<double> hours_since_last_dose(Timestamp at,
                                            const std::vector<Timestamp>& dose_starts);

RatingTiming rating_timing(Timestamp at, const std::vector<Timestamp>& dose_starts);

/// The flag of a rating whose scale looks back over days (GAD-7, PHQ-9, LSAS) taken less than
/// 24 h after a dose: accepted, counted as acute, but its answers mostly describe the weeks
/// before the dose. Nothing when the rating is fine.
std::optional<std::string> recall_period_flag(const ScaleRating& rating,
                                              const std::vector<Timestamp>& dose_starts);

/// recall_period_flag of each rating (in order), for the warnings of a recording.
std::vector<std::string> recall_period_warnings(const std::vector<ScaleRating>& ratings,
                                                const std::vector<Timestamp>& dose_starts);

enum class ResponseStatus { Remission, Response, PartialResponse, NonResponse, Insufficient };

struct TrajectoryPoint {
  Timestamp rated_at{};
  int session_index = 0;  ///< 1-based over the patient's sessions; 0 for a rating outside any
  int total = 0;
  double change_from_baseline = 0.0;  ///< fraction; negative = improvement (-0.5 = 50% reduction)
  int infusion = 0;  ///< doses started before the rating ("after the 3rd infusion" = 3)
  std::optional<double> hours_since_dose;  ///< since the latest dose start; none before the first
  RatingTiming timing = RatingTiming::Trough;
};

/// Setting "response_policy" (bounds checked by validate_response_policy).
struct ResponsePolicy {
  double responder_reduction = 0.5;  ///< >= 50% reduction from baseline (0.2-0.9)
  double partial_reduction = 0.25;   ///< 25-50%: partial (0.05 up to responder_reduction)
  int loading_sessions = 6;          ///< after this many doses, no response = non-responder (1-20)
  /// Consecutive qualifying trough ratings that make a response "sustained" (1-10; JSON key
  /// "sustained_ratings").
  int stable_ratings = 3;
};

/// Validation naming the field and its bounds.
core::Status validate_response_policy(const ResponsePolicy& policy);

/// What the ratings of one scale (or of all of them, combined) suggest for maintenance, from the
/// most conservative (claims the least benefit) to the least.
enum class Recommendation {
  NoMaintenance,    ///< no response after the loading series: maintenance not suggested; review
  LostResponse,     ///< responded, no longer: shorten the interval or repeat loading; review
  CompleteLoading,  ///< too early to judge: complete the loading series
  ShortenInterval,  ///< response fading: shorten the interval
  Continue,         ///< responder: continue at the current interval
  Taper,            ///< sustained remission: lengthen the interval one step
  Insufficient,     ///< no trough rating to judge on (ignored when combining)
};

struct ResponseSummary {
  Scale scale = Scale::Gad7;
  /// The first trough rating (before the first dose when there is one); nothing without one.
  std::optional<int> baseline;
  std::optional<Timestamp> baseline_at;
  /// Trough ratings (before a dose or >= 24 h after one) after the baseline, in time order:
  /// response is judged on these only.
  std::vector<TrajectoryPoint> trajectory;
  /// Acute ratings (< 24 h after a dose), in time order, shown apart: never mixed with trough.
  std::vector<TrajectoryPoint> acute;
  ResponseStatus latest = ResponseStatus::Insufficient;  ///< of the latest trough rating
  ResponseStatus best = ResponseStatus::Insufficient;    ///< of any trough rating
  std::optional<double> best_change;                     ///< most negative trough change
  int sessions = 0;                                      ///< doses given (sessions recorded)
  /// Trough ratings in a row, up to the latest, at response or better (remission counted in
  /// consecutive_remission); "sustained" needs policy.stable_ratings of them.
  int consecutive_response = 0;
  int consecutive_remission = 0;
  bool sustained = false;
  std::optional<int> first_response_infusion;  ///< response first reached after this dose
  std::optional<Timestamp> first_response_at;
  std::string trend;  ///< trough: "improving", "stable", "worsening", "" with fewer than 3 points
  Recommendation recommendation = Recommendation::Insufficient;
  std::string suggestion;  ///< the recommendation with the rule that produced it
  /// The highest total that is a response (the policy's responder_reduction below the baseline,
  /// the rule the trajectory is classified by), for a chart's responder line; nothing without a
  /// baseline, when no total can be one (baseline 0) or for a scale that is not an outcome scale.
  std::optional<int> responder_total;
  /// remission_cutoff(scale) for an outcome scale with a baseline: a response at or below it is
  /// remission (the chart's remission line).
  std::optional<int> remission_total;
};

/// The remission cut-off of a scale, when it has one: HAM-A <= 7, GAD-7 <= 4, PHQ-9 <= 4,
/// LSAS <= 30 (clinician-rated).
std::optional<int> remission_cutoff(Scale scale);

/// Analyses all ratings of `scale` in the patient's sessions and outside them (`followups`, e.g.
/// a GAD-7 at 24 h and 7 days), in any order. Every session is a dose given at its started_at.
ResponseSummary analyse_response(const std::vector<Session>& sessions,
                                 const std::vector<ScaleRating>& followups, Scale scale,
                                 const ResponsePolicy& policy = {});
ResponseSummary analyse_response(const std::vector<Session>& sessions, Scale scale,
                                 const ResponsePolicy& policy = {});

/// The outcome scales a response is judged on (every scale but CADSS, a safety measure).
std::vector<Scale> outcome_scales();

/// One recommendation across scales: the most conservative of the scales' recommendations wins
/// (Recommendation order), every scale's is kept beside it, and the proposed dates are concrete
/// days in the patient's current schedule.
struct ResponsePlan {
  std::vector<ResponseSummary> scales;  ///< each outcome scale with a baseline
  Recommendation recommendation = Recommendation::Insufficient;
  std::optional<Scale> decided_by;  ///< the scale whose recommendation won
  std::string rule;                 ///< the rule that produced it, in words
  std::vector<Date> proposed_dates;
  std::string dates_basis;  ///< how the dates were found
};

/// Combines the scales' summaries and proposes dates: the active course's remaining planned
/// sessions for CompleteLoading and Continue; for Taper, ShortenInterval and LostResponse, three
/// sessions from the latest dose at the next interval step (current interval = the gap between
/// the last two doses, 7 days with one dose; steps 3-4 -> 7 -> 14 -> 28 days), moved to clinic
/// days and not before `today`; none for NoMaintenance (the remaining planned sessions are named
/// for review).
ResponsePlan plan_response(std::vector<ResponseSummary> scales, const std::vector<Course>& courses,
                           const std::vector<Session>& sessions, const ClinicCalendar& calendar,
                           Date today);

std::string_view to_string(ResponseStatus status);
std::string_view to_string(Recommendation recommendation);

}  // namespace ketapath::clinic
