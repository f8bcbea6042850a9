#pragma once
// The minimum interval between two ketamine administrations (DosingPolicy::min_dose_interval_hours)
// over a treatment day. An administration is checked at its recorded start; an order names only a
// day, so it is checked for the part of that day a dose could be given (docs/clinic.md "Gates").

#include <chrono>
#include <optional>
#include <span>

#include "clinic/domain/time.h"

namespace ketapath::clinic {

/// The instants from `from` up to `to` (half-open).
struct TimeWindow {
  Timestamp from{};
  Timestamp to{};
};

/// The first stretch of `within` whose every instant is at least `interval` from every time in
/// `given` (the starts of recorded administrations, in any order), or nullopt when there is none.
/// The stretch ends where the next administration's interval begins, or at `within.to`.
std::optional<TimeWindow> first_allowed_window(TimeWindow within, std::span<const Timestamp> given,
                                               std::chrono::seconds interval);

}  // namespace ketapath::clinic
