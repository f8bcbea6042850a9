#pragma once
// Summaries over replicate trials.

#include <span>

namespace ketapath::trial {

/// Median and 90% interval of replicate values; NaN values (undefined in that replicate) are
/// left out and counted.
struct Summary {
  double median = 0.0;
  double p05 = 0.0;
  double p95 = 0.0;
  int defined = 0;  ///< replicates with a value
};

/// Sample quantile by linear interpolation between order statistics (R type 7, numpy default).
/// `sorted` must be ascending and non-empty; 0 <= p <= 1.
double quantile_sorted(std::span<const double> sorted, double p);

/// Median, 5th and 95th percentiles of the finite values; all NaN when none is finite.
Summary summarize(std::span<const double> values);

/// For 0/1 values (an ordering held or not): the fraction of replicates where it held, with a
/// 90% Wilson score interval for that fraction as p05/p95 (z = 1.6449).
Summary summarize_fraction(std::span<const double> indicators);

}  // namespace ketapath::trial
