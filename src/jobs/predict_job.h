#pragma once
// The typical patient's time course after one dose (`ketapath predict`; the server's predict).

#include <string>
#include <string_view>
#include <vector>

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

/// The columns of a time course, in the order `ketapath predict` writes them: time_h,
/// ket_ng_ml, norket_ng_ml, ce_ng_ml, cadss, dsbp_mmhg, ddbp_mmhg, dhr_bpm, anxiety_reduction,
/// acute_reduction, sustained_reduction (conventions.md: new columns are appended).
const std::vector<std::string>& predict_columns();

/// How a front end names a request's fields in messages: the CLI's options by default; the R and
/// Python bindings pass their argument names (weight_kg, ...).
struct PredictFieldNames {
  std::string_view duration = "--duration-min";
  std::string_view weight = "--weight-kg";
  std::string_view hours = "--hours";
  std::string_view step = "--step-min";
  std::string_view dose = "--dose";
};

/// Every check of a request as a front end read it, naming its fields: each size is bounded
/// before a time grid is allocated (core/limits.h, docs/limits.md): a value that makes no sense
/// is InvalidArgument, one beyond a limit LimitExceeded. predict_typical checks again for callers
/// that skip this.
core::Status check_predict_request(const PredictRequest& request,
                                   const PredictFieldNames& names = {});

/// The model's typical values scaled to the weight (allometry; no sex or age effect), one dose
/// at time 0, outputs every step up to `end`. Errors: NotFound (model), InvalidArgument (step or
/// end not positive, duration on a non-IV route, invalid model), LimitExceeded (more output
/// points than core::limits::kMaxOutputPoints, an amount above kMaxModelDoseMg).
core::Result<pd::TimeCourse> predict_typical(const PredictRequest& request);

}  // namespace ketapath::jobs
