#pragma once
// An NM-TRAN data set through one PK model of the catalogue with fixed parameters
// (`ketapath simulate`; docs/nmtran.md). Everything is simulated before anything is returned, so a
// caller that writes only a complete result leaves no partial output behind.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pk/model.h"
#include "pk/simulate.h"

namespace ketapath::jobs {

struct SimulateRequest {
  const pk::ModelSpec* model = nullptr;  ///< from pk::find_model (the caller names its option)
  pk::ParameterValues parameters;
  std::vector<core::Hours> extra_times;  ///< output grid besides the observation records
  std::filesystem::path data;            ///< the NM-TRAN data set
  /// The data set's text, when it is in memory (a data frame from R or Python written as
  /// NM-TRAN CSV): read by io::parse_nmtran with `data` as its name in messages, so every rule
  /// and message is the file's.
  std::optional<std::string> data_text;
};

struct SubjectRows {
  std::string id;  ///< the data set's ID, as written
  std::vector<pk::OutputRow> rows;
};

struct SimulateRun {
  bool effect_site = false;  ///< KE0 given: rows carry CE
  std::vector<SubjectRows> subjects;
};

/// The output's column names: ID, TIME, CP, A<n> for each compartment and CE with an effect site
/// (the CSV header of `ketapath simulate`, the columns of the R and Python data frames).
std::vector<std::string> simulate_columns(const pk::ModelSpec& model, bool effect_site);

/// Checks the parameters against the model before reading the data (an empty timeline runs the
/// model's own checks), reads and validates the data set, and simulates every subject. Errors
/// name the file and line ("doses.csv:3: ..."), as io::read_nmtran and pk::simulate report them.
core::Result<SimulateRun> simulate_dataset(const SimulateRequest& request);

}  // namespace ketapath::jobs
