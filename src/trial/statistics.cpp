#include "trial/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "core/random.h"

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
  // core::normal_quantile (Acklam + one Halley step) asserts 0 < p < 1; statistics return NaN.
  if (!(p > 0.0 && p < 1.0)) {
    return kNaNc;
  }
  return core::normal_quantile(p);
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
