// Published targets (shared reference ketamine-pharmacology.md section 9) that the bundled designs
// cover, each one ctest test: run the design with the bundled default model, fixed seed 1, and
// require the endpoint's verdict (median over replicates inside its tolerance; orderings: fraction
// of replicates). The replicate counts make the statistic's standard error small against the
// tolerance width: SE(median) ~ 1.25 SD / sqrt(R), SE(fraction) = sqrt(p (1 - p) / R); each test
// prints its margin to the nearer bound in SE units, so a pass that rests on luck (|z| < 2) shows.

#include <cmath>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "io/design_file.h"
#include "io/model_file.h"
#include "trial/run_trial.h"

namespace ketapath::trial {
namespace {

struct Target {
  const char* design;
  const char* endpoint;
  const char* reference;  // item in section 9
  int replicates;
};

// glue2017 is quick (about 40 ms a replicate); glue2018 and clinic_iv simulate 14-28 sessions.
const Target kTargets[] = {
    {"glue2017", "responders_0.5_1_mg_kg", "1", 400},
    {"glue2017", "ham_a_reduction_1h_0.25_mg_kg", "2", 400},
    {"glue2017", "fq_reduction_1h_0.25_mg_kg", "2", 400},
    {"glue2017", "responders_increase_0.25_to_0.5", "2", 400},
    {"glue2017", "ham_a_reduction_1h_1_mg_kg", "3", 400},
    {"glue2017", "fq_reduction_1h_1_mg_kg", "3", 400},
    {"glue2017", "fq_reduction_7d_1_mg_kg", "4", 400},
    {"glue2017", "fq_reduction_7d_1_gt_0.25_mg_kg", "4", 400},
    {"glue2017", "anxiolysis_increases_with_dose", "5", 400},
    {"glue2017", "ham_a_anxiolysis_increases_with_dose", "5", 400},
    {"glue2017", "cadss_increases_with_dose", "5", 400},
    {"glue2017", "sbp_increases_with_dose", "5", 400},
    {"glue2017", "dbp_increases_with_dose", "5", 400},
    {"glue2017", "hr_increases_with_dose", "5", 400},
    {"glue2018", "fq_reduction_1h", "6", 100},
    {"glue2018", "ham_a_reduction_1h", "6", 100},
    {"glue2018", "cadss_week1", "7", 100},
    {"glue2018", "cadss_week14", "7", 100},
    {"glue2018", "cadss_week14_to_week1", "7", 100},
    {"glue2018", "sbp_rise_30min", "8", 100},
    {"glue2018", "dbp_rise_30min", "8", 100},
    {"glue2018", "predose_fq_falls_week1_to_week12", "9", 100},
    {"glue2018", "predose_ham_a_falls_week1_to_week12", "9", 100},
    {"clinic_iv", "ketamine_end_of_first_infusion", "13", 100},
    {"clinic_iv", "sbp_peak_first_infusion", "18", 100},
    {"clinic_iv", "sbp_at_2h_first_infusion", "18", 100},
    {"clinic_iv", "cadss_2h_after_end_to_peak", "19", 100},
};

// Readable parameter in gtest's failure lines.
void PrintTo(const Target& t, std::ostream* os) {
  *os << t.design << "/" << t.endpoint << " (section 9 item " << t.reference << ")";
}

const TrialResult& result_for(const std::string& design, int replicates) {
  static std::mutex mutex;
  static std::map<std::string, TrialResult> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(design); it != cache.end()) {
    return it->second;
  }
  const std::string root = KETAPATH_SOURCE_DIR;
  auto loaded = io::load_design_file(root + "/designs/" + design + ".toml");
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
  const auto dirs = io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, root);
  auto model = io::load_model(root + "/models/" + loaded->model + ".toml", dirs);
  EXPECT_TRUE(model.has_value()) << model.error().message;
  auto result = run_trial(*loaded, *model, {.replicates = replicates, .seed = 1, .threads = 2});
  EXPECT_TRUE(result.has_value()) << result.error().message;
  return cache.emplace(design, std::move(*result)).first->second;
}

class PublishedTarget : public ::testing::TestWithParam<Target> {};

TEST_P(PublishedTarget, MedianOverReplicatesIsWithinTolerance) {
  const Target& t = GetParam();
  const TrialResult& result = result_for(t.design, t.replicates);
  const EndpointResult* found = nullptr;
  for (const EndpointResult& e : result.endpoints) {
    if (e.endpoint.name == t.endpoint) {
      found = &e;
    }
  }
  ASSERT_NE(found, nullptr) << t.design << " has no endpoint " << t.endpoint;
  ASSERT_TRUE(found->endpoint.tolerance.has_value());
  const auto [low, high] = *found->endpoint.tolerance;
  const double n = found->simulated.defined;
  const double m = found->simulated.median;
  double se = 0.0;
  if (found->endpoint.kind == Endpoint::Kind::Ordering) {
    const double p = std::clamp(m, 1.0 / n, 1.0 - 1.0 / n);
    se = std::sqrt(p * (1.0 - p) / n);
  } else {
    double mean = 0.0;
    double sq = 0.0;
    for (double v : found->per_replicate) {
      mean += v / n;
    }
    for (double v : found->per_replicate) {
      sq += (v - mean) * (v - mean) / (n - 1.0);
    }
    se = 1.2533 * std::sqrt(sq / n);
  }
  // An ordering's upper bound 1 is the end of its range, not a limit the model could cross.
  const double margin =
      found->endpoint.kind == Endpoint::Kind::Ordering ? m - low : std::min(m - low, high - m);
  const double z = se > 0.0 ? margin / se : (margin >= 0.0 ? INFINITY : -INFINITY);
  std::printf(
      "[ target %s ] %s/%s: median %.4g, 90%% [%.4g, %.4g], tolerance [%g, %g], "
      "margin %.3g = %.1f SE (%d replicates)\n",
      t.reference, t.design, t.endpoint, m, found->simulated.p05, found->simulated.p95, low, high,
      margin, z, static_cast<int>(n));
  // The test's own verdict is the margin it printed; the engine's pass flag must agree with it.
  EXPECT_GE(margin, 0.0) << t.design << "/" << t.endpoint << " (reference section 9 item "
                         << t.reference << "): median " << m << " outside [" << low << ", "
                         << high << "] by " << -margin;
  EXPECT_EQ(found->pass.value_or(false), margin >= 0.0)
      << t.design << "/" << t.endpoint << ": the engine's verdict disagrees with the margin";
}

std::string name_of(const ::testing::TestParamInfo<Target>& info) {
  std::string name = std::string(info.param.design) + "_" + info.param.endpoint;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Section9, PublishedTarget, ::testing::ValuesIn(kTargets), name_of);

}  // namespace
}  // namespace ketapath::trial
