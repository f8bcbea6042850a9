#include "pd/route.h"

#include <string>

#include "core/text.h"

namespace ketapath::pd {
namespace {

constexpr std::array<std::string_view, kRouteCount> kRouteNames{"iv", "sc", "im", "in", "po", "sl"};

}  // namespace

std::string_view route_name(Route route) {
  return kRouteNames[static_cast<std::size_t>(route)];
}

core::Result<Route> parse_route(std::string_view text) {
  const std::string key = core::ascii_lower(text);
  for (Route route : kAllRoutes) {
    if (key == route_name(route)) {
      return route;
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument,
                    "route \"{}\" is not one of iv, sc, im, in, po, sl", text);
}

}  // namespace ketapath::pd
