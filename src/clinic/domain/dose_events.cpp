#include "clinic/domain/dose_events.h"

#include <cmath>

namespace ketapath::clinic {

protocol::Route protocol_route(Route route) {
  switch (route) {
    case Route::Iv:
      return protocol::Route::Iv;
    case Route::Sc:
      return protocol::Route::Sc;
    case Route::Im:
      return protocol::Route::Im;
  }
  return protocol::Route::Iv;  // unreachable: every enumerator is handled above
}

std::optional<Route> clinic_route(protocol::Route route) {
  switch (route) {
    case protocol::Route::Iv:
      return Route::Iv;
    case protocol::Route::Sc:
      return Route::Sc;
    case protocol::Route::Im:
      return Route::Im;
    case protocol::Route::In:
    case protocol::Route::Po:
    case protocol::Route::Sl:
      return std::nullopt;
  }
  return std::nullopt;
}

core::Result<protocol::Administration> administration_of(const DoseRecord& record, core::Hours time,
                                                         std::size_t index) {
  const core::Milligrams amount = record.calculation.dose;
  if (!std::isfinite(amount.value()) || !(amount.value() > 0.0)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "dose record {}: amount must be > 0 mg (got {} mg)", record.id.value(),
                      amount.value());
  }
  core::Hours duration{0.0};
  if (record.calculation.duration) {
    if (record.route != Route::Iv) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "dose record {}: only an IV dose is infused (route {}, {} min)",
                        record.id.value(), to_string(record.route),
                        record.calculation.duration->value());
    }
    duration = core::to_hours(*record.calculation.duration);
  }
  return protocol::Administration{.time = time,
                                  .agent = protocol::Agent::Ketamine,
                                  .route = protocol_route(record.route),
                                  .dose = protocol::DoseAmount::fixed(amount),
                                  .infusion_duration = duration,
                                  .phase = 0,
                                  .index = index};
}

}  // namespace ketapath::clinic
