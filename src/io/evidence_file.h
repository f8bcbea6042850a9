#pragma once
// The anxiolysis evidence table (models/anxiolysis_evidence.csv; docs/model.md "Anxiolysis
// evidence"): one row per time-course point or statement of a primary study, with where in the
// paper it is, its value and standard error, and how the calibration uses it (`use`):
//   fit          a published number fitted with inverse-variance weight 1/se^2
//   prior        a qualitative statement carried as a prior (prior_centre, prior_sd)
//   trial_target checked by a bundled design instead (a count over patients, not a mean)
//   qualitative  direction only; validation  held out (Taylor 2018, meta-analyses); excluded
// Rows sharing a fit_group (the same patients and time on two scales) are one observation.
//
// Example:
//   auto rows = io::read_evidence_table("models/anxiolysis_evidence.csv");
//   auto obs = io::anxiolysis_observations(*rows);  // -> pd::default_calibration(*obs)

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/model_file.h"
#include "pd/calibration.h"

namespace ketapath::io {

struct EvidenceRow {
  std::size_t line = 0;  ///< 1-based line in the file
  std::string id, study, location, route, scale, measure, use, fit_group, se_source, read_off;
  std::optional<double> n, dose_mg_per_kg, infusion_min, interval_h, session, time_h, value, sd, se,
      prior_centre, prior_sd;
};

/// The header every evidence table starts with (column order is fixed).
inline constexpr const char* kEvidenceHeader =
    "id,study,location,population,n,route,dose_mg_per_kg,infusion_min,interval_h,session,time_h,"
    "scale,measure,value,sd,se,se_source,read_off,prior_centre,prior_sd,use,fit_group,note";

/// Reads and checks the table: exact header, 23 fields per row (RFC 4180 quotes), numbers where
/// a column is numeric (a list "0.5;1.0" is allowed only outside fit/prior rows), a known `use`,
/// unique ids. InvalidData naming file:line, column and value; Io when unreadable.
core::Result<std::vector<EvidenceRow>> read_evidence_table(const std::filesystem::path& path);

/// The calibration's observations: `fit` rows grouped by fit_group (mean value and SE of the
/// group: the same patients, so the SE is not divided again) and `prior` rows. InvalidData when a
/// fit/prior row lacks a single route, dose, session, interval, time, scale or a positive SE/SD.
core::Result<std::vector<pd::AnxiolysisObservation>> anxiolysis_observations(
    const std::vector<EvidenceRow>& rows);

/// <dir>/models/anxiolysis_evidence.csv in the first data directory that has it.
core::Result<std::filesystem::path> find_evidence_table(const DataDirectories& dirs);

}  // namespace ketapath::io
