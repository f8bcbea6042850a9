// PD of the ketamine model: the predict acceptance numbers on the bundled model file, dose
// monotonicity, tolerance, the plasticity half-life and RK4 convergence, placebo, scale clamps.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "io/model_file.h"
#include "pd/ketamine_model.h"
#include "pd/rating_scales.h"

namespace ketapath::pd {
namespace {

using core::Hours;
using core::Milligrams;

KetamineModel bundled(std::string_view name) {
  const auto dirs = io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt,
                                              std::filesystem::path(KETAPATH_SOURCE_DIR));
  auto model = io::load_model(name, dirs);
  EXPECT_TRUE(model.has_value()) << model.error().message;
  return *model;
}

TimeCourse run(const KetamineParameters& p, const std::vector<Dose>& doses,
               const std::vector<Hours>& t, const SimulateOptions& o = {}) {
  auto course = simulate_ketamine(p, doses, t, o);
  EXPECT_TRUE(course.has_value()) << course.error().message;
  return *course;
}

Dose sc(double mg, double at_h = 0.0) {
  return {.time = Hours(at_h), .route = Route::Sc, .amount = Milligrams(mg)};
}

double peak(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

template <class Q>
double peak(const std::vector<Q>& v) {
  double m = 0.0;
  for (const auto& x : v) {
    m = std::max(m, x.value());
  }
  return m;
}

TEST(KetaminePdTest, PredictAcceptanceIv05MgPerKgOver40Minutes) {
  // Issue 3 acceptance: peak ketamine 150-230 ng/mL; CADSS below 20% of its peak by 2 h after the
  // end of the infusion. Same grid as `ketapath predict` (5 min).
  const KetamineModel model = bundled("ketamine");
  const KetamineParameters p = individualize(model, SubjectCovariates{});
  const auto t = time_grid(Hours(24.0), Hours(5.0 / 60.0));
  const auto c = run(p,
                     {{.time = Hours(0.0),
                       .route = Route::Iv,
                       .amount = Milligrams(35.0),
                       .duration = Hours(40.0 / 60.0)}},
                     t);
  const double cmax_ng_ml = peak(c.ketamine) * 1000.0;
  EXPECT_GE(cmax_ng_ml, 150.0);
  EXPECT_LE(cmax_ng_ml, 230.0);
  const double cadss_peak = peak(c.cadss);
  EXPECT_GT(cadss_peak, 1.0);
  const std::size_t two_hours_after_end = 32;  // (40 + 120) min / 5 min
  ASSERT_NEAR(t[two_hours_after_end].value(), 160.0 / 60.0, 1e-12);
  for (std::size_t i = two_hours_after_end; i < t.size(); ++i) {
    EXPECT_LT(c.cadss[i], 0.2 * cadss_peak) << "t = " << t[i].value();
  }
  // Reference s9 #14 (beta half-life 1.8-3.5 h) and #18 (peak SBP 25-50 min, 5-16 mmHg).
  const double beta = std::log(c.ketamine[96].value() / c.ketamine[144].value()) / 4.0;
  EXPECT_GT(std::numbers::ln2 / beta, 1.8);
  EXPECT_LT(std::numbers::ln2 / beta, 3.5);
  const auto sbp_peak = std::max_element(c.dsbp.begin(), c.dsbp.end()) - c.dsbp.begin();
  EXPECT_GE(t[static_cast<std::size_t>(sbp_peak)].value() * 60.0, 25.0);
  EXPECT_LE(t[static_cast<std::size_t>(sbp_peak)].value() * 60.0, 50.0);
  EXPECT_GE(peak(c.dsbp), 5.0);
  EXPECT_LE(peak(c.dsbp), 16.0);
}

TEST(KetaminePdTest, TypicalValuesOfTheFileEqualTheStructDefaults) {
  const KetamineModel model = bundled("ketamine");
  const KetamineParameters defaults;
  for (const auto& info : parameter_table()) {
    EXPECT_NEAR(get_parameter(model.typical, info.id), get_parameter(defaults, info.id),
                1e-12 * std::max(1.0, std::abs(get_parameter(defaults, info.id))))
        << info.name;
  }
}

TEST(KetaminePdTest, EffectsIncreaseStrictlyWithDose) {
  // Glue 2017: anxiolysis, dissociation, BP and HR dose-related over 0.25 < 0.5 < 1 mg/kg SC.
  const KetamineParameters p;
  const auto t = time_grid(Hours(170.0), Hours(5.0 / 60.0));
  std::vector<TimeCourse> courses;
  for (double mg_per_kg : {0.25, 0.5, 1.0}) {
    courses.push_back(run(p, {sc(70.0 * mg_per_kg)}, t));
  }
  const std::size_t one_hour = 12;
  const std::size_t seven_days = 168 * 12;
  for (std::size_t i = 1; i < courses.size(); ++i) {
    const auto& lo = courses[i - 1];
    const auto& hi = courses[i];
    EXPECT_GT(peak(hi.cadss), peak(lo.cadss));
    EXPECT_GT(peak(hi.dsbp), peak(lo.dsbp));
    EXPECT_GT(peak(hi.ddbp), peak(lo.ddbp));
    EXPECT_GT(peak(hi.dhr), peak(lo.dhr));
    EXPECT_GT(hi.drug_reduction[one_hour], lo.drug_reduction[one_hour]);
    EXPECT_GT(hi.drug_reduction[seven_days], lo.drug_reduction[seven_days]);
  }
  // Reference s9 #2-#4 on the typical patient: 1-h reduction <= 20% at 0.25, > 20% at 1 mg/kg,
  // 7-day reduction after 1 mg/kg > 5%.
  EXPECT_LE(courses[0].total_reduction[one_hour], 0.20);
  EXPECT_GT(courses[2].total_reduction[one_hour], 0.20);
  EXPECT_GT(courses[2].drug_reduction[seven_days], 0.05);
}

TEST(KetaminePdTest, ToleranceReducesDissociationOnRepeatedDosing) {
  const KetamineParameters p;
  std::vector<Dose> doses;
  for (int week = 0; week < 14; ++week) {
    doses.push_back(sc(70.0, week * 168.0));
  }
  std::vector<Hours> t;
  for (double h = 0.0; h <= 2.0; h += 1.0 / 60.0) {
    t.emplace_back(h);
  }
  for (double h = 0.0; h <= 2.0; h += 1.0 / 60.0) {
    t.emplace_back(13 * 168.0 + h);
  }
  const auto c = run(p, doses, t);
  const std::size_t half = t.size() / 2;
  const double first = *std::max_element(c.cadss.begin(), c.cadss.begin() + half);
  const double last = *std::max_element(c.cadss.begin() + half, c.cadss.end());
  EXPECT_LT(last, 0.6 * first);
  EXPECT_GT(last, p.tolerance_floor * first * 0.999);  // never below the floor
  // Haemodynamics show no tolerance (Riva-Posse 2018): same peak after dose 14 as after dose 1.
  EXPECT_NEAR(peak(std::vector(c.dsbp.begin() + half, c.dsbp.end())),
              peak(std::vector(c.dsbp.begin(), c.dsbp.begin() + half)), 0.05);
}

TEST(KetaminePdTest, PlasticityDecaysWithItsHalfLife) {
  const KetamineParameters p;
  // Long after the dose g(Ce) ~ 0, so S(t + t1/2) = S(t) / 2 up to the residual drive (Ce at
  // 72 h is ~1e-9 of EC50, g ~ 1e-17).
  const std::vector<Hours> t{Hours(72.0), Hours(72.0 + p.s_t12.value())};
  const auto c = run(p, {sc(70.0)}, t);
  ASSERT_GT(c.sustained[0], 0.05);
  EXPECT_NEAR(c.sustained[1] / c.sustained[0], 0.5, 1e-9);
}

TEST(KetaminePdTest, PlasticityIntegrationHasConverged) {
  // Halving both RK4 substeps changes S by < 1e-8 (fourth order: the error of the default steps
  // is ~16/15 of this difference).
  const KetamineParameters p;
  const std::vector<Hours> t{Hours(1.0), Hours(6.0), Hours(24.0)};
  SimulateOptions fine;
  fine.fine_step = Hours(0.5 / 60.0);
  fine.coarse_step = Hours(0.125);
  const auto a = run(p, {sc(70.0)}, t);
  const auto b = run(p, {sc(70.0)}, t, fine);
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_NEAR(a.sustained[i], b.sustained[i], 1e-8);
  }
}

TEST(KetaminePdTest, PlaceboSessionGivesOnlyAPlaceboResponse) {
  const KetamineParameters p;
  const std::vector<Hours> t{Hours(0.0), Hours(1.0), Hours(25.0)};
  const auto c = run(p, {sc(0.0)}, t);
  EXPECT_EQ(c.placebo[0], 0.0);  // pre-dose
  EXPECT_NEAR(c.placebo[1], p.placebo_max * std::exp2(-1.0 / 24.0), 1e-12);
  EXPECT_NEAR(c.placebo[2], p.placebo_max * 0.5 * std::exp2(-1.0 / 24.0), 1e-12);
  EXPECT_EQ(c.drug_reduction[1], 0.0);
  EXPECT_EQ(c.cadss[1], 0.0);
  EXPECT_EQ(c.doses_before[2], 0);
}

TEST(KetaminePdTest, ScalesHaveMachineNamesAndPublishedLabels) {
  EXPECT_EQ(scale_name(Scale::HamA), "ham_a");
  EXPECT_EQ(scale_label(Scale::HamA), "HAM-A");
  EXPECT_EQ(scale_label(Scale::Gad7), "GAD-7");
  EXPECT_EQ(parse_scale("lsas"), Scale::Lsas);
  // The one parser takes a design's name, a clinic record's name and the label, case ignored.
  EXPECT_EQ(parse_scale("HAM-A"), Scale::HamA);
  EXPECT_EQ(parse_scale("ham-a"), Scale::HamA);
  EXPECT_EQ(parse_scale("Gad7"), Scale::Gad7);
  EXPECT_EQ(parse_scale("phq-9"), Scale::Phq9);
  EXPECT_EQ(scale_record_name(Scale::Phq9), "phq-9");
}

TEST(KetaminePdTest, ScalesClampToTheirRanges) {
  const KetamineParameters p;
  EXPECT_EQ(expected_score(p, Scale::HamA, 30.0, 2.0), 0.0);
  EXPECT_EQ(expected_score(p, Scale::HamA, 80.0, 0.0), 56.0);
  EXPECT_EQ(observed_score(p, Scale::Gad7, 20.0, 50.0), 21.0);
  EXPECT_EQ(observed_score(p, Scale::Lsas, 10.0, -50.0), 0.0);
  EXPECT_EQ(observed_score(p, Scale::Fq, 50.2, 0.0), 50.0);  // whole points
  EXPECT_EQ(clamp_to_scale(Scale::Cadss, 120.0), 92.0);
  EXPECT_NEAR(expected_score(p, Scale::HamA, 25.0, 0.5), 25.0 * (1.0 - 0.8 * 0.5), 1e-12);
  EXPECT_EQ(scale_range(Scale::Lsas).max, 144.0);
  EXPECT_EQ(parse_scale("gad7"), Scale::Gad7);
  ASSERT_FALSE(parse_scale("madrs"));
  EXPECT_EQ(parse_scale("madrs").error().message,
            "scale: \"madrs\" is not one of ham-a, fq, gad-7, lsas, cadss, phq-9");
  // Even an enormous dose keeps CADSS within 0-92 and reductions within 0-1.
  const auto c = run(p, {{.time = Hours(0.0), .route = Route::Iv, .amount = Milligrams(5000.0)}},
                     time_grid(Hours(2.0), Hours(0.1)));
  for (std::size_t i = 0; i < c.time.size(); ++i) {
    EXPECT_LE(c.cadss[i], 92.0);
    EXPECT_LE(c.total_reduction[i], 1.0);
    EXPECT_GE(c.total_reduction[i], 0.0);
  }
}

}  // namespace
}  // namespace ketapath::pd
