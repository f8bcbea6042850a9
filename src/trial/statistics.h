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

/// A between-arm comparison of one replicate trial as a paper reports it: the estimate and its
/// two-sided confidence interval.
struct Comparison {
  double estimate = 0.0;
  double low = 0.0;
  double high = 0.0;
};

/// Standard normal quantile (Acklam's rational approximation refined by one Newton step on
/// std::erfc; |error| < 1e-12). 0 < p < 1.
double normal_quantile(double p);

/// Student t quantile for `df` degrees of freedom (real, > 0) by the Cornish-Fisher expansion
/// about the normal quantile (Abramowitz & Stegun 26.7.5): within 3e-4 of the exact value for
/// df >= 5 and 4e-3 for df >= 3.
double t_quantile(double p, double df);

/// Difference of means m1 - m2 of two independent groups with Welch's t interval
/// (Welch-Satterthwaite df). NaN fields when a group has fewer than 2 values.
Comparison mean_difference(double m1, double sd1, double n1, double m2, double sd2, double n2,
                           double confidence);

/// Hedges' g = J (m1 - m2) / pooled SD, J = 1 - 3 / (4 (n1 + n2) - 9), with the normal interval
/// g +- z sqrt((n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2))) (Borenstein et al. 2009, Introduction to
/// Meta-Analysis, ch. 4). NaN when a group has fewer than 2 values or the pooled SD is 0.
Comparison hedges_g(double m1, double sd1, double n1, double m2, double sd2, double n2,
                    double confidence);

/// Odds ratio of responders a of n1 against b of n2 with the Woolf (log) interval; when a cell is
/// 0 every cell gets 0.5 (Haldane-Anscombe). NaN when a group is empty.
Comparison odds_ratio(double a, double n1, double b, double n2, double confidence);

/// Risk difference a/n1 - b/n2 with the Wald interval. NaN when a group is empty.
Comparison risk_difference(double a, double n1, double b, double n2, double confidence);

}  // namespace ketapath::trial
