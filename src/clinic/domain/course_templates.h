#pragma once
// Protocol templates that expand into planned sessions (ketamine-pharmacology.md section 6.1).

#include <optional>
#include <vector>

#include "clinic/domain/course.h"

namespace ketapath::clinic {

struct CoursePlanOptions {
  std::optional<Route> route;                       ///< template default when absent
  std::optional<core::MilligramsPerKilogram> dose;  ///< template default when absent
  std::optional<core::Minutes> duration;            ///< IV; 40 min when absent
  int loading_per_week = 3;  ///< IV loading: 3 (6 in ~2 weeks) or 2 (6 in ~2.5 weeks)
  int weeks = 12;            ///< maintenance length
  /// Why this course may be active beside another of the patient ("" = it may not); never over
  /// the same days (course_days).
  std::string allow_overlap_reason;
};

/// The planned sessions of a template from `start`:
/// - AscendingSc: SC 0.25, 0.5, 1 mg/kg on days 0, 7, 14 (Glue 2017).
/// - IvLoading: 6 IV infusions of 0.5 mg/kg over 40 min, on days 0 2 4 7 9 11 (3/week) or
///   0 3 7 10 14 17 (2/week).
/// - MaintenanceWeekly: one session every 7 days for `weeks` weeks (default SC 1 mg/kg, Glue 2018).
/// - MaintenanceTwiceWeekly: days 0 and 3 of each week.
/// - MaintenanceTaper: twice weekly in weeks 1-4, weekly in weeks 5-8, fortnightly from week 9 to
///   `weeks` (the esketamine label's taper).
/// Errors: Validation for loading_per_week not 2 or 3, weeks outside 1-104, dose <= 0, duration
/// <= 0, or a duration with a non-IV route.
core::Result<std::vector<PlannedSession>> plan_sessions(CourseProtocol protocol, Date start,
                                                        const CoursePlanOptions& options);

}  // namespace ketapath::clinic
