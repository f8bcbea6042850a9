#pragma once
// An NM-TRAN data set through a population model (nlme/model.h): simulation with variability
// (`ketapath simulate --nsub/--omega/--sigma`) and individual fits with diagnostics
// (`ketapath fit`). The model is any nlme::PopulationModel (a catalogue model, or a user model of
// a model file), so a front end only chooses how to build it. Everything is computed before
// anything is returned. Errors name FILE:LINE for a record, as io::read_nmtran and pk do.
//
// Example:
//   auto model = KETAPATH_TRY(nlme::make_catalogue_model(spec));
//   auto run = KETAPATH_TRY(jobs::simulate_population(*model, {.data = "d.csv", .replicates = 100,
//                                                               .seed = 7}));

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "io/nmtran.h"
#include "nlme/diagnostics.h"
#include "nlme/fit.h"
#include "nlme/model.h"
#include "nlme/simulate.h"

namespace ketapath::jobs {

/// A data set and each record's DV: dv[s][r] is DV of an observation record (EVID 0) with MDV 0
/// and a value, NaN otherwise.
struct NlmeData {
  io::NmtranData data;
  std::vector<std::vector<double>> dv;
};

/// Reads the data set (io::read_nmtran) and collects DV. With `text`, the data set is that text
/// (io::parse_nmtran), and `path` is only its name in messages ("data:3: TIME: ...").
core::Result<NlmeData> read_nlme_data(const std::filesystem::path& path,
                                      const std::optional<std::string>& text = std::nullopt);

struct NlmeSimulateRequest {
  std::filesystem::path data;  ///< the NM-TRAN data set, or the name of data_text in messages
  /// The data set's text, when it is in memory (a data frame from R or Python written as NM-TRAN
  /// CSV): read by io::parse_nmtran, so every rule and message is the file's (as SimulateRequest).
  std::optional<std::string> data_text;
  std::vector<core::Hours> extra_times;
  std::size_t replicates = 1;  ///< 1 to core::limits::kMaxReplicates
  std::uint64_t seed = 1;
  unsigned threads = 1;
};

struct NlmeSimulateRun {
  std::vector<std::string> ids;  ///< ID of each subject index, as written
  /// By replicate, then subject (nlme::simulate); each subject's rows in output order.
  std::vector<nlme::SimulatedSubject> subjects;
};

/// Simulates `request.replicates` replicates of the data set. Errors: reading the data, limits
/// (replicates, replicates x rows), the model's bind/predict errors with FILE:LINE.
core::Result<NlmeSimulateRun> simulate_population(const nlme::PopulationModel& model,
                                                  const NlmeSimulateRequest& request);

struct NlmeFitRequest {
  std::filesystem::path data;            ///< as NlmeSimulateRequest::data
  std::optional<std::string> data_text;  ///< as NlmeSimulateRequest::data_text
  nlme::FitOptions fit;
  /// Replicates of a visual predictive check; 0: none.
  std::size_t vpc_replicates = 0;
  std::uint64_t seed = 1;  ///< of the VPC's simulations
  bool plots = false;      ///< render gof_svg (and vpc_svg when a VPC is run)
};

struct NlmeFitRun {
  std::vector<std::string> ids;
  nlme::FitResult fit;
  std::optional<nlme::Vpc> vpc;
  std::string gof_svg;  ///< when plots
  std::string vpc_svg;  ///< when plots and a VPC
};

/// Fits every subject with DV, then the VPC if asked, then the charts. Errors: reading the data,
/// a data set without any DV (InvalidData), nlme::fit's and nlme::vpc's errors with FILE:LINE.
core::Result<NlmeFitRun> fit_population(const nlme::PopulationModel& model,
                                        const NlmeFitRequest& request);

}  // namespace ketapath::jobs
