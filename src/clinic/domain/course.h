#pragma once
// A treatment course: a protocol template expanded into planned sessions, each later matched with
// the day it actually happened. Templates are in course_templates.h.

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/drug_library.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/units.h"

namespace ketapath::clinic {

enum class CourseProtocol {
  AscendingSc,             ///< Glue 2017: SC 0.25, 0.5, 1 mg/kg at weekly intervals
  IvLoading,               ///< 6 IV infusions over 2-3 weeks (thrice or twice weekly)
  MaintenanceWeekly,       ///< once weekly
  MaintenanceTwiceWeekly,  ///< twice weekly
  MaintenanceTaper,        ///< twice weekly weeks 1-4, weekly weeks 5-8, fortnightly from week 9
  /// An accepted model-informed recommendation (forecast accept): the forecast's dates, the last
  /// dose's route, mg/kg and infusion time; no template.
  MaintenanceForecast,
};

/// Skipped: this one session left out on purpose (reason in note); Cancelled: the course was
/// cancelled before it.
enum class PlannedStatus { Planned, Done, Missed, Cancelled, Skipped };

struct PlannedSession {
  int number = 0;  ///< 1-based within the course, unique
  Date planned_on{};
  Route route = Route::Iv;
  core::MilligramsPerKilogram dose{};
  std::optional<core::Minutes> duration;  ///< IV only
  PlannedStatus status = PlannedStatus::Planned;
  std::optional<Date> actual_on;     ///< when it happened (Done)
  std::optional<SessionId> session;  ///< the recorded session (Done)
  std::string note;                  ///< why it was skipped or rescheduled ("" when neither)
};

/// Completed: every planned session done or skipped (automatic) or completed by a clinician;
/// Cancelled: ended early with a reason; Stopped: the pre-schema-7 name for an ended course.
enum class CourseStatus { Active, Completed, Stopped, Cancelled };

struct Course {
  CourseId id{};
  PatientId patient{};
  CourseProtocol protocol = CourseProtocol::IvLoading;
  Date start{};
  CourseStatus status = CourseStatus::Active;
  std::vector<PlannedSession> sessions;  ///< ordered by number
  std::string notes;
  Timestamp created_at{};
  std::string created_by;
  std::string status_reason;   ///< why it was cancelled or completed early ("" otherwise)
  std::string overlap_reason;  ///< why it may run beside another active course ("" = it may not)
  /// Not stored: what planning or rescheduling changed (dates moved to clinic days), for display.
  std::vector<std::string> messages;
};

/// A planned session due on a day, with whose course it is: one row of the clinic's day schedule.
struct ScheduledSession {
  PatientId patient{};
  std::string patient_name;
  CourseId course{};
  CourseProtocol protocol = CourseProtocol::IvLoading;
  int of = 0;  ///< how many sessions the course plans
  PlannedSession session;
};

/// The days a course takes: from its first to its last session day (the actual day of one done,
/// else the planned day), leaving out skipped and cancelled sessions.
struct CourseDays {
  Date first{};
  Date last{};

  bool overlaps(const CourseDays& other) const {
    return first <= other.last && other.first <= last;
  }
};

/// Nothing when every session is skipped or cancelled.
std::optional<CourseDays> course_days(const Course& course);

std::string_view to_string(CourseProtocol protocol);
std::string_view to_string(PlannedStatus status);
std::string_view to_string(CourseStatus status);
core::Result<CourseProtocol> parse_course_protocol(std::string_view text);
core::Result<PlannedStatus> parse_planned_status(std::string_view text);
core::Result<CourseStatus> parse_course_status(std::string_view text);

}  // namespace ketapath::clinic
