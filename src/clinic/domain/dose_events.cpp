#include "clinic/domain/dose_events.h"

#include <cmath>

#include "core/check.h"

namespace ketapath::clinic {

core::Result<protocol::Administration> administration_of(const DoseRecord& record, core::Hours time,
                                                         std::size_t index) {
  const core::Milligrams amount = record.calculation.dose;
  KETAPATH_TRY(core::check_range(fmt::format("dose record {}: amount", record.id.value()),
                                 amount.value(), "mg", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  if (!is_clinic_route(record.route)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "dose record {}: route {} is not given by the clinic", record.id.value(),
                      pd::route_name(record.route));
  }
  core::Hours duration{0.0};
  if (record.calculation.duration) {
    if (record.route != Route::Iv) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "dose record {}: only an IV dose is infused (route {}, {} min)",
                        record.id.value(), pd::route_name(record.route),
                        record.calculation.duration->value());
    }
    duration = core::to_hours(*record.calculation.duration);
  }
  return protocol::Administration{.time = time,
                                  .agent = protocol::Agent::Ketamine,
                                  .route = record.route,
                                  .dose = protocol::DoseAmount::fixed(amount),
                                  .infusion_duration = duration,
                                  .phase = 0,
                                  .index = index};
}

}  // namespace ketapath::clinic
