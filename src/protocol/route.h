#pragma once
// Routes of administration and what is given. Names are the CLI's and the design files' spelling
// (conventions.md): iv, sc, im, in (intranasal), po, sl.

#include <array>
#include <string_view>

#include "core/error.h"

namespace ketapath::protocol {

enum class Route : unsigned char {
  Iv,          ///< intravenous: bolus, or an infusion when a duration is given
  Sc,          ///< subcutaneous
  Im,          ///< intramuscular
  Intranasal,  ///< intranasal ("in")
  Oral,        ///< swallowed ("po")
  Sublingual,  ///< sublingual ("sl")
};

inline constexpr std::array<Route, 6> kAllRoutes = {
    Route::Iv, Route::Sc, Route::Im, Route::Intranasal, Route::Oral, Route::Sublingual};

/// The short name: "iv", "sc", "im", "in", "po", "sl".
std::string_view route_name(Route route);

/// Parses a short name (case-insensitive). InvalidArgument names the accepted values.
core::Result<Route> parse_route(std::string_view text);

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
