#include "trial/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

}  // namespace ketapath::trial
