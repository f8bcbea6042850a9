#include "clinic/domain/dose_interval.h"

#include <algorithm>
#include <vector>

namespace ketapath::clinic {

std::optional<TimeWindow> first_allowed_window(TimeWindow within, std::span<const Timestamp> given,
                                               std::chrono::seconds interval) {
  // Each administration at d forbids the open stretch (d - interval, d + interval). Swept in the
  // order of d, those stretches start in order, so one pass finds the first gap.
  std::vector<Timestamp> starts(given.begin(), given.end());
  std::sort(starts.begin(), starts.end());
  Timestamp t = within.from;
  Timestamp end = within.to;
  for (const Timestamp d : starts) {
    if (d + interval <= t) {
      continue;  // its forbidden stretch ended before t
    }
    if (d - interval > t) {
      end = std::min(end, d - interval);  // t is free up to where d's stretch begins
      break;
    }
    // t is inside d's stretch (or at its start, a free instant but no stretch of time): the
    // earliest free time is at its end.
    t = d + interval;
  }
  if (t >= end) {
    return std::nullopt;
  }
  return TimeWindow{t, end};
}

}  // namespace ketapath::clinic
