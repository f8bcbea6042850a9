#pragma once
// Running replicate trials of a design: resolve the design and its model by name, run them, and
// the result's JSON form (docs/trial-designs.md). `ketapath trial` prints it; a server sends it.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/model_file.h"
#include "trial/design.h"
#include "trial/run_trial.h"

namespace ketapath::jobs {

struct TrialRequest {
  std::string design;  ///< bundled design name or path
  std::string model;   ///< empty: the design's model
  int replicates = 200;
  std::uint64_t seed = 1;
  int threads = 1;                     ///< results do not depend on it
  bool per_subject = false;            ///< trial::TrialOptions::per_subject (the reference path)
  bool parameter_uncertainty = false;  ///< trial::TrialOptions::parameter_uncertainty
  io::DataDirectories dirs;
  /// (replicates done, total), one call at a time; display only.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct TrialRun {
  trial::Design design;
  std::string model;  ///< the model name used
  trial::TrialResult result;
};

/// Errors: NotFound (design or model), InvalidArgument (malformed files or options), whatever
/// trial::run_trial reports.
core::Result<TrialRun> run_trial_job(const TrialRequest& request);

/// The JSON document of `ketapath trial --format json` (non-finite numbers are null).
nlohmann::json trial_result_json(const trial::TrialResult& result);

/// True when an endpoint with a tolerance failed (`--strict` exits 1 then).
bool any_endpoint_failed(const trial::TrialResult& result);

}  // namespace ketapath::jobs
