#pragma once
// Diagnostics of a population model against a data set with DV, as values and as chart
// descriptions (core::Chart; core::render_svg writes them):
//   VPC  the observations' 5th, 50th and 95th percentiles per time bin, against the 95% interval
//        (2.5th to 97.5th percentile over replicates) of the same percentiles of N simulated
//        replicates of the data set (the same records, nlme::simulate with the model's OMEGA and
//        SIGMA). Percentiles interpolate linearly between order statistics (R's type 7).
//   GOF  DV against PRED and against IPRED with the identity line, IWRES against TIME.
// Bins: each distinct observation time is a bin when there are at most `max_bins` of them (a
// fixed sampling design); otherwise about equal-count bins, never splitting one time.
//
// Example:
//   auto v = KETAPATH_TRY(nlme::vpc(*model, {.subjects = data.subjects, .dv = dv},
//                                   {.replicates = 200, .seed = 1}));
//   std::string svg = core::render_svg(nlme::vpc_chart(v, model->name()));

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/svg.h"
#include "nlme/fit.h"
#include "nlme/model.h"

namespace ketapath::nlme {

inline constexpr std::array<double, 3> kVpcPercentiles{0.05, 0.50, 0.95};

struct VpcBin {
  double time_low = 0.0;
  double time_high = 0.0;
  double time_mid = 0.0;  ///< median observation time in the bin (where the bin is drawn)
  std::size_t count = 0;  ///< observations in the bin
  std::array<double, 3> observed{};  ///< kVpcPercentiles of the observed DV
  /// simulated[p] = {2.5th, 50th, 97.5th percentile over replicates} of percentile p.
  std::array<std::array<double, 3>, 3> simulated{};
};

struct Vpc {
  std::vector<VpcBin> bins;
  std::vector<std::array<double, 2>> observations;  ///< (TIME, DV) of every observation
  std::size_t replicates = 0;
};

struct VpcOptions {
  std::size_t replicates = 200;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  std::size_t max_bins = 12;
};

/// The VPC of `model` on the data set. Errors: no observation with DV (InvalidData), replicates
/// 0 (InvalidArgument), simulation errors.
core::Result<Vpc> vpc(const PopulationModel& model, const FitInput& input,
                      const VpcOptions& options = {});

/// The percentile `q` (0..1) of `values` (sorted in place), type 7.
double percentile(std::vector<double>& values, double q);

/// Observation bins: the bin index of each time (see the header comment).
std::vector<std::size_t> time_bins(std::span<const double> times, std::size_t max_bins);

/// The VPC as a chart: shaded 95% bands of the simulated percentiles, the observed percentiles
/// as lines (median solid, 5th and 95th dashed), and the observations as points.
core::Chart vpc_chart(const Vpc& vpc, std::string_view title);

/// Goodness of fit as one chart of three panels: DV vs PRED, DV vs IPRED (identity lines), IWRES
/// vs TIME (zero line).
core::Chart gof_chart(const FitResult& fit, std::string_view title);

}  // namespace ketapath::nlme
