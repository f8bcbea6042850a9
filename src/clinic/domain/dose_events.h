#pragma once
// How a clinic dose becomes events: the one conversion of what the clinic stores for a dose (a
// DoseRecord: route, mg, infusion minutes) into the protocol's Administration, from which the
// model's doses (trial::to_model_doses -> pd::simulate_ketamine) and the pk event timeline come
// like any protocol session's. The clinic gives IV (bolus or infusion), SC and IM
// (kClinicRoutes in drug_library.h). docs/architecture.md "Doses to events" lists every path;
// tests/trial/dose_paths_test.cpp holds them to the same concentrations.
//
// Example:
//   auto session = clinic::administration_of(record, core::Hours(24.0), 1);  // second dose, 24 h

#include <cstddef>

#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "core/error.h"
#include "core/units.h"
#include "protocol/regimen.h"
#include "protocol/route.h"

namespace ketapath::clinic {

/// A stored ketamine dose given at `time` (hours from the regimen start) as the `index`-th
/// session: a fixed dose of the calculated mg (the weight was applied when it was calculated),
/// an infusion over the recorded minutes for IV, else a bolus or injection. The record's route is
/// the protocol's (one route type, pd::Route). InvalidArgument for a non-finite or non-positive
/// amount, a route the clinic does not give, or an infusion time on a route other than IV.
core::Result<protocol::Administration> administration_of(const DoseRecord& record, core::Hours time,
                                                         std::size_t index);

}  // namespace ketapath::clinic
