#pragma once
// Routes of administration (the one definition is pd/route.h) and what is given.

#include <array>
#include <string_view>

#include "core/error.h"
#include "pd/route.h"

namespace ketapath::protocol {

/// The one route type (pd/route.h), under the protocol's name.
using pd::kAllRoutes;
using pd::parse_route;
using pd::Route;
using pd::route_name;

/// What a session gives. Placebo and midazolam sessions add no ketamine to the timeline but are
/// sessions (expectancy, the active placebo's brief effects) that a model may respond to.
enum class Agent : unsigned char {
  Ketamine,   ///< racemic ketamine
  Placebo,    ///< inert (saline)
  Midazolam,  ///< active placebo: sedation without dissociation
};

/// "ketamine", "placebo", "midazolam".
std::string_view agent_name(Agent agent);

/// Parses an agent name (case-insensitive). InvalidArgument names the accepted values.
core::Result<Agent> parse_agent(std::string_view text);

}  // namespace ketapath::protocol
