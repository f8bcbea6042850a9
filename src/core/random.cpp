#include "core/random.h"

#include <cmath>

#include <Random123/philox.h>

#include "core/error.h"

namespace ketapath::core {

RandomStream::RandomStream(std::uint64_t seed, StreamKey key)
    : key_{seed, 0x4B455441'50415448ULL /* "KETAPATH" */},
      replicate_(key.replicate),
      subject_(key.subject),
      stream_(static_cast<std::uint64_t>(key.stream)) {}

std::uint64_t RandomStream::next_bits() {
  // Counter: (replicate, subject, stream << 32 | high draw bits, low draw bits). Each Philox call
  // yields 4 words; draw d uses word d % 4 of block d / 4, so every draw has a fixed place.
  const std::uint64_t block = draw_ / 4;
  const auto word = static_cast<unsigned>(draw_ % 4);
  ++draw_;
  r123::Philox4x64 generator;
  const r123::Philox4x64::ctr_type counter = {{replicate_, subject_, stream_, block}};
  const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
  const auto out = generator(counter, key);
  return out.v[word];
}

double RandomStream::uniform() {
  // 53 random bits mapped to the centre of one of 2^53 equal cells: strictly inside (0, 1).
  const std::uint64_t bits = next_bits() >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double RandomStream::normal() {
  return normal_quantile(uniform());
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double normal_quantile(double p) {
  KETAPATH_ASSERT(p > 0.0 && p < 1.0, "normal_quantile needs 0 < p < 1");
  // Acklam (2003) rational approximation, relative error 1.15e-9, then one Halley step on
  // Phi(x) - p, which brings it to full double precision.
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
  constexpr double kLow = 0.02425;
  double x = 0.0;
  if (p < kLow) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - kLow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // Halley refinement. For p > 0.5 use the upper tail to keep precision.
  const double e = (p < 0.5) ? normal_cdf(x) - p : (1.0 - p) - normal_cdf(-x);
  const double u = e * std::sqrt(2.0 * M_PI) * std::exp(x * x / 2.0);
  x = x - u / (1.0 + x * u / 2.0);
  return x;
}

}  // namespace ketapath::core
