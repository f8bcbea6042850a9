#pragma once
// The ketamine model's route for a protocol route: the one mapping, used by the trial runner and
// the batch population engine alike.

#include "pd/ketamine_model.h"
#include "protocol/route.h"

namespace ketapath::protocol {

/// The pd::Route that simulates doses given by `route`.
pd::Route to_model_route(Route route);

}  // namespace ketapath::protocol
