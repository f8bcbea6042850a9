// Virtual clinic courses for validating the estimator (virtual_course.h).

#include "estimation/virtual_course.h"

#include <algorithm>

#include "core/random.h"
#include "pd/rating_scales.h"

namespace ketapath::estimation {

std::vector<pd::Dose> loading_course(core::Kilograms weight) {
  std::vector<pd::Dose> out;
  for (const double day : {0.0, 3.0, 7.0, 10.0, 14.0, 17.0}) {
    out.push_back(maintenance_dose(weight, day * 24.0 + 9.0));
  }
  return out;
}

pd::Dose maintenance_dose(core::Kilograms weight, double time) {
  return {.time = core::Hours(time),
          .route = pd::Route::Iv,
          .amount = core::Milligrams(0.5 * weight.value()),
          .duration = core::Hours(40.0 / 60.0)};
}

std::vector<double> clinic_rating_times(std::span<const pd::Dose> doses) {
  std::vector<double> out;
  for (const pd::Dose& d : doses) {
    out.push_back(d.time.value());
    out.push_back(d.time.value() + 2.0);
    out.push_back(d.time.value() + 24.0);
  }
  if (!doses.empty()) {
    double last = 0.0;
    for (const pd::Dose& d : doses) {
      last = std::max(last, d.time.value());
    }
    out.push_back(last + 7.0 * 24.0);
  }
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

core::Result<std::vector<double>> true_scores(const pd::KetamineParameters& truth, pd::Scale scale,
                                              double baseline, std::span<const pd::Dose> doses,
                                              std::span<const double> times) {
  std::vector<core::Hours> t;
  for (const double x : times) {
    t.emplace_back(x);
  }
  const pd::TimeCourse course = KETAPATH_TRY(pd::simulate_ketamine(truth, doses, t));
  std::vector<double> out;
  for (const double r : course.total_reduction) {
    out.push_back(pd::expected_score(truth, scale, baseline, r));
  }
  return out;
}

core::Result<std::vector<Rating>> rate(const pd::KetamineParameters& truth, pd::Scale scale,
                                       double baseline, std::span<const pd::Dose> doses,
                                       std::span<const double> times, std::uint64_t seed,
                                       std::uint64_t replicate, std::uint64_t subject,
                                       std::uint64_t first_slot) {
  const std::vector<double> expected =
      KETAPATH_TRY(true_scores(truth, scale, baseline, doses, times));
  core::RandomStream noise(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Assessment});
  std::vector<Rating> out;
  for (std::size_t i = 0; i < times.size(); ++i) {
    noise.seek(first_slot + i);
    out.push_back({.scale = scale,
                   .time = core::Hours(times[i]),
                   .score = pd::observed_score(truth, scale, expected[i], noise.normal())});
  }
  return out;
}

}  // namespace ketapath::estimation
