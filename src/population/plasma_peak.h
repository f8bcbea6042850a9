#pragma once

// The exact peak of plasma ketamine between two of the batch kernel's checkpoints (batch_kernel.h):
// with no infusion running, the central amount of the two-compartment model fed by a first-order
// depot is a sum of three exponentials whose rates are KA and the disposition rates alpha > beta,
//   c(t) = w_ka exp(-KA t) + w_alpha exp(-alpha t) + w_beta exp(-beta t),
// with weights linear in the amounts at the interval's start (the standard closed form; the
// coefficients are computed once per subject). Where c rises at the start and falls at the end,
// its maximum is at the root of c', found by Newton steps kept inside the sign bracket (bisection
// when a step leaves it).
//
// Deterministic: plain IEEE operations, no FMA contraction (the kernel's files are built with
// -ffp-contract=off) and its own exp, so a peak is bit-identical on every machine and in every
// instruction-set clone of the kernel. When KA is within 1e-8 (relative) of alpha or beta the
// closed form's weights are 0/0; KA is then moved 1e-8 away. That changes c by about 1e-8
// relative, and rounding in the near-cancelling weights costs about as much (1e-16 / 1e-8), so
// 1e-8 balances the two (measured: 2.6e-8 from a dense CVODE peak, batch_kernel_test).

#include <algorithm>
#include <bit>
#include <cstdint>

namespace ketapath::population {

/// One subject's closed form of the central amount: rates and the weights' coefficients, so that
/// (w_ka, w_alpha, w_beta) = K (d0, c0, p0) for amounts d0 (depot), c0 (central), p0 (peripheral).
struct PeakRates {
  double rate[3] = {1.0, 1.0, 1.0};  ///< KA (moved off alpha and beta if needed), alpha, beta; 1/h
  /// The weights' coefficients, in this order: w_ka per mg of depot; w_alpha per mg of depot,
  /// central and peripheral; w_beta per mg of depot, central and peripheral (peak_weights).
  double k[7] = {};
};

/// The closed form for KA (depot elimination), to_central (DEPOT -> CENT rate: KA times the share
/// of the depot bound for CENT) and the micro-constants k10, k12, k21 (1/h).
PeakRates peak_rates(double ka, double to_central, double k10, double k12, double k21);

/// The highest central amount in [0, h] given the amounts at 0, no infusion: c at the root of c'
/// when c' > 0 at 0 and c' < 0 at h, else the larger end. Newton to |step| <= 1e-9 h.
double central_peak(const PeakRates& rates, double d0, double c0, double p0, double h);

/// exp(x) from IEEE operations only (Cody-Waite reduction, degree-13 Taylor polynomial), with no
/// branch so that the kernel's lane loops vectorise it: within 2 ulp of the exact value for x in
/// [-708, 708], 0 below -708; the same bits on every machine.
inline double portable_exp(double x) {
  constexpr double kLog2e = 1.44269504088896338700e+00;
  // ln 2 split so that n * kLn2High is exact (fdlibm's).
  constexpr double kLn2High = 6.93147180369123816490e-01;
  constexpr double kLn2Low = 1.90821492927058770002e-10;
  // Rounds to the nearest integer by the 1.5 x 2^52 shift (exact in round-to-nearest); the shifted
  // value's low bits are that integer.
  constexpr double kShift = 6755399441055744.0;
  const double clamped = std::min(std::max(x, -708.0), 708.0);
  const double shifted = clamped * kLog2e + kShift;
  const double n = shifted - kShift;
  const double r = (clamped - n * kLn2High) - n * kLn2Low;
  // Taylor to degree 13: |r|^14 / 14! < 3e-18 on |r| <= 0.347.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n from its bits: n = the shifted value's bits minus the shift's (n in [-1022, 1022]).
  const std::int64_t integer =
      std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(kShift);
  const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(integer + 1023) << 52);
  return x < -708.0 ? 0.0 : p * scale;
}

/// The weights for amounts (d0, c0, p0) at an interval's start, from PeakRates::k (an array, so
/// that the kernel's lane loops can pass one lane's coefficients).
inline void peak_weights(const double (&k)[7], double d0, double c0, double p0, double (&w)[3]) {
  w[0] = k[0] * d0;
  w[1] = k[1] * d0 + k[2] * c0 + k[3] * p0;
  w[2] = k[4] * d0 + k[5] * c0 + k[6] * p0;
}

/// c at time t and one safeguarded Newton step towards the root of c' in the bracket [lo, hi]
/// (c' > 0 at lo, < 0 at hi; updated from the sign of c'(t)).
///
/// The step is Newton's on F = ln P - ln N, where c' = P - N splits c''s exponential terms by
/// sign: for a dose's rise against the disposition's fall F is almost linear in t (exactly so
/// with one term on each side), so Newton needs two or three steps where Newton on c' itself
/// needs six or more. ln(P / N) is 2 atanh(z), z = (P - N) / (P + N), by its series to z^9: exact
/// to 2e-6 relative for |z| <= 0.3 and better as the root nears (only the step, not c, uses it).
/// The next t is the Newton point when it lies in the (closed) bracket, else the bracket's middle.
struct PeakStep {
  double value = 0.0;  ///< c(t)
  double next = 0.0;   ///< the next t
};

inline PeakStep peak_step(const double (&rate)[3], const double (&w)[3], double t, double& lo,
                          double& hi) {
  double p = 0.0, n = 0.0, dp = 0.0, dn = 0.0;
  PeakStep out;
#pragma GCC unroll 3
  for (int i = 0; i < 3; ++i) {
    const double e = portable_exp(-rate[i] * t);
    out.value += w[i] * e;
    const double term = -rate[i] * w[i] * e;  // term i of c'(t)
    const double derivative = -rate[i] * term;
    p += term > 0.0 ? term : 0.0;
    dp += term > 0.0 ? derivative : 0.0;
    n += term > 0.0 ? 0.0 : -term;
    dn += term > 0.0 ? 0.0 : -derivative;
  }
  const double slope = p - n;
  lo = slope > 0.0 ? t : lo;
  hi = slope > 0.0 ? hi : t;
  const double z = slope / (p + n);
  const double z2 = z * z;
  const double log_ratio =
      2.0 * z * (1.0 + z2 * (1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0)))));
  const double newton = t - log_ratio / (dp / p - dn / n);
  out.next = (newton >= lo) & (newton <= hi) ? newton : 0.5 * (lo + hi);
  return out;
}

/// c'(t) from the weights (central_peak checks the bracket at the interval's ends with it).
inline double peak_slope(const double (&rate)[3], const double (&w)[3], double t) {
  double slope = 0.0;
#pragma GCC unroll 3
  for (int i = 0; i < 3; ++i) {
    slope -= rate[i] * w[i] * portable_exp(-rate[i] * t);
  }
  return slope;
}

}  // namespace ketapath::population
