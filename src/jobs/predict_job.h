#pragma once
// The typical patient's time course after one dose (`ketapath predict`; the server's predict).

#include <string>

#include "core/dose_text.h"
#include "core/error.h"
#include "core/units.h"
#include "io/model_file.h"
#include "pd/ketamine_model.h"

namespace ketapath::jobs {

struct PredictRequest {
  pd::Route route = pd::Route::Iv;
  /// A fixed amount or a weight-based dose (scaled by `weight`), as core::parse_dose_quantity
  /// reads it.
  core::DoseQuantity dose{core::Milligrams(0.0)};
  core::Minutes duration{0.0};  ///< IV infusion duration (0: bolus)
  core::Kilograms weight{70.0};
  core::Hours end{24.0};    ///< length of the time course
  core::Minutes step{5.0};  ///< output step
  std::string model = "ketamine";
  io::DataDirectories dirs;
};

/// The model's typical values scaled to the weight (allometry; no sex or age effect), one dose
/// at time 0, outputs every step up to `end`. Errors: NotFound (model), InvalidArgument (step or
/// end not positive, duration on a non-IV route, invalid model), LimitExceeded (more output
/// points than core::limits::kMaxOutputPoints, an amount above kMaxModelDoseMg).
core::Result<pd::TimeCourse> predict_typical(const PredictRequest& request);

}  // namespace ketapath::jobs
