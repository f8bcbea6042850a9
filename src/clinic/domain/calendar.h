#pragma once
// The clinic's calendar (setting "clinic_calendar"): the IANA time zone whose days are the
// clinic's days, and the weekdays it treats (Monday to Friday by default). Timestamps stay UTC;
// a planned session is a clinic day. The time-zone database is the system's (tzdata) through
// Howard Hinnant's date library, since libstdc++ 12 lacks std::chrono::locate_zone.

#include <array>
#include <string>
#include <vector>

#include "clinic/domain/course.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

struct ClinicCalendar {
  std::string time_zone = "UTC";  ///< IANA name, e.g. "Europe/Berlin"
  /// Open weekdays, indexed by std::chrono::weekday::c_encoding() (0 = Sunday).
  std::array<bool, 7> open_days{false, true, true, true, true, true, false};
};

/// Validation naming the problem: an unknown time zone, or no open day.
core::Status validate_calendar(const ClinicCalendar& calendar);

/// The clinic's local day of a UTC instant. The calendar must be valid.
Date local_day(Timestamp at, const ClinicCalendar& calendar);

/// The UTC instant the clinic's local `day` begins (when a clock change skips midnight, the first
/// instant of the day). The calendar must be valid.
Timestamp local_day_start(Date day, const ClinicCalendar& calendar);

bool is_clinic_day(Date day, const ClinicCalendar& calendar);

/// The first clinic day on or after `day`.
Date next_clinic_day(Date day, const ClinicCalendar& calendar);

/// "Monday".
std::string weekday_name(Date day);

/// "mon", ..., "sun" of the open days, Monday first (the setting's JSON form).
std::vector<std::string> open_day_names(const ClinicCalendar& calendar);

/// Parses "mon".."sun" (any case) into the open days. Validation naming the bad name.
core::Result<std::array<bool, 7>> parse_open_days(const std::vector<std::string>& names,
                                                  std::string_view where);

/// Moves each planned (status Planned) session of `sessions`, in order, from a day the clinic is
/// closed (or a day not after the previous session's) to the next clinic day after both, and
/// returns one line per move ("session 2: Sunday 2026-11-22 is not a clinic day (clinic days
/// Mon-Fri): moved to Monday 2026-11-23").
std::vector<std::string> fit_to_clinic_days(std::vector<PlannedSession>& sessions,
                                            const ClinicCalendar& calendar);

}  // namespace ketapath::clinic
