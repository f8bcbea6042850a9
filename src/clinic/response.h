#pragma once
// Response to treatment on one scale: baseline, the trajectory over sessions, responder and
// remission status, and a rule-based maintenance suggestion (clinic-practice.md section 5).

#include <optional>
#include <string>
#include <vector>

#include "clinic/scales.h"
#include "clinic/session.h"

namespace ketapath::clinic {

enum class ResponseStatus { Remission, Response, PartialResponse, NonResponse, Insufficient };

struct TrajectoryPoint {
  Timestamp rated_at{};
  int session_index = 0;  ///< 1-based over the patient's sessions; 0 for a rating outside any
  int total = 0;
  double change_from_baseline = 0.0;  ///< fraction; negative = improvement (-0.5 = 50% reduction)
};

struct ResponsePolicy {
  double responder_reduction = 0.5;  ///< >= 50% reduction from baseline
  double partial_reduction = 0.25;   ///< 25-50%: partial
  int loading_sessions = 6;          ///< after this many, no response means non-responder
  int stable_ratings = 3;            ///< ratings needed to call a response sustained
};

struct ResponseSummary {
  Scale scale = Scale::Gad7;
  std::optional<int> baseline;  ///< the first rating (before the first dose when available)
  std::vector<TrajectoryPoint> trajectory;  ///< after the baseline, in time order
  ResponseStatus latest = ResponseStatus::Insufficient;
  ResponseStatus best = ResponseStatus::Insufficient;
  std::optional<double> best_change;  ///< most negative change
  int sessions = 0;
  std::string trend;       ///< "improving", "stable", "worsening", "" with fewer than 3 points
  std::string suggestion;  ///< the maintenance suggestion with its rule
};

/// The remission cut-off of a scale, when it has one: HAM-A <= 7, GAD-7 <= 4, PHQ-9 <= 4,
/// LSAS <= 30 (clinician-rated).
std::optional<int> remission_cutoff(Scale scale);

/// Analyses all ratings of `scale` in the patient's sessions (any order).
ResponseSummary analyse_response(const std::vector<Session>& sessions, Scale scale,
                                 const ResponsePolicy& policy = {});

std::string_view to_string(ResponseStatus status);

}  // namespace ketapath::clinic
