// Scales as data (issue 16 item 4): a scale defined only in a model file is rated by a trial
// design with no code; the bundled visual-analogue scale stays within its bounds and is not
// rounded; the per-scale placebo multiplier; the noise slots of the clinic's scales unchanged.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "io/design_file.h"
#include "io/model_file.h"
#include "jobs/trial_job.h"
#include "pd/rating_scales.h"
#include "trial/run_trial.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = KETAPATH_SOURCE_DIR;

io::DataDirectories source_tree() {
  return io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, kRoot);
}

// A data directory of its own with one model file that adds a scale and one design rating it.
class ModelFileScale : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ketapath_model_scales_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "models");
    fs::create_directories(dir_ / "designs");
    std::ofstream(dir_ / "models" / "calm_test.toml") << R"(
[model]
name = "calm_test"
base = "ketamine"

[[scales]]
name = "calm"
label = "CALM-5"
rater = "clinician"
items = 5
item_range = [0, 4]
rates = "anxiolysis"
sensitivity = 0.9
noise_sd = 1.5
baseline = { mean = 14.0, sd = 3.0, min = 0.0, max = 20.0 }
source = "a test scale"
evidence = "estimated"
how = "made up for the test"
)";
    std::ofstream(dir_ / "designs" / "calm_trial.toml") << R"(
name = "calm_trial"
model = "calm_test"

[assessments]
scales = ["calm", "ham_a"]
ratings_h = [0, 1, 24]

[responder]
definition = "CALM-5 down by half at any rating within a day"
scales = ["calm"]
min_reduction = 0.5
within_h = 24

[[arms]]
name = "ketamine"
subjects = 12
  [[arms.phases]]
  route = "sc"
  dose_mg_per_kg = 1.0
  schedule = { times_h = [0] }

[[endpoints]]
name = "calm_reduction_1h"
definition = "Mean CALM-5 reduction 1 h after the dose"
kind = "mean_reduction"
scale = "calm"
session = 1
at_h = 1
unit = "fraction"

[[endpoints]]
name = "calm_responders"
definition = "Patients meeting the responder rule"
kind = "responders"
unit = "subjects"
)";
  }

  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] io::DataDirectories dirs() const {
    return io::DataDirectories::from(dir_, std::nullopt, std::nullopt, kRoot);
  }

  fs::path dir_;
};

TEST_F(ModelFileScale, IsRatedByATrialDesignWithNoCode) {
  auto run = jobs::run_trial_job({.design = (dir_ / "designs" / "calm_trial.toml").string(),
                                  .model = "",
                                  .replicates = 20,
                                  .seed = 1,
                                  .threads = 1,
                                  .dirs = dirs(),
                                  .progress = {}});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->model, "calm_test");
  EXPECT_EQ(run->result.primary_scale, "calm");
  ASSERT_EQ(run->design.assessments.definitions.size(), 2u);
  EXPECT_EQ(run->design.assessments.scales[0], static_cast<pd::Scale>(pd::kScaleCount + 1));
  ASSERT_EQ(run->result.endpoints.size(), 2u);
  const auto& reduction = run->result.endpoints[0].simulated;
  EXPECT_EQ(reduction.defined, 20u);
  EXPECT_GT(reduction.median, 0.2) << "1 mg/kg SC at 1 h, sensitivity 0.9";
  EXPECT_LT(reduction.median, 0.9);
  EXPECT_EQ(run->result.endpoints[1].simulated.defined, 20u);

  // The same design with a model that lacks the scale is refused naming it.
  auto other = jobs::run_trial_job({.design = (dir_ / "designs" / "calm_trial.toml").string(),
                                    .model = "ketamine",
                                    .replicates = 2,
                                    .seed = 1,
                                    .threads = 1,
                                    .dirs = dirs(),
                                    .progress = {}});
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("assessments.scales: \"calm\" is not an anxiety scale of "
                                       "the model (ham_a, fq, gad7, lsas, vas_anxiety)"),
            std::string::npos)
      << other.error().message;
}

TEST_F(ModelFileScale, ADesignReadAgainstOneModelIsNotRunWithAnother) {
  auto loaded =
      io::load_design_with_model(dir_ / "designs" / "calm_trial.toml", std::nullopt, dirs());
  ASSERT_TRUE(loaded) << loaded.error().message;
  auto r = run_trial(loaded->design, pd::default_ketamine_model(),
                     {.replicates = 1, .seed = 1, .threads = 1, .progress = {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "assessments: scale calm is not one model builtin defines (read the design against "
            "the model it runs with)");
}

TEST(VisualAnalogueScale, RatingsStayWithinZeroToHundredAndAreNotRounded) {
  const pd::KetamineModel model = io::load_model("ketamine", source_tree()).value();
  const auto vas = pd::find_scale(model.scales, "vas_anxiety").value();
  Assessments as;
  as.scales = {vas->scale};
  as.definitions = {*vas};
  for (double h : {0.0, 0.5, 1.0, 2.0, 4.0, 24.0, 72.0, 168.0}) {
    as.ratings.push_back(core::Hours(h));
  }
  protocol::Phase ketamine;
  ketamine.route = protocol::Route::Iv;
  ketamine.doses = {protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(1.0))};
  ketamine.infusion_duration = core::Hours(40.0 / 60.0);
  ketamine.schedule = protocol::interval_schedule(core::Hours(336.0), 2).value();
  const auto sessions = protocol::administrations(protocol::Regimen{{ketamine}}).value();
  const auto generator =
      population::PatientGenerator::create(model, population::PopulationSpec{}).value();
  int fractional = 0;
  int at_bounds = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const population::VirtualPatient patient = generator.draw(7, 0, i);
    ASSERT_EQ(patient.baseline.own.size(), 1u);
    EXPECT_GE(patient.baseline.own[0], 0.0);
    EXPECT_LE(patient.baseline.own[0], 100.0);
    const auto outcome = simulate_subject(patient, sessions, as, {}, 7, 0).value();
    for (const SessionOutcome& so : outcome.sessions) {
      std::vector<double> all = so.ratings[0];
      all.push_back(so.pre[0]);
      for (double v : all) {
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 100.0);
        fractional += v != std::round(v) ? 1 : 0;
        at_bounds += v == 0.0 || v == 100.0 ? 1 : 0;
      }
    }
  }
  EXPECT_GT(fractional, 4000) << "a continuous scale is not rounded";
  EXPECT_GT(at_bounds, 0) << "noise and large reductions reach the bounds, which clamp";
}

TEST(ScalePlacebo, AMultiplierOfOneIsTheModelsReductionBitForBit) {
  pd::ScaleDefinition d = pd::scale_definition(pd::Scale::HamA);
  const double drug = 0.3;
  const double placebo = 0.07;
  const double total = 1.0 - (1.0 - drug) * (1.0 - placebo);
  EXPECT_EQ(pd::scale_reduction(d, drug, placebo, total), total);
  d.model->placebo = 3.0;
  EXPECT_DOUBLE_EQ(pd::scale_reduction(d, drug, placebo, total), 1.0 - 0.7 * (1.0 - 0.21));
  d.model->placebo = 20.0;  // capped: the placebo share never exceeds all of the symptoms
  EXPECT_DOUBLE_EQ(pd::scale_reduction(d, drug, placebo, total), 1.0);
  d.model->placebo = 0.0;
  EXPECT_DOUBLE_EQ(pd::scale_reduction(d, drug, placebo, total), drug);
}

TEST(ScaleNoise, TheClinicsScalesKeepTheirSlots) {
  for (std::size_t s = 0; s < 8; ++s) {
    EXPECT_EQ(noise_slot(100, 3, static_cast<pd::Scale>(s)), 100 + 8 * 3 + s);
  }
  EXPECT_EQ(noise_slot(0, 3, static_cast<pd::Scale>(9)), (std::uint64_t{1} << 32) + 8 * 3 + 1);
}

}  // namespace
}  // namespace ketapath::trial
