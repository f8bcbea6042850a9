#include "pk/divided_difference.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/error.h"

namespace ketapath::pk {

namespace {

constexpr int kMaxNodes = 6;

// Divided difference of plain exp over sorted nodes y[0] <= ... <= y[m-1].
double unit_divided_difference(const double* y, int m) {
  if (m == 1) {
    return std::exp(y[0]);
  }
  const double spread = y[m - 1] - y[0];
  if (m == 2) {
    // e^{y0} * expm1(d)/d is exact to rounding for every d >= 0; for large d it would overflow
    // before e^{y0} underflows, so use the plain difference there (no cancellation when d > 1).
    if (spread == 0.0)
      return std::exp(y[0]);
    if (spread > 1.0)
      return (std::exp(y[1]) - std::exp(y[0])) / spread;
    return std::exp(y[0]) * std::expm1(spread) / spread;
  }
  if (spread <= 1.0) {
    // exp[y] = e^c * sum_k h_k(nu) / (k + m - 1)!, nu = y - c, |nu| <= 1/2, where h_k is the
    // complete homogeneous symmetric polynomial of degree k. h[j] holds h_k(nu_1..nu_j).
    const double c = 0.5 * (y[0] + y[m - 1]);
    std::array<double, kMaxNodes + 1> h{};
    std::array<double, kMaxNodes> nu{};
    for (int j = 0; j < m; ++j)
      nu[j] = y[j] - c;
    h.fill(1.0);  // degree 0
    double factorial = 1.0;
    for (int i = 2; i < m; ++i)
      factorial *= i;  // (m-1)!
    double sum = 1.0 / factorial;
    for (int k = 1; k < 60; ++k) {
      // h_k(nu_1..nu_j) = h_k(nu_1..nu_{j-1}) + nu_j h_{k-1}(nu_1..nu_j); h_k() of no nodes is 0.
      double previous = 0.0;
      for (int j = 0; j < m; ++j) {
        h[j] = previous + nu[j] * h[j];
        previous = h[j];
      }
      factorial *= (k + m - 1);
      const double term = h[m - 1] / factorial;
      sum += term;
      if (std::abs(term) <= 1e-17 * std::abs(sum))
        break;
    }
    return std::exp(c) * sum;
  }
  // Wide nodes: the recurrence. Both terms are positive and the larger exceeds the smaller by a
  // factor of about e^{spread}, so the subtraction loses at most a couple of bits.
  const double upper = unit_divided_difference(y + 1, m - 1);
  const double lower = unit_divided_difference(y, m - 1);
  return (upper - lower) / spread;
}

}  // namespace

double exp_divided_difference(std::span<const double> nodes, double dt) {
  const int m = static_cast<int>(nodes.size());
  KETAPATH_ASSERT(m >= 1 && m <= kMaxNodes, "1 to 6 nodes");
  KETAPATH_ASSERT(dt >= 0.0, "step length must be non-negative");
  std::array<double, kMaxNodes> y{};
  for (int i = 0; i < m; ++i)
    y[i] = nodes[i] * dt;
  // Insertion sort: at most six nodes.
  for (int i = 1; i < m; ++i) {
    for (int j = i; j > 0 && y[j - 1] > y[j]; --j)
      std::swap(y[j - 1], y[j]);
  }
  // f(mu) = exp(mu dt) = g(mu dt): f[mu_1..mu_m] = dt^{m-1} g[y_1..y_m].
  double scale = 1.0;
  for (int i = 1; i < m; ++i)
    scale *= dt;
  if (scale == 0.0)
    return 0.0;
  return scale * unit_divided_difference(y.data(), m);
}

}  // namespace ketapath::pk
