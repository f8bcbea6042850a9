#include "population/plasma_peak.h"

#include <algorithm>
#include <cmath>

namespace ketapath::population {
namespace {

constexpr double kCoincidence = 1e-8;

}  // namespace

PeakRates peak_rates(double ka, double to_central, double k10, double k12, double k21) {
  const double sum = k10 + k12 + k21;
  const double alpha = 0.5 * (sum + std::sqrt(sum * sum - 4.0 * k10 * k21));
  const double beta = k10 * k21 / alpha;
  const double k_cc = k10 + k12;
  // KA moved off alpha and beta where the closed form would divide by (almost) zero; the depot's
  // rate into CENT moves with it, in proportion.
  double moved = ka;
  for (const double lambda : {alpha, beta}) {
    if (std::abs(moved - lambda) < kCoincidence * lambda) {
      moved = lambda * (moved >= lambda ? 1.0 + kCoincidence : 1.0 - kCoincidence);
    }
  }
  const double input = to_central * (moved / ka);  // CENT's input per mg of depot, at t = 0
  PeakRates r;
  r.rate[0] = moved;
  r.rate[1] = alpha;
  r.rate[2] = beta;
  // Input-free part: c = A exp(-alpha t) + B exp(-beta t) with A + B = c0 and
  // -alpha A - beta B = c'(0) = -k_cc c0 + k21 p0, so A = ((beta - k_cc) c0 + k21 p0) / (beta -
  // alpha); the depot's part is the standard Bateman-type sum.
  const double ab = beta - alpha;
  const double k_ac = (beta - k_cc) / ab;
  const double k_ap = k21 / ab;
  r.k[0] = input * (k21 - moved) / ((alpha - moved) * (beta - moved));
  r.k[1] = input * (k21 - alpha) / ((moved - alpha) * (beta - alpha));
  r.k[2] = k_ac;
  r.k[3] = k_ap;
  r.k[4] = input * (k21 - beta) / ((moved - beta) * (alpha - beta));
  r.k[5] = 1.0 - k_ac;
  r.k[6] = -k_ap;
  return r;
}

double central_peak(const PeakRates& rates, double d0, double c0, double p0, double h) {
  double w[3];
  peak_weights(rates.k, d0, c0, p0, w);
  const double start_value = w[0] + w[1] + w[2];
  const double start_slope = peak_slope(rates.rate, w, 0.0);
  const double end_slope = peak_slope(rates.rate, w, h);
  double lo = 0.0;
  double hi = h;
  double best = start_value;
  if (!(start_slope > 0.0 && end_slope < 0.0)) {
    const double end_value = peak_step(rates.rate, w, h, lo, hi).value;
    return std::max(best, end_value);
  }
  double t = 0.0;  // as the kernel's lane search: Newton on ln P - ln N from the start
  for (int iteration = 0; iteration < 200; ++iteration) {
    const PeakStep step = peak_step(rates.rate, w, t, lo, hi);
    best = std::max(best, step.value);
    if (std::abs(step.next - t) <= 1e-9 * h || hi - lo <= 1e-13 * h) {
      return std::max(best, peak_step(rates.rate, w, step.next, lo, hi).value);
    }
    t = step.next;
  }
  return best;
}

}  // namespace ketapath::population
