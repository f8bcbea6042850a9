#include "trial/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "core/error.h"

namespace ketapath::trial {

double quantile_sorted(std::span<const double> sorted, double p) {
  KETAPATH_ASSERT(!sorted.empty() && p >= 0.0 && p <= 1.0, "quantile of an empty sample");
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Summary summarize(std::span<const double> values) {
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v)) {
      finite.push_back(v);
    }
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (finite.empty()) {
    return {kNaN, kNaN, kNaN, 0};
  }
  std::ranges::sort(finite);
  return {quantile_sorted(finite, 0.5), quantile_sorted(finite, 0.05),
          quantile_sorted(finite, 0.95), static_cast<int>(finite.size())};
}

Summary summarize_fraction(std::span<const double> indicators) {
  double held = 0.0;
  int n = 0;
  for (double v : indicators) {
    if (std::isfinite(v)) {
      held += v;
      ++n;
    }
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) {
    return {kNaN, kNaN, kNaN, 0};
  }
  const double nn = static_cast<double>(n);
  const double p = held / nn;
  constexpr double z = 1.6448536269514722;  // 95th percentile of N(0, 1): a 90% interval
  const double denom = 1.0 + z * z / nn;
  const double centre = (p + z * z / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / denom;
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half), n};
}

namespace {
constexpr double kNaNc = std::numeric_limits<double>::quiet_NaN();
constexpr Comparison kUndefined{kNaNc, kNaNc, kNaNc};
}  // namespace

double normal_quantile(double p) {
  // Acklam (2003): rational approximations in the central and tail regions.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (!(p > 0.0 && p < 1.0)) {
    return kNaNc;
  }
  constexpr double kLow = 0.02425;
  double x = 0.0;
  if (p < kLow || p > 1.0 - kLow) {
    const double q = std::sqrt(-2.0 * std::log(p < kLow ? p : 1.0 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    x = p < kLow ? x : -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  // one Newton step on Phi(x) - p, Phi(x) = erfc(-x / sqrt 2) / 2
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

double t_quantile(double p, double df) {
  const double z = normal_quantile(p);
  if (!(df > 0.0) || std::isnan(z)) {
    return kNaNc;
  }
  const double z2 = z * z;
  const double g1 = (z2 + 1.0) * z / 4.0;
  const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
  const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
  const double g4 =
      ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
  return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

Comparison mean_difference(double m1, double sd1, double n1, double m2, double sd2, double n2,
                           double confidence) {
  if (!(n1 >= 2.0 && n2 >= 2.0)) {
    return kUndefined;
  }
  const double v1 = sd1 * sd1 / n1;
  const double v2 = sd2 * sd2 / n2;
  const double se = std::sqrt(v1 + v2);
  const double diff = m1 - m2;
  if (!(se > 0.0)) {
    return {diff, diff, diff};
  }
  const double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
  const double t = t_quantile(0.5 + confidence / 2.0, df);
  return {diff, diff - t * se, diff + t * se};
}

Comparison hedges_g(double m1, double sd1, double n1, double m2, double sd2, double n2,
                    double confidence) {
  if (!(n1 >= 2.0 && n2 >= 2.0)) {
    return kUndefined;
  }
  const double pooled =
      std::sqrt(((n1 - 1.0) * sd1 * sd1 + (n2 - 1.0) * sd2 * sd2) / (n1 + n2 - 2.0));
  if (!(pooled > 0.0)) {
    return kUndefined;
  }
  const double j = 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0);
  const double g = j * (m1 - m2) / pooled;
  const double se = std::sqrt((n1 + n2) / (n1 * n2) + g * g / (2.0 * (n1 + n2)));
  const double z = normal_quantile(0.5 + confidence / 2.0);
  return {g, g - z * se, g + z * se};
}

Comparison odds_ratio(double a, double n1, double b, double n2, double confidence) {
  if (!(n1 > 0.0 && n2 > 0.0)) {
    return kUndefined;
  }
  double cells[] = {a, n1 - a, b, n2 - b};
  if (std::ranges::any_of(cells, [](double x) { return x == 0.0; })) {
    for (double& x : cells) {
      x += 0.5;
    }
  }
  const double log_or = std::log(cells[0] * cells[3] / (cells[1] * cells[2]));
  const double se = std::sqrt(1.0 / cells[0] + 1.0 / cells[1] + 1.0 / cells[2] + 1.0 / cells[3]);
  const double z = normal_quantile(0.5 + confidence / 2.0);
  return {std::exp(log_or), std::exp(log_or - z * se), std::exp(log_or + z * se)};
}

Comparison risk_difference(double a, double n1, double b, double n2, double confidence) {
  if (!(n1 > 0.0 && n2 > 0.0)) {
    return kUndefined;
  }
  const double p1 = a / n1;
  const double p2 = b / n2;
  const double se = std::sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2);
  const double z = normal_quantile(0.5 + confidence / 2.0);
  return {p1 - p2, p1 - p2 - z * se, p1 - p2 + z * se};
}

}  // namespace ketapath::trial
