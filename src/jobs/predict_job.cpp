#include "jobs/predict_job.h"

#include <cmath>

#include "core/check.h"
#include "core/limits.h"

namespace ketapath::jobs {

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
