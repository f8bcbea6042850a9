#pragma once
// The individual-parameter columns a subjects file may give (`ketapath population
// --subjects-file`, like mrgsolve's idata): for each workload, which names it accepts, in which
// canonical unit, within which range, and where each value goes in a BatchSubject. A column the
// file leaves out takes the workload's typical value (no variability).
//
//   benchmark workload: KA F V1 V2 CL Q FM VNK CLNK KE0 EC50 KON KOFF (the kernel's names,
//                       docs/performance.md; EC50 in mg/L)
//   a ketamine design arm of route R (models/ketamine.toml names): CL V1 Q V2 FM CLNK VNK KE0,
//                       KA_R, F_R and FPNK_R (not for IV), S_EC50 S_KON S_T12, and WT (kg, the
//                       weight that mg/kg doses are multiplied by)
//
// Example:
//   auto columns = population::ketamine_subject_columns(pd::Route::Sc);
//   const population::SubjectColumn* cl = population::find_subject_column(columns, "CL");
//   cl->set(subject, 95.0);   // L/h

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "core/units.h"
#include "pd/ketamine_model.h"
#include "population/batch_model.h"
#include "population/benchmark_workload.h"

namespace ketapath::population {

struct SubjectColumn {
  std::string name;       ///< as written in the file's header, upper case: "CL", "KA_SC"
  std::string_view unit;  ///< canonical unit of the values: "L/h", "mg/L", "h", "kg", "1"
  core::Range range;      ///< allowed values, in the canonical unit
  void (*set)(BatchSubject&, double);  ///< stores a value (canonical unit) into the subject
};

/// The benchmark workload's columns, in the kernel's order.
std::span<const SubjectColumn> benchmark_subject_columns();

/// The columns of a ketamine design arm whose drug goes by `route`.
std::vector<SubjectColumn> ketamine_subject_columns(pd::Route route);

/// One patient's batch subject: the individual ketamine parameters for `route` (IV: F 1, no
/// depot), S_T12 as KOFF = ln 2 / S_T12, and `weight` as the mg/kg dose multiplier. The one
/// mapping from the ketamine model to the batch kernel (virtual patients and subjects files).
BatchSubject ketamine_batch_subject(const pd::KetamineParameters& parameters, pd::Route route,
                                    core::Kilograms weight);

/// The column called `name` (exact), or nullptr.
const SubjectColumn* find_subject_column(std::span<const SubjectColumn> columns,
                                         std::string_view name);

}  // namespace ketapath::population
