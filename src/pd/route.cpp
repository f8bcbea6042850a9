#include "pd/route.h"

#include "core/name_table.h"

namespace ketapath::pd {
namespace {

constexpr core::NameTable<Route, kRouteCount> kRouteNames{{{Route::Iv, "iv"},
                                                           {Route::Sc, "sc"},
                                                           {Route::Im, "im"},
                                                           {Route::In, "in"},
                                                           {Route::Po, "po"},
                                                           {Route::Sl, "sl"}}};

}  // namespace

std::string_view route_name(Route route) {
  return core::name_of(kRouteNames, route);
}

core::Result<Route> parse_route(std::string_view text) {
  return core::value_of(kRouteNames, text, "route");
}

}  // namespace ketapath::pd
