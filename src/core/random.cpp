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
  // The last block is kept: neighbouring slots (scales of one assessment) share it.
  const std::uint64_t block = draw_ / 4;
  const auto word = static_cast<unsigned>(draw_ % 4);
  ++draw_;
  if (!cached_ || block != cached_block_) {
    r123::Philox4x64 generator;
    const r123::Philox4x64::ctr_type counter = {{replicate_, subject_, stream_, block}};
    const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
    const auto out = generator(counter, key);
    for (std::size_t i = 0; i < 4; ++i) {
      words_[i] = out.v[i];
    }
    cached_block_ = block;
    cached_ = true;
  }
  return words_[word];
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
  // Wichura (1988), algorithm AS 241 (PPND16): rational approximations accurate to about 1e-16
  // relative, no refinement step. The central region (|p - 0.5| <= 0.425, 85% of draws) needs no
  // transcendental function at all; the tails one log and one sqrt. q = p - 0.5 is exact, so the
  // result keeps its relative accuracy near p = 0.5 (where a Newton/Halley step on Phi(x) - p
  // loses it to cancellation).
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) *
                    r +
                45921.953931549871457) *
                   r +
               13731.693765509461125) *
                  r +
              1971.5909503065514427) *
                 r +
             133.14166789178437745) *
                r +
            3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) *
                    r +
                21213.794301586595867) *
                   r +
               5394.1960214247511077) *
                  r +
              687.1870074920579083) *
                 r +
             42.313330701600911252) *
                r +
            1.0);
  }
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double x = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
              0.24178072517745061177) *
                 r +
             1.27045825245236838258) *
                r +
            3.64784832476320460504) *
               r +
           5.7694972214606914055) *
              r +
          4.6303378461565452959) *
             r +
         1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
              0.0151986665636164571966) *
                 r +
             0.14810397642748007459) *
                r +
            0.68976733498510000455) *
               r +
           1.6763848301838038494) *
              r +
          2.05319162663775882187) *
             r +
         1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
              0.0012426609473880784386) *
                 r +
             0.026532189526576123093) *
                r +
            0.29656057182850489123) *
               r +
           1.7848265399172913358) *
              r +
          5.4637849111641143699) *
             r +
         6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
              1.8463183175100546818e-5) *
                 r +
             7.868691311456132591e-4) *
                r +
            0.0148753612908506148525) *
               r +
           0.13692988092273580531) *
              r +
          0.59983220655588793769) *
             r +
         1.0);
  }
  return q < 0.0 ? -x : x;
}

}  // namespace ketapath::core
