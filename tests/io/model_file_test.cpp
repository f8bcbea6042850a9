// Model files: the bundled model and presets load with sources and variability; every error
// names the file, the key and the value; bare names follow the lookup order.

#include "io/model_file.h"

#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

namespace ketapath::io {
namespace {

namespace fs = std::filesystem;

DataDirectories source_tree() {
  return DataDirectories::from(std::nullopt, std::nullopt, std::nullopt,
                               fs::path(KETAPATH_SOURCE_DIR));
}

// The clinic's six scales as [[scales]] tables (a model without `base` must give them).
std::string builtin_scales_text() {
  std::string text;
  for (const pd::ScaleDefinition& d : pd::scale_definitions()) {
    text += fmt::format(
        "[[scales]]\nname = \"{}\"\nlabel = \"{}\"\nrater = \"{}\"\nitems = {}\n"
        "item_range = [{}, {}]\nrecall_days = {}\nsource = \"test\"\nevidence = \"verified\"\n",
        d.name, d.label, pd::rater_name(d.rater), d.items, d.item_min, d.item_max, d.recall_days);
    if (!d.loinc_total.empty()) {
      text += fmt::format("loinc = \"{}\"\n", d.loinc_total);
    }
    if (!d.model) {
      text += "rates = \"none\"\n";
      continue;
    }
    text += fmt::format("rates = \"{}\"\nnoise_sd = \"{}\"\n",
                        d.model->from_reduction ? "anxiolysis" : "cadss",
                        pd::parameter_info(*d.model->noise_sd.parameter).name);
    if (d.model->from_reduction) {
      text += fmt::format("sensitivity = \"{}\"\n",
                          pd::parameter_info(*d.model->sensitivity.parameter).name);
    }
  }
  return text;
}

// A minimal valid model body: every parameter at the built-in default, with a source.
std::string full_model_text(std::string_view name = "t") {
  std::string text = fmt::format("[model]\nname = \"{}\"\n", name);
  const pd::KetamineParameters p;
  for (const auto& info : pd::parameter_table()) {
    text += fmt::format(
        "[parameters.{}]\nvalue = {}\nunit = \"{}\"\nsource = \"test\"\nevidence = \"verified\"\n",
        info.name, pd::get_parameter(p, info.id), info.unit);
  }
  return text + builtin_scales_text();
}

std::string error_of(std::string_view text) {
  auto model = parse_model(text, "x.toml", source_tree());
  EXPECT_FALSE(model.has_value());
  return model ? "" : model.error().message;
}

TEST(ModelFileTest, BundledDefaultLoadsWithSourcesAndVariability) {
  auto model = load_model("ketamine", source_tree());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->name, "ketamine");
  EXPECT_EQ(model->sources.size(), pd::parameter_table().size());
  for (const auto& [id, source] : model->sources) {
    EXPECT_FALSE(source.citation.empty()) << pd::parameter_info(id).name;
    EXPECT_TRUE(source.evidence == "verified" || !source.how.empty())
        << pd::parameter_info(id).name;
  }
  ASSERT_FALSE(model->etas.empty());
  // ng/mL in the file, mg/L inside.
  EXPECT_NEAR(model->typical.cadss_ec50.value(), 0.240, 1e-12);
  // Days in the file, hours inside.
  EXPECT_NEAR(model->typical.s_t12.value(), 168.0, 1e-12);
  for (std::size_t i = 0; i < model->etas.size(); ++i) {
    const auto& eta = model->etas[i];
    if (eta.transform == pd::EtaTransform::LogNormal) {
      EXPECT_NEAR(model->omega(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)),
                  std::log1p(eta.cv * eta.cv), 1e-14);
    }
  }
  ASSERT_EQ(model->correlations.size(), 1u);
}

TEST(ModelFileTest, PresetsOverrideTheBaseModel) {
  auto herd = load_model("herd2007", source_tree());
  ASSERT_TRUE(herd) << herd.error().message;
  EXPECT_EQ(herd->typical.v1.value(), 38.7);
  EXPECT_EQ(herd->typical.cl.value(), 90.0);
  EXPECT_NEAR(herd->typical.ke0.value(), 5.0, 1e-12);  // inherited
  auto domino = load_model("domino", source_tree());
  ASSERT_TRUE(domino) << domino.error().message;
  EXPECT_GT(domino->typical.q3.value(), 0.0);
  auto esketamine = load_model("perez_ruixo_esketamine", source_tree());
  ASSERT_TRUE(esketamine) << esketamine.error().message;
  EXPECT_EQ(esketamine->typical.v1.value(), 192.0);
}

TEST(ModelFileTest, FullTextParses) {
  auto model = parse_model(full_model_text(), "x.toml", source_tree());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_TRUE(model->etas.empty());
}

TEST(ModelFileTest, ErrorsNameFileKeyAndValue) {
  const std::string base = "[model]\nname = \"t\"\nbase = \"ketamine\"\n";
  EXPECT_EQ(error_of(base + "[parameters.CL]\nvalue = \"abc\"\nunit = \"L/h\"\n"),
            "x.toml: parameters.CL.value: must be a number (got \"abc\")");
  EXPECT_EQ(error_of(base + "[parameters.CLX]\nvalue = 1\n"),
            "x.toml: parameters.CLX: unknown parameter \"CLX\" (see docs/model.md for the names)");
  EXPECT_EQ(error_of(base + "[parameters.CL]\nvalue = 79\nunit = \"mg\"\nsource = \"s\"\n"
                            "evidence = \"verified\"\n"),
            "x.toml: parameters.CL.unit: \"mg\" is not a unit of CL (expected \"L/h\")");
  EXPECT_NE(error_of(base + "[parameters.CL]\nvalue = 79\nunit = \"L/h\"\n").find("source"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[parameters.CL]\nvalue = 79\nunit = \"L/h\"\nsource = \"s\"\n"
                            "evidence = \"estimated\"\n")
                .find("parameters.CL.how"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[parameters.CL]\nvalue = -1\nunit = \"L/h\"\nsource = \"s\"\n"
                            "evidence = \"verified\"\n")
                .find("CL must be > 0 L/h (got -1 L/h)"),
            std::string::npos);
  EXPECT_NE(error_of("[model]\nname = \"t\"\n").find("parameters.CL: missing"), std::string::npos);
  EXPECT_NE(error_of("[model]\nname = \"t\"\nbase = \"nope\"\n").find("nope"), std::string::npos);
  EXPECT_NE(error_of("[model\n").find("x.toml:1"), std::string::npos);
  EXPECT_NE(error_of(base + "[[correlations]]\na = \"CL\"\nb = \"Q3\"\nr = 0.5\n").find("Q3"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[[correlations]]\na = \"CL\"\nb = \"V1\"\nr = 1.5\n").find("1.5"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[extra]\n").find("extra"), std::string::npos);
  EXPECT_NE(error_of(base + "[parameters.F_SC]\nvalue = 0.9\nunit = \"1\"\ncv = 0.1\n"
                            "source = \"s\"\nevidence = \"verified\"\n")
                .find("F_SC is a fraction, so its variability must be \"logit\""),
            std::string::npos);
}

TEST(ModelFileTest, BundledScalesAreTheClinicsSixThenTheFilesOwn) {
  auto model = load_model("ketamine", source_tree());
  ASSERT_TRUE(model) << model.error().message;
  ASSERT_EQ(model->scales.size(), pd::kScaleCount + 1);
  for (std::size_t i = 0; i < pd::kScaleCount; ++i) {
    EXPECT_EQ(model->scales[i], pd::scale_definitions()[i]) << model->scales[i].name;
  }
  const pd::ScaleDefinition& vas = model->scales[pd::kScaleCount];
  EXPECT_EQ(vas.name, "vas_anxiety");
  EXPECT_EQ(vas.scale, static_cast<pd::Scale>(pd::kScaleCount));
  EXPECT_EQ(vas.record_name, "vas-anxiety");
  EXPECT_EQ(vas.rater, pd::Rater::Self);
  EXPECT_TRUE(vas.continuous);
  EXPECT_EQ(vas.items, 0);
  EXPECT_EQ(vas.total_min, 0);
  EXPECT_EQ(vas.total_max, 100);
  ASSERT_TRUE(vas.model && vas.model->baseline);
  EXPECT_EQ(vas.model->sensitivity, (pd::ScaleValue{std::nullopt, 1.0}));
  EXPECT_EQ(vas.model->noise_sd, (pd::ScaleValue{std::nullopt, 10.0}));
  // Presets inherit them.
  auto herd = load_model("herd2007", source_tree());
  ASSERT_TRUE(herd) << herd.error().message;
  EXPECT_EQ(herd->scales, model->scales);
  // The built-in model (no file) has the clinic's six.
  EXPECT_EQ(pd::default_ketamine_model().scales.size(), pd::kScaleCount);
}

TEST(ModelFileTest, AScaleIsAddedOrReplacedByName) {
  const std::string base = "[model]\nname = \"t\"\nbase = \"ketamine\"\n";
  const std::string calm =
      "[[scales]]\nname = \"calm\"\nlabel = \"CALM-5\"\nrater = \"clinician\"\nitems = 5\n"
      "item_range = [1, 5]\nrates = \"anxiolysis\"\nsensitivity = 0.7\nnoise_sd = \"SD_GAD7\"\n"
      "placebo = 0.5\nbaseline = { mean = 18, sd = 3, min = 5, max = 25 }\nsource = \"test\"\n"
      "evidence = \"estimated\"\nhow = \"test\"\n";
  auto model = parse_model(base + calm, "x.toml", source_tree());
  ASSERT_TRUE(model) << model.error().message;
  ASSERT_EQ(model->scales.size(), pd::kScaleCount + 2);
  const pd::ScaleDefinition& c = model->scales.back();
  EXPECT_EQ(c.scale, static_cast<pd::Scale>(pd::kScaleCount + 1));
  EXPECT_EQ(c.record_name, "calm-5");
  EXPECT_EQ(c.total_min, 5);
  EXPECT_EQ(c.total_max, 25);
  EXPECT_EQ(c.model->placebo, 0.5);
  EXPECT_EQ(c.model->noise_sd.parameter, pd::ParameterId::SD_GAD7);
  // Redefining vas_anxiety keeps its identity.
  auto vas = parse_model(base +
                             "[[scales]]\nname = \"vas_anxiety\"\nlabel = \"VAS-A\"\n"
                             "record_name = \"vas-anxiety\"\nrater = \"self\"\n"
                             "continuous = true\nrange = [0, 10]\nrates = \"anxiolysis\"\n"
                             "sensitivity = 1\nnoise_sd = 1\n"
                             "baseline = { mean = 5, sd = 2, min = 0, max = 10 }\n"
                             "source = \"s\"\nevidence = \"verified\"\n",
                         "x.toml", source_tree());
  ASSERT_TRUE(vas) << vas.error().message;
  ASSERT_EQ(vas->scales.size(), pd::kScaleCount + 1);
  EXPECT_EQ(vas->scales.back().total_max, 10);
}

TEST(ModelFileTest, BadScaleDefinitionsNameTheFileTheScaleAndTheField) {
  const std::string base = "[model]\nname = \"t\"\nbase = \"ketamine\"\n";
  const std::string head = "[[scales]]\nname = \"calm\"\nlabel = \"CALM\"\nrater = \"self\"\n";
  const std::string tail = "source = \"s\"\nevidence = \"verified\"\n";
  const std::string ok_model =
      "rates = \"anxiolysis\"\nsensitivity = 1\nnoise_sd = 2\n"
      "baseline = { mean = 50, sd = 10, min = 0, max = 100 }\n";
  const std::string continuous = "continuous = true\nrange = [0, 100]\n";
  EXPECT_EQ(error_of(base + head + continuous +
                     "rates = \"anxiolysis\"\nsensitivity = 1\nnoise_sd = -1\n" + tail),
            "x.toml: scales[0] (calm).noise_sd must be >= 0 points (got -1 points)");
  EXPECT_EQ(error_of(base + head + continuous +
                     "rates = \"anxiolysis\"\nsensitivity = 1\nnoise_sd = 2\n" + tail),
            "x.toml: scales[0] (calm).baseline: missing (virtual patients need an untreated "
            "score {mean, sd, min, max} on a model file's own scale)");
  EXPECT_EQ(error_of(base + head + continuous + ok_model + "colour = 1\n" + tail),
            "x.toml: scales[0] (calm).colour: unknown key (expected name, label, record_name, "
            "rater, continuous, items, item_range, range, loinc, recall_days, rates, "
            "sensitivity, noise_sd, placebo, baseline, source, evidence, how)");
  EXPECT_EQ(error_of(base + head + continuous + ok_model + "placebo = 20\n" + tail),
            "x.toml: scales[0] (calm).placebo must be 0-10 (got 20)");
  EXPECT_EQ(error_of(base + head + continuous +
                     "rates = \"anxiolysis\"\nsensitivity = \"NOPE\"\nnoise_sd = 2\n" + tail),
            "x.toml: scales[0] (calm).sensitivity: \"NOPE\" is not a model parameter (give a "
            "parameter name or a number)");
  EXPECT_EQ(error_of(base + head + continuous +
                     "rates = \"anxiolysis\"\nsensitivity = \"SD_FQ\"\nnoise_sd = 2\n" + tail),
            "x.toml: scales[0] (calm).sensitivity: parameter SD_FQ has unit \"points\" (expected "
            "\"1\")");
  EXPECT_EQ(error_of(base + head + continuous + "rates = \"mood\"\n" + tail),
            "x.toml: scales[0] (calm).rates: must be \"anxiolysis\", \"cadss\" or \"none\" (got "
            "\"mood\")");
  EXPECT_EQ(error_of(base + head + "items = 5\n" + ok_model + tail),
            "x.toml: scales[0] (calm).item_range: missing (an itemised scale needs items and "
            "item_range; a visual-analogue scale says continuous = true)");
  EXPECT_EQ(
      error_of(base + head + "items = 5\nitem_range = [0, 4]\nrange = [0, 30]\n" + ok_model + tail),
      "x.toml: scales[0] (calm).range: must be [0, 20] (5 items x item_range; got [0, 30])");
  EXPECT_EQ(error_of(base + head + "continuous = true\nrange = [0, 10]\n" + ok_model + tail),
            "x.toml: scales[0] (calm).baseline: min < max within the range [0, 10] (got min 0, "
            "max 100)");
  EXPECT_EQ(error_of(base + head + continuous + ok_model + "source = \"s\"\n"),
            "x.toml: scales[0] (calm).evidence: must be \"verified\" or \"estimated\"");
  EXPECT_EQ(error_of(base + "[[scales]]\nlabel = \"X\"\n"), "x.toml: scales[0].name: missing");
  EXPECT_EQ(error_of(base + "[[scales]]\nname = \"Calm Scale\"\n"),
            "x.toml: scales[0] (Calm Scale).name: must be lower-case letters, digits and _ (got "
            "\"Calm "
            "Scale\")");
  // The clinic's scales are fixed instruments.
  EXPECT_EQ(error_of(base +
                     "[[scales]]\nname = \"ham_a\"\nlabel = \"HAM-A\"\n"
                     "rater = \"clinician\"\nitems = 12\nitem_range = [0, 4]\n"
                     "rates = \"anxiolysis\"\nsensitivity = \"SENS_HAMA\"\n"
                     "noise_sd = \"SD_HAMA\"\n" +
                     tail),
            "x.toml: scales[0] (ham_a).items: differs from the clinic's HAM-A (its scales are "
            "fixed instruments; define a scale under a new name instead)");
  EXPECT_EQ(error_of(base + head + "record_name = \"gad-7\"\n" + continuous + ok_model + tail),
            "x.toml: scales[0] (calm).record_name: \"gad-7\" / label \"CALM\" is already scale "
            "gad7's");
  // A model without `base` gives the clinic's six.
  std::string no_scales = full_model_text();
  no_scales.erase(no_scales.find("[[scales]]"));
  EXPECT_EQ(error_of(no_scales),
            "x.toml: scales: ham_a missing (a model without `base` must define the clinic's "
            "scales ham_a, fq, gad7, lsas, cadss, phq9)");
  EXPECT_EQ(error_of("scales = 3\n" + base),
            "x.toml: scales: must be an array of tables ([[scales]])");
}

TEST(ModelFileTest, UncertaintyIsReadAndEveryErrorNamesTheField) {
  const std::string base = "[model]\nname = \"t\"\nbase = \"ketamine\"\n";
  const std::string good =
      "[uncertainty]\nsource = \"test fit\"\nparameters = [\"ANX_EC50\", \"S_KON\"]\n"
      "log_covariance = [[0.04, -0.01], [-0.01, 0.09]]\n";
  auto model = parse_model(base + good, "x.toml", source_tree());
  ASSERT_TRUE(model) << model.error().message;
  ASSERT_TRUE(model->uncertainty);
  EXPECT_EQ(model->uncertainty->source, "test fit");
  ASSERT_EQ(model->uncertainty->parameters.size(), 2u);
  EXPECT_EQ(model->uncertainty->parameters[1], pd::ParameterId::S_KON);
  EXPECT_DOUBLE_EQ(model->uncertainty->log_covariance(1, 0), -0.01);

  const auto with = [&](std::string_view parameters, std::string_view matrix) {
    return error_of(
        fmt::format("{}[uncertainty]\nsource = \"s\"\nparameters = {}\n"
                    "log_covariance = {}\n",
                    base, parameters, matrix));
  };
  EXPECT_EQ(with("[\"ANX_EC50\", \"NOPE\"]", "[[1, 0], [0, 1]]"),
            "x.toml: uncertainty.parameters[2]: unknown parameter \"NOPE\"");
  EXPECT_EQ(with("[\"ANX_EC50\"]", "[[1, 0], [0, 1]]"),
            "x.toml: uncertainty.log_covariance: has 2 rows but 1 parameters are named");
  EXPECT_EQ(with("[\"ANX_EC50\", \"S_KON\"]", "[[1, 0], [0]]"),
            "x.toml: uncertainty.log_covariance[2]: has 1 values but needs 2");
  EXPECT_EQ(with("[\"ANX_EC50\", \"S_KON\"]", "[[1, \"a\"], [0, 1]]"),
            "x.toml: uncertainty.log_covariance[1][2]: must be a number (got \"a\")");
  EXPECT_EQ(with("[\"ANX_EC50\", \"S_KON\"]", "[[1, 0.5], [0.4, 1]]"),
            "x.toml: uncertainty: log_covariance is not symmetric ([1][2] = 0.5 but [2][1] = "
            "0.4)");
  EXPECT_EQ(with("[\"ANX_EC50\", \"S_KON\"]", "[[1, 2], [2, 1]]"),
            "x.toml: uncertainty: log_covariance is not positive definite");
  EXPECT_EQ(with("[\"ANX_EC50\", \"ANX_EC50\"]", "[[1, 0], [0, 1]]"),
            "x.toml: uncertainty: ANX_EC50 is named twice");
  EXPECT_EQ(error_of(base + "[uncertainty]\nparameters = [\"S_KON\"]\nlog_covariance = [[1]]\n"),
            "x.toml: uncertainty.source: missing (say where the covariance comes from)");
  EXPECT_EQ(error_of(base + "[uncertainty]\nsource = \"s\"\nsd = 1\n"),
            "x.toml: uncertainty.sd: unknown key (expected source, parameters, log_covariance)");
}

TEST(ModelFileTest, LookupOrderPrefersTheDataDirectory) {
  const fs::path dir = fs::temp_directory_path() / "ketapath_model_file_test";
  fs::create_directories(dir / "models");
  {
    std::ofstream out(dir / "models" / "ketamine.toml");
    out << full_model_text("override");
  }
  const auto dirs =
      DataDirectories::from(dir, std::nullopt, std::nullopt, fs::path(KETAPATH_SOURCE_DIR));
  auto model = load_model("ketamine", dirs);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->name, "override");
  auto missing = resolve_data_file("absent", "models", dirs);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::NotFound);
  EXPECT_NE(missing.error().message.find((dir / "models" / "absent.toml").string()),
            std::string::npos);
  // An explicit path is used as is.
  auto by_path = load_model((dir / "models" / "ketamine.toml").string(), source_tree());
  ASSERT_TRUE(by_path) << by_path.error().message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ketapath::io
