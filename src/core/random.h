#pragma once
// Reproducible randomness: counter-based Philox4x64-10 (Random123). A draw depends only on
// (seed, replicate, subject, stream, draw index), never on thread count, call order or library
// version, so any subject can be simulated alone, on any thread or process, with the same result.
//
// Example:
//   core::RandomStream eta(seed, {.replicate = r, .subject = i, .stream =
//   core::Stream::Parameters}); double z = eta.normal();    // draw 0 double u = eta.uniform(); //
//   draw 1

#include <array>
#include <cstdint>

namespace ketapath::core {

/// What a stream is for. New purposes are appended; existing values never change (that would
/// change every seeded result).
enum class Stream : std::uint32_t {
  Covariates = 0,  ///< weight, age, sex, diagnosis, baseline severity
  Parameters = 1,  ///< between-subject variability (etas)
  Residual = 2,    ///< residual (measurement) error
  Response = 3,    ///< responder / non-responder class, placebo response
  Assessment = 4,  ///< rating-scale noise
  Clinic = 5,      ///< synthetic clinic demo data
  Estimation = 6,  ///< posterior sampling of an individual fit (estimation module)
  Forecast = 7,    ///< predictive draws of a forecast (rating noise of future ratings)
};

struct StreamKey {
  std::uint64_t replicate = 0;
  std::uint64_t subject = 0;
  Stream stream = Stream::Parameters;
};

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, StreamKey key);

  /// Uniform on the open interval (0, 1); never exactly 0 or 1.
  double uniform();
  /// Standard normal by inverse CDF (Acklam's rational approximation refined by one Halley step,
  /// relative error below 1e-15), one uniform per normal, no cached state.
  double normal();

  /// Position of the next draw (the draw counter).
  [[nodiscard]] std::uint64_t position() const { return draw_; }

  /// Moves to draw `index`, so a caller can give each variable a fixed slot.
  void seek(std::uint64_t index) { draw_ = index; }

 private:
  std::uint64_t next_bits();

  std::array<std::uint64_t, 2> key_{};
  std::uint64_t replicate_;
  std::uint64_t subject_;
  std::uint64_t stream_;
  std::uint64_t draw_ = 0;
};

/// The standard normal quantile function (probit). Requires 0 < p < 1.
double normal_quantile(double p);

/// The standard normal cumulative distribution function.
double normal_cdf(double x);

}  // namespace ketapath::core
