#pragma once
// Running statistics of per-subject endpoints in bounded memory. Subjects are folded one at a
// time in subject-index order (the runner guarantees the order on any thread or process count),
// so every sum, mean and variance is bit-identical however the work was split. Quantiles come from
// fixed-bin histograms (integer counts: order-independent), so memory does not grow with N.
//
// Example:
//   population::EndpointSummary summary(population::default_endpoint_bins(), 0.3);
//   summary.add(endpoints_of_one_subject);               // kEndpointCount values
//   double median_cmax = summary.quantile(population::kCmax, 0.5);

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "population/batch_kernel.h"

namespace ketapath::population {

/// Count, mean, variance (Welford), minimum and maximum of a stream of values.
class RunningStatistic {
 public:
  void add(double x);

  [[nodiscard]] std::uint64_t count() const { return count_; }

  [[nodiscard]] double mean() const { return mean_; }

  /// Sample variance (n - 1 denominator); 0 for fewer than two values.
  [[nodiscard]] double variance() const;

  [[nodiscard]] double min() const { return min_; }

  [[nodiscard]] double max() const { return max_; }

  bool operator==(const RunningStatistic&) const = default;

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
};

/// Bin layout of a histogram: `bins` equal bins on [low, high], on a log scale if `log_scale`
/// (then low > 0). Values below low or above high go to two overflow bins.
struct BinSpec {
  double low = 0.0;
  double high = 1.0;
  std::size_t bins = 10000;
  bool log_scale = false;

  bool operator==(const BinSpec&) const = default;
};

/// A fixed-bin histogram. A quantile is interpolated linearly (on the bin's scale) inside the bin
/// that holds it, so its error is below one bin width: 1e-4 for S on [0, 1] with 10,000 bins, and
/// 0.14% relative for log bins spanning 1e-8 to 1e4 with 20,000 bins.
class Histogram {
 public:
  explicit Histogram(BinSpec spec = {});
  void add(double x);
  /// The p-quantile (0 <= p <= 1) by the Hyndman-Fan type 7 definition (as R's default and
  /// numpy's "linear"), located in the histogram and clamped to the smallest and largest value
  /// added (so a constant's quantiles are that constant); NaN when empty. Values in the overflow
  /// bins are reported as the range's edge.
  [[nodiscard]] double quantile(double p) const;
  /// Width of the bin holding x (the resolution of quantiles near x).
  [[nodiscard]] double resolution(double x) const;

  [[nodiscard]] std::uint64_t count() const { return count_; }

  [[nodiscard]] const BinSpec& spec() const { return spec_; }

  bool operator==(const Histogram&) const = default;

 private:
  [[nodiscard]] double edge(std::size_t i) const;  // lower edge of bin i (0..bins)
  BinSpec spec_;
  std::vector<std::uint64_t> counts_;  // [below, bins..., above]
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();  // of the values added (NaN ignored)
  double max_ = -std::numeric_limits<double>::infinity();
  double scale_low_ = 0.0;
  double scale_width_ = 1.0;
};

/// The bins used for each endpoint: log bins 1e-8..1e4 for concentrations and AUC, linear 0..1
/// for S.
std::array<BinSpec, kEndpointCount> default_endpoint_bins();

/// Running statistics and histograms of all endpoints, plus a responder count. A responder is a
/// subject whose S_max reaches the threshold (the benchmark workload's surrogate for a sustained
/// anxiolytic response).
class EndpointSummary {
 public:
  EndpointSummary(std::array<BinSpec, kEndpointCount> bins, double responder_s_max);
  /// Folds one subject (kEndpointCount values in Endpoint order).
  void add(const double* endpoints);

  [[nodiscard]] const RunningStatistic& statistic(Endpoint e) const { return statistics_[e]; }

  [[nodiscard]] double quantile(Endpoint e, double p) const { return histograms_[e].quantile(p); }

  [[nodiscard]] std::uint64_t subjects() const { return statistics_[0].count(); }

  [[nodiscard]] std::uint64_t responders() const { return responders_; }

  [[nodiscard]] double responder_threshold() const { return responder_s_max_; }

  bool operator==(const EndpointSummary&) const = default;

 private:
  std::array<RunningStatistic, kEndpointCount> statistics_;
  std::vector<Histogram> histograms_;
  double responder_s_max_;
  std::uint64_t responders_ = 0;
};

}  // namespace ketapath::population
