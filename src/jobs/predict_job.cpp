#include "jobs/predict_job.h"

#include <cmath>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"

namespace ketapath::jobs {

const std::vector<std::string>& predict_columns() {
  static const std::vector<std::string> names{"time_h",
                                              "ket_ng_ml",
                                              "norket_ng_ml",
                                              "ce_ng_ml",
                                              "cadss",
                                              "dsbp_mmhg",
                                              "ddbp_mmhg",
                                              "dhr_bpm",
                                              "anxiety_reduction",
                                              "acute_reduction",
                                              "sustained_reduction"};
  return names;
}

core::Status check_predict_request(const PredictRequest& r, const PredictFieldNames& names) {
  namespace limits = core::limits;
  using core::ErrorCode;
  const core::Range at_most_hours{.high = limits::kMaxSimulatedHours};
  const core::Range at_most_infusion{.high = limits::kMaxInfusionMinutes};
  const double duration = r.duration.value();
  const double hours = r.end.value();
  const double step = r.step.value();
  KETAPATH_TRY(core::check_range(names.duration, duration, "min", core::non_negative(),
                                 ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range(names.duration, duration, "min", at_most_infusion,
                                 ErrorCode::LimitExceeded));
  KETAPATH_TRY(core::check_range(names.weight, r.weight.value(), "kg",
                                 {.low = 0.0, .high = 500.0, .low_open = true},
                                 ErrorCode::InvalidArgument));
  KETAPATH_TRY(
      core::check_range(names.hours, hours, "h", core::positive(), ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range(names.hours, hours, "h", at_most_hours, ErrorCode::LimitExceeded));
  KETAPATH_TRY(
      core::check_range(names.step, step, "min", core::positive(), ErrorCode::InvalidArgument));
  const double points = std::floor(hours * 60.0 / step) + 1.0;
  KETAPATH_TRY(core::check_range(
      fmt::format("{}/{}: output points", names.hours, names.step), points, "",
      {.high = static_cast<double>(limits::kMaxOutputPoints)}, ErrorCode::LimitExceeded));
  if (duration > 0.0 && r.route != pd::Route::Iv) {
    return core::fail(ErrorCode::InvalidArgument,
                      "{}: only iv doses can be infused (got route {} with {} min)", names.duration,
                      pd::route_name(r.route), duration);
  }
  const core::Milligrams amount = std::holds_alternative<core::MilligramsPerKilogram>(r.dose)
                                      ? std::get<core::MilligramsPerKilogram>(r.dose) * r.weight
                                      : std::get<core::Milligrams>(r.dose);
  return core::check_range(names.dose, amount.value(), "mg",
                           {.low = 0.0, .high = core::limits::kMaxModelDoseMg},
                           core::ErrorCode::LimitExceeded);
}

core::Result<pd::TimeCourse> predict_typical(const PredictRequest& r) {
  // A second caller (the server) may not have bounded the grid: check it again here.
  KETAPATH_TRY(core::check_range("predict: step", r.step.value(), "min", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("predict: end", r.end.value(), "h", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("predict: output points",
                                 std::floor(r.end.value() * 60.0 / r.step.value()) + 1.0, "",
                                 {.high = static_cast<double>(core::limits::kMaxOutputPoints)},
                                 core::ErrorCode::LimitExceeded));
  const pd::KetamineModel model = KETAPATH_TRY(io::load_model(r.model, r.dirs));
  pd::SubjectCovariates covariates;
  covariates.weight = r.weight;
  const pd::KetamineParameters p = pd::individualize(model, covariates);
  const core::Milligrams amount =
      std::holds_alternative<core::Milligrams>(r.dose)
          ? std::get<core::Milligrams>(r.dose)
          : std::get<core::MilligramsPerKilogram>(r.dose) * covariates.weight;
  KETAPATH_TRY(core::check_range("predict: dose", amount.value(), "mg",
                                 {.low = 0.0, .high = core::limits::kMaxModelDoseMg},
                                 core::ErrorCode::LimitExceeded));
  const pd::Dose d{.time = core::Hours(0.0),
                   .route = r.route,
                   .amount = amount,
                   .duration = core::to_hours(r.duration)};
  const auto times = pd::time_grid(r.end, core::to_hours(r.step));
  return pd::simulate_ketamine(p, std::span(&d, 1), times);
}

}  // namespace ketapath::jobs
