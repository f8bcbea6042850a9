#include "trial/run_trial.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "pd/typical_uncertainty.h"
#include "population/virtual_patient.h"
#include "trial/subject_outcome.h"
#include "trial_fixture.h"

namespace ketapath::trial {
namespace {

using testing::two_arm_design;

const EndpointResult& find(const TrialResult& r, std::string_view name) {
  for (const auto& e : r.endpoints) {
    if (e.endpoint.name == name) {
      return e;
    }
  }
  ADD_FAILURE() << "no endpoint " << name;
  return r.endpoints.front();
}

TrialResult run(const Design& d, int replicates, std::uint64_t seed, int threads) {
  auto r = run_trial(d, pd::default_ketamine_model(),
                     {.replicates = replicates, .seed = seed, .threads = threads});
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return *r;
}

TEST(RunTrial, ThreadCountDoesNotChangeAnyValue) {
  const Design d = two_arm_design();
  const TrialResult one = run(d, 6, 7, 1);
  const TrialResult three = run(d, 6, 7, 3);
  ASSERT_EQ(one.endpoints.size(), three.endpoints.size());
  for (std::size_t e = 0; e < one.endpoints.size(); ++e) {
    EXPECT_EQ(one.endpoints[e].per_replicate, three.endpoints[e].per_replicate)
        << one.endpoints[e].endpoint.name;
  }
  ASSERT_EQ(one.profiles.size(), three.profiles.size());
  EXPECT_EQ(one.profiles[2].cadss.values[1].median, three.profiles[2].cadss.values[1].median);
}

TEST(RunTrial, ProgressCountsEveryReplicateOnceAndDoesNotChangeTheResult) {
  const Design d = two_arm_design();
  std::vector<std::size_t> seen;
  std::size_t last_total = 0;
  const auto with = run_trial(d, pd::default_ketamine_model(),
                              {.replicates = 7,
                               .seed = 7,
                               .threads = 3,
                               .progress = [&](std::size_t done, std::size_t total) {
                                 seen.push_back(done);
                                 last_total = total;
                               }});
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(seen, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7}));  // one call at a time
  EXPECT_EQ(last_total, 7u);
  const TrialResult without = run(d, 7, 7, 1);
  for (std::size_t e = 0; e < without.endpoints.size(); ++e) {
    EXPECT_EQ(with->endpoints[e].per_replicate, without.endpoints[e].per_replicate);
  }
}

TEST(RunTrial, ReplicateDependsOnlyOnItsIndexAndTheSeed) {
  const Design d = two_arm_design();
  const TrialResult four = run(d, 4, 11, 1);
  const TrialResult eight = run(d, 8, 11, 2);
  const TrialResult other_seed = run(d, 4, 12, 1);
  const auto& a = find(four, "fq_1h_dose3").per_replicate;
  const auto& b = find(eight, "fq_1h_dose3").per_replicate;
  for (std::size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(a[r], b[r]) << "replicate " << r;
  }
  EXPECT_NE(a, find(other_seed, "fq_1h_dose3").per_replicate);
  EXPECT_NE(a[0], a[1]);  // replicates are different trials
}

TEST(RunTrial, MeanReductionEqualsTheHandComputedMeanOverSubjects) {
  // Independent path: draw the six ketamine-arm patients of replicate 0 (subjects 0..5), simulate
  // each through the arm and average (pre - post) / pre of FQ 1 h after dose 3.
  const Design d = two_arm_design();
  const std::uint64_t seed = 5;
  const TrialResult result = run(d, 1, seed, 1);
  const auto generator =
      population::PatientGenerator::create(pd::default_ketamine_model(), d.population).value();
  const auto sessions = protocol::administrations(d.arms[0].regimen).value();
  double sum = 0.0;
  for (std::uint64_t s = 0; s < 6; ++s) {
    const auto patient = generator.draw(seed, 0, s);
    const auto outcome =
        simulate_subject(patient, sessions, d.assessments, Expectancy{}, seed, 0).value();
    const double pre = outcome.sessions[2].pre[1];
    sum += (pre - outcome.sessions[2].ratings[1][1]) / pre;
  }
  EXPECT_DOUBLE_EQ(find(result, "fq_1h_dose3").per_replicate[0], sum / 6.0);
}

// The default path runs the ketamine arm on the batch kernel (the placebo arm, which it does not
// cover, subject by subject); --per-subject runs both arms subject by subject. They share the
// patients, noise slots, PD algebra and recording; only S's integrator differs (measured in
// tests/trial/batch_outcome_test.cpp: 5e-7 relative on model outputs). So the model-based
// profile (dSBP) agrees to that tolerance and rating-based values are equal, except where a
// rating sits within 1e-5 points of a rounding boundary (none expected in this small run).
TEST(RunTrial, BatchKernelAgreesWithThePerSubjectPath) {
  const Design d = two_arm_design();
  const auto batch = run_trial(d, pd::default_ketamine_model(), {.replicates = 12, .seed = 3});
  const auto reference = run_trial(d, pd::default_ketamine_model(),
                                   {.replicates = 12, .seed = 3, .per_subject = true});
  ASSERT_TRUE(batch.has_value() && reference.has_value());
  for (std::size_t e = 0; e < batch->endpoints.size(); ++e) {
    EXPECT_EQ(batch->endpoints[e].per_replicate, reference->endpoints[e].per_replicate)
        << batch->endpoints[e].endpoint.name;
  }
  ASSERT_EQ(batch->profiles.size(), reference->profiles.size());
  for (std::size_t k = 0; k < batch->profiles.size(); ++k) {
    const Band& x = batch->profiles[k].dsbp;
    const Band& y = reference->profiles[k].dsbp;
    ASSERT_EQ(x.values.size(), y.values.size());
    for (std::size_t j = 0; j < x.values.size(); ++j) {
      EXPECT_NEAR(x.values[j].median, y.values[j].median,
                  5e-7 * std::max(1.0, std::abs(y.values[j].median)));
    }
    EXPECT_EQ(batch->profiles[k].reduction.values[0].median,
              reference->profiles[k].reduction.values[0].median);
  }
}

TEST(RunTrial, PlaceboSessionsHaveNoDrugEffectAndVerdictsFollowTolerance) {
  const TrialResult r = run(two_arm_design(), 5, 3, 2);
  const auto& cadss = find(r, "placebo_cadss");
  for (double v : cadss.per_replicate) {
    EXPECT_EQ(v, 0.0);
  }
  EXPECT_EQ(cadss.pass, std::optional<bool>(true));
  const auto& sbp = find(r, "placebo_sbp");
  for (double v : sbp.per_replicate) {
    EXPECT_EQ(v, 0.0);
  }
  EXPECT_EQ(sbp.pass, std::optional<bool>(false));        // tolerance [100, 200] excludes 0
  EXPECT_FALSE(find(r, "fq_1h_dose3").pass.has_value());  // report only
  for (double v : find(r, "responders").per_replicate) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 12.0);
    EXPECT_EQ(v, std::floor(v));
  }
}

TEST(RunTrial, ModelDissociationRisesWithDoseInEveryReplicate) {
  // Without between-subject variability (default model) every subject's Ce, and so its model
  // CADSS, rises with the mg/kg dose (tolerance lowers Emax by < 20% over 3 doses, the dose
  // doubles), so the ordering must hold in all replicates.
  const TrialResult r = run(two_arm_design(), 5, 1, 1);
  const auto& order = find(r, "cadss_model_increases");
  EXPECT_DOUBLE_EQ(order.simulated.median, 1.0);
  EXPECT_EQ(order.simulated.defined, 5);
  EXPECT_EQ(order.pass, std::optional<bool>(true));
  ASSERT_EQ(r.responders.size(), 6u);  // 3 sessions x 2 arms
  EXPECT_EQ(r.profiles.size(), 6u);
  EXPECT_EQ(r.profiles[0].label, "0.25 mg/kg sc");
  EXPECT_EQ(r.profiles[3].label, "placebo sc");
}

// The default model with an uncertain ANX_EC50 and S_KON (log SDs 0.3 and 0.4, r = -0.5).
pd::KetamineModel uncertain_model() {
  pd::KetamineModel model = pd::default_ketamine_model();
  pd::TypicalUncertainty u;
  u.parameters = {pd::ParameterId::ANX_EC50, pd::ParameterId::S_KON};
  u.log_covariance.resize(2, 2);
  u.log_covariance << 0.09, -0.06, -0.06, 0.16;
  u.source = "test";
  model.uncertainty = u;
  return model;
}

TEST(RunTrial, ParameterUncertaintyDrawsEachReplicatesTypicalValuesReproducibly) {
  const Design d = two_arm_design();
  const pd::KetamineModel model = uncertain_model();
  const auto options = [](int threads, bool uncertain) {
    return TrialOptions{
        .replicates = 5, .seed = 11, .threads = threads, .parameter_uncertainty = uncertain};
  };
  const auto one = run_trial(d, model, options(1, true));
  const auto three = run_trial(d, model, options(3, true));
  const auto off = run_trial(d, model, options(1, false));
  ASSERT_TRUE(one && three && off);
  EXPECT_EQ(one->uncertain_parameters, (std::vector<std::string>{"ANX_EC50", "S_KON"}));
  EXPECT_EQ(one->uncertainty_source, "test");
  ASSERT_EQ(one->replicate_typical.size(), 5u);
  EXPECT_EQ(one->replicate_typical, three->replicate_typical);
  EXPECT_TRUE(off->replicate_typical.empty());
  for (std::size_t r = 0; r < 5; ++r) {
    // replicate r's values are the draw of stream (seed, r, Uncertainty)
    core::RandomStream stream(11, {.replicate = r, .stream = core::Stream::Uncertainty});
    const auto typical = pd::draw_typical(model, stream);
    ASSERT_TRUE(typical);
    EXPECT_EQ(one->replicate_typical[r][0], pd::get_parameter(*typical, pd::ParameterId::ANX_EC50));
    EXPECT_NE(one->replicate_typical[r][1],
              pd::get_parameter(model.typical, pd::ParameterId::S_KON));
  }
  bool any_differs = false;
  for (std::size_t e = 0; e < one->endpoints.size(); ++e) {
    EXPECT_EQ(one->endpoints[e].per_replicate, three->endpoints[e].per_replicate);
    // the same patients (same draws) with other typical values: the anxiolysis endpoints move
    any_differs = any_differs || one->endpoints[e].per_replicate != off->endpoints[e].per_replicate;
  }
  EXPECT_TRUE(any_differs);

  const auto refused = run_trial(d, pd::default_ketamine_model(), options(1, true));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_NE(refused.error().message.find("no [uncertainty] section"), std::string::npos);
}

TEST(RunTrial, RejectsBadOptionsAndDesigns) {
  Design d = two_arm_design();
  EXPECT_FALSE(run_trial(d, pd::default_ketamine_model(), {.replicates = 0}).has_value());
  EXPECT_FALSE(run_trial(d, pd::default_ketamine_model(), {.threads = 0}).has_value());
  d.endpoints[1].items[0].arms = {"nobody"};
  const auto r = run_trial(d, pd::default_ketamine_model(), {.replicates = 1});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "endpoint \"placebo_cadss\": no arm named \"nobody\"");
}

}  // namespace
}  // namespace ketapath::trial
