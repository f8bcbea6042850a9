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

// A minimal valid model body: every parameter at the built-in default, with a source.
std::string full_model_text(std::string_view name = "t") {
  std::string text = fmt::format("[model]\nname = \"{}\"\n", name);
  const pd::KetamineParameters p;
  for (const auto& info : pd::parameter_table()) {
    text += fmt::format(
        "[parameters.{}]\nvalue = {}\nunit = \"{}\"\nsource = \"test\"\nevidence = \"verified\"\n",
        info.name, pd::get_parameter(p, info.id), info.unit);
  }
  return text;
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
