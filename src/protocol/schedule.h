#pragma once
// When doses are given within one phase of a regimen. A schedule is a list of times relative to
// the phase start plus the phase's length (the next phase starts that long after this one), so
// loading series, maintenance and tapering steps chain without the caller adding up calendars.
//
// Example: 6 infusions over 2 weeks, then weekly for 4 weeks, then every 2 weeks twice:
//   loading_schedule(6, 3)    -> days 0 2 4 7 9 11, length 14 d
//   weekly_schedule(1, 4)     -> days 0 7 14 21, length 28 d
//   interval_schedule(336 h, 2) -> days 0 14, length 28 d

#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace ketapath::protocol {

inline constexpr core::Hours kWeek{168.0};
inline constexpr core::Hours kDay{24.0};

struct Schedule {
  /// Dose times from the phase start, strictly increasing, >= 0.
  std::vector<core::Hours> times;
  /// Phase length, >= the last time: the next phase starts this long after this phase starts.
  core::Hours length{0.0};

  bool operator==(const Schedule&) const = default;
};

/// Doses at the given times (hours from the phase start). `length` defaults to the last time.
/// InvalidArgument when the list is empty, a time is negative or not finite, times do not
/// strictly increase, or length < the last time.
core::Result<Schedule> explicit_schedule(std::vector<core::Hours> times,
                                         core::Hours length = core::Hours{-1.0});

/// `count` doses `interval` apart from time 0 (weekly ascending: interval 168 h); length is
/// count x interval. InvalidArgument unless count >= 1 and interval > 0.
core::Result<Schedule> interval_schedule(core::Hours interval, int count);

/// The days of the week (0 = the phase's first day) used for `per_week` doses a week: day
/// floor(k x 7 / per_week) for k = 0..per_week-1, so 1 -> {0}, 2 -> {0, 3} (Mon/Thu),
/// 3 -> {0, 2, 4} (Mon/Wed/Fri). Requires 1 <= per_week <= 7.
std::vector<int> week_days(int per_week);

/// `per_week` doses every week for `weeks` weeks on week_days(per_week); length weeks x 168 h.
/// InvalidArgument unless 1 <= per_week <= 7 and weeks >= 1.
core::Result<Schedule> weekly_schedule(int per_week, int weeks);

/// A loading (induction) series: the first `count` doses of weekly_schedule(per_week, ...), so
/// 6 doses at 3 a week take 2 weeks and at 2 a week 3 weeks; length is whole weeks.
/// InvalidArgument unless count >= 1 and 1 <= per_week <= 7.
core::Result<Schedule> loading_schedule(int count, int per_week);

}  // namespace ketapath::protocol
