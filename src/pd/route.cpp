#include "pd/route.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ketapath::pd {
namespace {

constexpr std::array<std::string_view, kRouteCount> kRouteNames{"iv", "sc", "im", "in", "po", "sl"};

}  // namespace

std::string_view route_name(Route route) {
  return kRouteNames[static_cast<std::size_t>(route)];
}

core::Result<Route> parse_route(std::string_view text) {
  std::string key(text);
  std::ranges::transform(key, key.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Route route : kAllRoutes) {
    if (key == route_name(route)) {
      return route;
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument,
                    "route \"{}\" is not one of iv, sc, im, in, po, sl", text);
}

}  // namespace ketapath::pd
