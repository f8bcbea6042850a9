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
  Uncertainty =
      8,  ///< typical values drawn from a model's parameter uncertainty (pd/typical_uncertainty.h)
  Dropout = 9,  ///< when a trial subject drops out (trial/subject_outcome.h)
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
  /// Standard normal by inverse CDF (normal_quantile: Wichura's AS 241), one uniform per normal,
  /// so draw d is always the d-th uniform's quantile.
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
  // The last Philox block computed (a pure function of the counter: caching changes no draw).
  std::array<std::uint64_t, 4> words_{};
  std::uint64_t cached_block_ = 0;
  bool cached_ = false;
};

/// The standard normal quantile function (probit). Requires 0 < p < 1. Wichura (1988), AS 241
/// PPND16: about 1e-16 relative. Normal stream version 2: version 1 (until 2026-12) used Acklam's
/// approximation refined by one Halley step; the two agree within 5e-15 absolute (a few units in
/// the last place; 1e-10 relative only where |x| < 1e-6, where version 1 lost precision to
/// cancellation), so seeded results changed only in their last bits.
double normal_quantile(double p);

/// Version of the normal transform behind RandomStream::normal and normal_quantile (see there).
inline constexpr int kNormalStreamVersion = 2;

/// The standard normal cumulative distribution function.
double normal_cdf(double x);

}  // namespace ketapath::core
