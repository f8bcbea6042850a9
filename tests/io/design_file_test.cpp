#include "io/design_file.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketapath::io {
namespace {

// A minimal valid design; tests edit one line of it.
const std::string kMinimal = R"(name = "mini"
[assessments]
scales = ["ham_a"]
ratings_h = [0, 1]
cadss_h = [0.5]
vitals_h = [0, 0.5]

[[arms]]
name = "k"
subjects = 4
  [[arms.phases]]
  route = "sc"
  doses_mg_per_kg = [0.25, 0.5]
  schedule = { every_days = 7, count = 2 }

[[endpoints]]
name = "red"
definition = "HAM-A reduction at 1 h after dose 2"
kind = "mean_reduction"
scale = "ham_a"
session = 2
at_h = 1
published = 0.3
tolerance = [0.1, 0.5]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  auto d = parse_design(text, "d.toml");
  if (d) {
    return "(parsed)";
  }
  EXPECT_EQ(d.error().code, core::ErrorCode::InvalidData);
  return d.error().message;
}

TEST(DesignFile, ParsesTheMinimalDesign) {
  const auto d = parse_design(kMinimal, "d.toml");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->name, "mini");
  EXPECT_EQ(d->model, "ketamine");
  ASSERT_EQ(d->arms.size(), 1u);
  const auto sessions = protocol::administrations(d->arms[0].regimen).value();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_DOUBLE_EQ(sessions[1].time.value(), 168.0);
  EXPECT_EQ(sessions[1].dose.describe(), "0.5 mg/kg");
  ASSERT_EQ(d->endpoints.size(), 1u);
  const trial::Endpoint& ep = d->endpoints[0];
  EXPECT_EQ(std::get<double>(*ep.published), 0.3);
  EXPECT_EQ(ep.tolerance, std::optional(std::pair(0.1, 0.5)));
  EXPECT_EQ(ep.items[0].session->number, 2);
}

TEST(DesignFile, ErrorsNameFileLineKeyAndValue) {
  EXPECT_EQ(error_of(replace(kMinimal, "tolerance = [0.1, 0.5]", "tolerance = [0.5, 0.1]")),
            "d.toml:24: endpoints[0].tolerance: must be [low, high] with low <= high (got [0.5, "
            "0.1])");
  EXPECT_EQ(error_of(replace(kMinimal, "subjects = 4", "subjects = 4\nsubjetcs = 5")),
            "d.toml:11: arms[0].subjetcs: unknown key");
  EXPECT_EQ(error_of(replace(kMinimal, "route = \"sc\"", "route = \"oral\"")),
            "d.toml:12: arms[0].phases[0].route: route: \"oral\" is not one of iv, sc, im, in, po, "
            "sl");
  EXPECT_EQ(error_of(replace(kMinimal, "at_h = 1\n", "at_h = \"1 h\"\n")),
            "d.toml:22: endpoints[0].at_h: must be a finite number (got \"1 h\")");
  EXPECT_EQ(
      error_of(replace(kMinimal, "definition = \"HAM-A reduction at 1 h after dose 2\"\n", "")),
      "d.toml:16: endpoints[0].definition: is required (a non-empty string)");
  EXPECT_EQ(error_of(replace(kMinimal, "scales = [\"ham_a\"]", "scales = [\"cadss\"]")),
            "d.toml:3: assessments.scales: \"cadss\" is not an anxiety scale of the model "
            "(ham_a, fq, gad7, "
            "lsas)");  // PHQ-9 is in the one scale registry but has no model mapping: a design
                       // cannot rate it.
  EXPECT_EQ(error_of(replace(kMinimal, "scales = [\"ham_a\"]", "scales = [\"phq9\"]")),
            "d.toml:3: assessments.scales: \"phq9\" is not an anxiety scale of the model "
            "(ham_a, fq, gad7, "
            "lsas)");
}

TEST(DesignFile, ScreeningIsExactOrNoisy) {
  const std::string base =
      replace(kMinimal, "[assessments]", "[population]\nscreening = \"noisy\"\n\n[assessments]");
  const auto noisy = parse_design(base, "d.toml");
  ASSERT_TRUE(noisy) << noisy.error().message;
  EXPECT_TRUE(noisy->population.noisy_screening);
  const auto exact = parse_design(kMinimal, "d.toml");
  ASSERT_TRUE(exact);
  EXPECT_FALSE(exact->population.noisy_screening);
  EXPECT_EQ(error_of(replace(base, "\"noisy\"", "\"fuzzy\"")),
            "d.toml:3: population.screening: expected \"exact\" (entry on the true severity) or "
            "\"noisy\" (on a noisy screening rating), got \"fuzzy\"");
}

TEST(DesignFile, AllocationIsParallelOrPaired) {
  EXPECT_EQ(parse_design(kMinimal, "d.toml")->allocation, trial::Allocation::Parallel);
  const std::string paired =
      replace(kMinimal, "name = \"mini\"", "name = \"mini\"\nallocation = \"paired\"");
  EXPECT_EQ(parse_design(paired, "d.toml")->allocation, trial::Allocation::Paired);
  EXPECT_EQ(error_of(replace(paired, "\"paired\"", "\"crossed\"")),
            "d.toml:2: allocation: expected \"parallel\" (each arm its own patients) or "
            "\"paired\" (every arm the same patients), got \"crossed\"");
}

TEST(DesignFile, DropoutIsAWeeklyProbability) {
  EXPECT_EQ(parse_design(kMinimal, "d.toml")->assessments.dropout_per_week, 0.0);
  const std::string with =
      replace(kMinimal, "vitals_h = [0, 0.5]", "vitals_h = [0, 0.5]\ndropout_per_week = 0.05");
  EXPECT_EQ(parse_design(with, "d.toml")->assessments.dropout_per_week, 0.05);
  EXPECT_EQ(error_of(replace(with, "0.05", "1.5")),
            "d.toml:7: assessments.dropout_per_week: must be a probability in [0, 1) (got 1.5)");
}

TEST(DesignFile, VitalsReadingErrorsAreTypedAndBounded) {
  const auto exact = parse_design(kMinimal, "d.toml");
  EXPECT_EQ(exact->assessments.sbp_reading_sd.value(), 0.0);
  EXPECT_EQ(exact->assessments.hr_reading_sd.value(), 0.0);
  const std::string with = replace(kMinimal, "vitals_h = [0, 0.5]",
                                   "vitals_h = [0, 0.5]\nsbp_reading_sd_mmhg = 4\n"
                                   "dbp_reading_sd_mmhg = 3\nhr_reading_sd_bpm = 2.5");
  const auto noisy = parse_design(with, "d.toml");
  ASSERT_TRUE(noisy.has_value()) << noisy.error().message;
  EXPECT_EQ(noisy->assessments.sbp_reading_sd.value(), 4.0);
  EXPECT_EQ(noisy->assessments.dbp_reading_sd.value(), 3.0);
  EXPECT_EQ(noisy->assessments.hr_reading_sd.value(), 2.5);
  EXPECT_EQ(error_of(replace(with, "= 2.5", "= -1")),
            "d.toml:9: assessments.hr_reading_sd_bpm: must be 0-30 (got -1)");
}

TEST(DesignFile, ScheduleFormsAndTheirErrors) {
  const auto weekly = parse_design(
      replace(kMinimal, "doses_mg_per_kg = [0.25, 0.5]\n  schedule = { every_days = 7, count = 2 }",
              "dose_mg = 35\n  schedule = { per_week = 2, weeks = 2 }"),
      "d.toml");
  ASSERT_TRUE(weekly.has_value()) << weekly.error().message;
  EXPECT_EQ(protocol::administrations(weekly->arms[0].regimen)->size(), 4u);
  const auto loading = parse_design(replace(kMinimal,
                                            "route = \"sc\"\n  doses_mg_per_kg = [0.25, 0.5]\n  "
                                            "schedule = { every_days = 7, count = 2 }",
                                            "route = \"iv\"\n  infusion_min = 40\n  dose_mg_per_kg "
                                            "= 0.5\n  schedule = { count = 6, per_week = 3 }"),
                                    "d.toml");
  ASSERT_TRUE(loading.has_value()) << loading.error().message;
  const auto sessions = protocol::administrations(loading->arms[0].regimen).value();
  ASSERT_EQ(sessions.size(), 6u);
  EXPECT_DOUBLE_EQ(sessions[5].time.value(), 11 * 24.0);
  EXPECT_DOUBLE_EQ(sessions[0].infusion_duration.value(), 40.0 / 60.0);

  EXPECT_NE(error_of(replace(kMinimal, "{ every_days = 7, count = 2 }", "{ every_days = 7 }"))
                .find("arms[0].phases[0].schedule: use one form"),
            std::string::npos);
  EXPECT_EQ(
      error_of(replace(kMinimal, "{ every_days = 7, count = 2 }", "{ per_week = 9, weeks = 2 }")),
      "d.toml:14: arms[0].phases[0].schedule: schedule: doses per week must be 1-7 (got 9)");
  EXPECT_NE(error_of(replace(kMinimal, "route = \"sc\"", "route = \"sc\"\n  infusion_min = 40"))
                .find("only iv doses can be infused"),
            std::string::npos);
}

TEST(DesignFile, ConsistencyErrorsComeFromValidationWithTheFileName) {
  EXPECT_EQ(error_of(replace(kMinimal, "session = 2", "session = 3")),
            "d.toml: endpoint \"red\": arm k has no session 3 (the regimen has 2 sessions)");
  EXPECT_EQ(error_of(replace(kMinimal, "at_h = 1\npub", "at_h = 2\npub")),
            "d.toml: endpoint \"red\": at_h 2 is not one of the rating times");
}

TEST(DesignFile, TomlSyntaxErrorsGiveTheLine) {
  const std::string message = error_of(replace(kMinimal, "subjects = 4", "subjects = = 4"));
  EXPECT_EQ(message.rfind("d.toml:10: ", 0), 0u) << message;
}

TEST(DesignFile, BundledDesignsLoadAndValidate) {
  // Every file in designs/, so that a new design is checked without editing this test.
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(KETAPATH_SOURCE_DIR) + "/designs")) {
    if (entry.path().extension() == ".toml") {
      names.push_back(entry.path().stem().string());
    }
  }
  EXPECT_GE(names.size(), 6u);
  // With the model each design names (a design may rate a scale only its model file defines).
  const auto dirs = DataDirectories::from(std::nullopt, std::nullopt, std::nullopt,
                                          std::filesystem::path(KETAPATH_SOURCE_DIR));
  for (const std::string& name : names) {
    auto loaded = load_design_with_model(
        std::string(KETAPATH_SOURCE_DIR) + "/designs/" + name + ".toml", std::nullopt, dirs);
    ASSERT_TRUE(loaded.has_value()) << name << ": " << loaded.error().message;
    const trial::Design* d = &loaded->design;
    EXPECT_EQ(d->name, name);
    EXPECT_FALSE(d->endpoints.empty());
    for (const auto& ep : d->endpoints) {
      EXPECT_FALSE(ep.definition.empty()) << name << "/" << ep.name;
    }
  }
  const auto missing = load_design_file("/nonexistent/x.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, core::ErrorCode::NotFound);  // exit 4, like a missing data set
}

}  // namespace
}  // namespace ketapath::io
