#pragma once
// Routes of administration: the one definition, used by the model (pd), regimens (protocol:
// protocol::Route is this type), the batch engine, designs and the CLI. Names are the CLI's and
// the design files' spelling (conventions.md): iv, sc, im, in (intranasal), po, sl.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace ketapath::pd {

enum class Route : std::uint8_t {
  Iv,  ///< intravenous: bolus, or an infusion when a duration is given
  Sc,  ///< subcutaneous
  Im,  ///< intramuscular
  In,  ///< intranasal
  Po,  ///< oral (swallowed)
  Sl,  ///< sublingual
};
inline constexpr std::size_t kRouteCount = 6;

inline constexpr std::array<Route, kRouteCount> kAllRoutes = {Route::Iv, Route::Sc, Route::Im,
                                                              Route::In, Route::Po, Route::Sl};

/// The short name: "iv", "sc", "im", "in", "po", "sl".
std::string_view route_name(Route route);

/// Parses a short name. Case is ignored ("IV" = "iv"): the one rule for every reader of a route.
/// InvalidArgument names the accepted values: route: "x" is not one of iv, sc, im, in, po, sl.
core::Result<Route> parse_route(std::string_view text);

}  // namespace ketapath::pd
