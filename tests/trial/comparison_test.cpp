// Comparison endpoints (issue 16 item 5) on the bundled Taylor 2018 crossover: every replicate has
// its estimate inside its own interval, the JSON carries them per replicate, and a design whose
// comparison mixes counts with means is refused naming the endpoint.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "io/design_file.h"
#include "io/model_file.h"
#include "jobs/trial_job.h"
#include "trial/run_trial.h"

namespace ketapath::trial {
namespace {

const std::string kRoot = KETAPATH_SOURCE_DIR;

Design taylor() {
  auto d = io::load_design_file(kRoot + "/designs/taylor_sad_iv_placebo.toml");
  EXPECT_TRUE(d) << d.error().message;
  return *d;
}

const EndpointResult* find(const TrialResult& r, std::string_view name) {
  for (const auto& e : r.endpoints) {
    if (e.endpoint.name == name) {
      return &e;
    }
  }
  return nullptr;
}

// Held-out validation of the model's time course (issue 16 item 1): the pooled standardised mean
// differences of Hartland 2023 (14 placebo-controlled trials; not used in the fit) against the
// model's, in one design file. The model's median Hedges' g at each pooled time point must lie
// inside the published 95% interval: a change to the acute or sustained component that moves the
// simulated effect out of the published range fails here.
TEST(ComparisonEndpoints, ModelEffectSizesLieInsideHartland2023PooledIntervals) {
  auto d = io::load_design_file(kRoot + "/designs/hartland2023_smd.toml");
  ASSERT_TRUE(d) << d.error().message;
  auto r =
      run_trial(*d, pd::default_ketamine_model(), {.replicates = 200, .seed = 1, .threads = 1});
  ASSERT_TRUE(r) << r.error().message;

  struct Published {
    const char* endpoint;
    double low, high;  // Hartland 2023, abstract: 95% CI of the pooled SMD
  };

  // The 7-14 day window is held to the 7-day point, the time most of the pooled trials rated; the
  // model's 14-day g (about -0.2) sits at the interval's edge and is reported in docs/model.md,
  // not asserted.
  for (const Published& p :
       {Published{"hedges_g_2h", -1.89, -0.44}, Published{"hedges_g_24h", -0.65, -0.22},
        Published{"hedges_g_7d", -0.63, -0.17}}) {
    const EndpointResult* e = find(*r, p.endpoint);
    ASSERT_NE(e, nullptr) << p.endpoint;
    EXPECT_GE(e->simulated.median, p.low) << p.endpoint;
    EXPECT_LE(e->simulated.median, p.high) << p.endpoint;
  }
  // The acute effect is the largest, as pooled: above the 24-h and the 7-day one.
  EXPECT_LT(find(*r, "hedges_g_2h")->simulated.median, find(*r, "hedges_g_7d")->simulated.median);
  EXPECT_LT(find(*r, "hedges_g_2h")->simulated.median, find(*r, "hedges_g_24h")->simulated.median);
}

TEST(ComparisonEndpoints, EveryReplicateHasItsEstimateInsideItsInterval) {
  const Design d = taylor();
  auto r = run_trial(d, pd::default_ketamine_model(), {.replicates = 12, .seed = 1, .threads = 1});
  ASSERT_TRUE(r) << r.error().message;
  for (const char* name : {"lsas_change_difference_3h", "lsas_change_hedges_g_3h",
                           "lsas_responders_odds_ratio", "lsas_responders_risk_difference"}) {
    const EndpointResult* e = find(*r, name);
    ASSERT_NE(e, nullptr) << name;
    ASSERT_EQ(e->per_replicate.size(), 12u);
    ASSERT_EQ(e->per_replicate_interval.size(), 12u);
    int defined = 0;
    for (std::size_t i = 0; i < 12; ++i) {
      const double v = e->per_replicate[i];
      if (std::isnan(v)) {
        continue;
      }
      ++defined;
      EXPECT_LE(e->per_replicate_interval[i][0], v) << name << " replicate " << i;
      EXPECT_GE(e->per_replicate_interval[i][1], v) << name << " replicate " << i;
      // <=: a Wald interval of a risk difference with no responder in either group is [0, 0]
      EXPECT_LE(e->per_replicate_interval[i][0], e->per_replicate_interval[i][1]) << name;
    }
    EXPECT_EQ(defined, 12) << name;
  }
  // Ketamine lowers the LSAS more than saline at 3 h: the change difference is negative and
  // the odds of responding are higher, in the median replicate.
  EXPECT_LT(find(*r, "lsas_change_difference_3h")->simulated.median, 0.0);
  EXPECT_LT(find(*r, "lsas_change_hedges_g_3h")->simulated.median, 0.0);
  EXPECT_GT(find(*r, "lsas_responders_odds_ratio")->simulated.median, 1.0);
  EXPECT_GT(find(*r, "lsas_responders_risk_difference")->simulated.median, 0.0);

  const auto json = jobs::trial_result_json(*r);
  bool seen = false;
  for (const auto& e : json["endpoints"]) {
    if (e["name"] == "lsas_responders_odds_ratio") {
      seen = true;
      EXPECT_EQ(e["kind"], "odds_ratio");
      EXPECT_EQ(e["confidence"], 0.95);
      ASSERT_EQ(e["per_replicate"].size(), 12u);
      EXPECT_TRUE(e["per_replicate"][0].contains("ci_low"));
      EXPECT_TRUE(e["per_replicate"][0].contains("ci_high"));
      EXPECT_TRUE(e["per_replicate"][0].contains("estimate"));
    }
    if (e["name"] == "lsas_reduction_3h_ketamine") {
      EXPECT_FALSE(e.contains("per_replicate"));  // other kinds keep their JSON unchanged
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ComparisonEndpoints, MixingCountsAndMeansIsRefusedNamingTheEndpoint) {
  Design d = taylor();
  for (auto& ep : d.endpoints) {
    if (ep.name == "lsas_responders_odds_ratio") {
      ep.items[1].kind = Metric::Kind::MeanChange;
      ep.items[1].scale = pd::Scale::Lsas;
      ep.items[1].at = core::Hours(3.6666666666666665);
    }
  }
  const auto status = validate(d);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("lsas_responders_odds_ratio"), std::string::npos);
  EXPECT_NE(status.error().message.find("compares two responders"), std::string::npos);
}

TEST(ComparisonEndpoints, DesignFileErrorsNameFileAndKey) {
  const std::string text = R"(name = "x"
[assessments]
scales = ["lsas"]
ratings_h = [0, 3]
[responder]
definition = "d"
scales = ["lsas"]
min_reduction = 0.35
within_h = 48
[[arms]]
name = "a"
subjects = 4
  [[arms.phases]]
  dose_mg_per_kg = 0.5
  route = "iv"
  infusion_min = 40
  schedule = { times_days = [0] }
[[endpoints]]
name = "or"
definition = "d"
kind = "odds_ratio"
confidence = 1.5
  [[endpoints.items]]
  kind = "responders"
  [[endpoints.items]]
  kind = "responders"
)";
  const auto d = io::parse_design(text, "bad.toml");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("confidence"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace ketapath::trial
