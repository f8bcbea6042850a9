#pragma once
// Time-varying data items as NONMEM uses them: the value in effect at a time is the next
// observation carried backward (NOCB). io::covariate_at (io/nmtran.h) documents the rule; this is
// its one definition, shared by io and the user models.

#include <cstddef>
#include <optional>

#include "core/units.h"
#include "pk/event_timeline.h"

namespace ketapath::pk {

/// The value of covariate `column` in effect at `time` within the EVID 3/4 epoch that starts at
/// `first_record`: the first non-missing value at a record whose time is >= `time`, else the last
/// non-missing value (carried forward), else nullopt.
std::optional<double> covariate_at(const SubjectTimeline& subject, std::size_t column,
                                   core::Hours time, std::size_t first_record = 0);

/// The value of covariate `column` on record `record`: its own, or where it is missing the value
/// in effect at its time (covariate_at within its epoch).
std::optional<double> covariate_on_record(const SubjectTimeline& subject, std::size_t column,
                                          std::size_t record);

}  // namespace ketapath::pk
