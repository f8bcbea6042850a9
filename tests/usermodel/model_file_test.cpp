// Model files with mistakes: every error names the file, the line and the symbol or key.

#include "usermodel/model_file.h"

#include <string>

#include <gtest/gtest.h>

#include "usermodel/user_model.h"

namespace ketapath::usermodel {
namespace {

const char* kGood = R"([model]
name = "one"
structure = "one_cmt"

[[theta]]
name = "TVCL"
value = 5
unit = "L/h"
source = "assumed"

[[theta]]
name = "TVV"
value = 50
unit = "L"
source = "assumed"

[[covariate]]
name = "WT"
unit = "kg"

[omega]
etas = ["ETA_CL"]
diagonal = [0.09]
source = "assumed"

[pk]
code = '''
CL = TVCL * (WT/70)^0.75 * exp(ETA(1))
V = TVV
'''
)";

core::Result<std::unique_ptr<UserModel>> build(const std::string& text) {
  auto definition = KETAPATH_TRY(parse_model_file(text, "m.toml"));
  return UserModel::create(std::move(definition));
}

std::string error_of(const std::string& text) {
  auto model = build(text);
  EXPECT_FALSE(model);
  return model ? std::string() : model.error().message;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(UserModelFile, TheGoodFileCompiles) {
  auto model = build(kGood);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ((*model)->name(), "one");
  ASSERT_EQ((*model)->etas().size(), 1u);
  EXPECT_EQ((*model)->omega()(0, 0), 0.09);
}

TEST(UserModelFile, AnUnknownSymbolNamesFileLineAndSymbol) {
  EXPECT_EQ(error_of(replace(kGood, "(WT/70)", "(WTT/70)")),
            "m.toml:28: pk: \"CL = TVCL * (WTT/70)^0.75 * exp(ETA(1))\": unknown symbol \"WTT\" "
            "(not a THETA, covariate, ETA, amount or earlier assignment)");
}

TEST(UserModelFile, AVariableUsedBeforeItIsAssignedIsNamed) {
  const std::string text = replace(kGood, "V = TVV", "V = TVV * K\nK = 1");
  EXPECT_NE(error_of(text).find("m.toml:29: pk: \"V = TVV * K\": \"K\" is used before it is "
                                "assigned"),
            std::string::npos)
      << error_of(text);
}

TEST(UserModelFile, AMissingStructuralParameterIsNamed) {
  EXPECT_EQ(error_of(replace(kGood, "V = TVV", "VC = TVV")),
            "m.toml: pk: never sets V; structure one_cmt needs CL (L/h), V (L)");
}

TEST(UserModelFile, ASyntaxErrorNamesTheLine) {
  EXPECT_NE(error_of(replace(kGood, "V = TVV", "V = TVV *")).find("m.toml:29: pk: \"V = TVV *\":"),
            std::string::npos);
}

TEST(UserModelFile, AParameterWithoutSourceIsRefused) {
  EXPECT_EQ(
      error_of(replace(kGood, "source = \"assumed\"\n\n[[theta]]", "source = \"\"\n\n[[theta]]")),
      "m.toml:5: theta[1].source: every parameter carries its source (a citation, or "
      "\"assumed: why\")");
}

TEST(UserModelFile, ANameMuparserCannotTakeIsRefusedWhereItIsDefined) {
  // Found by the fuzzer (tests/fuzz/corpus/user_model_toml/regression-reserved-name): a 103-letter
  // THETA name made muparser throw past the compiler.
  const std::string long_name(120, 'P');
  const std::string message =
      error_of(replace(kGood, "name = \"TVV\"", "name = \"" + long_name + "\""));
  EXPECT_EQ(message.rfind("m.toml:11: \"" + long_name + "\" cannot name a variable: ", 0), 0u)
      << message;
}

TEST(UserModelFile, OmegaMustBePositiveDefinite) {
  const std::string text = replace(replace(kGood, "etas = [\"ETA_CL\"]", "etas = [\"A\", \"B\"]"),
                                   "diagonal = [0.09]", "block = [0.09, 0.2, 0.04]");
  EXPECT_NE(error_of(text).find("omega.block: OMEGA is not positive definite"), std::string::npos)
      << error_of(text);
}

TEST(UserModelFile, UnknownStructureAndOdeWithoutDerivatives) {
  const std::string unknown = error_of(replace(kGood, "\"one_cmt\"", "\"five_cmt\""));
  EXPECT_NE(unknown.find("m.toml:3: model.structure: \"five_cmt\" is not a catalogue model"),
            std::string::npos)
      << unknown;
  std::string ode = replace(kGood, "structure = \"one_cmt\"", "compartments = [\"central\"]");
  ode += "\n[des]\ncode = \"X = 1\"\n\n[output]\nipred = \"A(1)/V\"\n";
  EXPECT_EQ(error_of(ode), "m.toml: des: DADT(1) (compartment central) is never assigned");
}

TEST(UserModelFile, ACovariateMissingFromTheDataIsNamed) {
  auto model = build(kGood);
  ASSERT_TRUE(model);
  pk::SubjectTimeline s;
  s.id = "7";
  s.records.push_back({});
  auto bound = (*model)->bind(s, {}, {});
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().message,
            "ID 7: model one reads covariate WT (kg), but the data set has no WT column");
}

}  // namespace
}  // namespace ketapath::usermodel
