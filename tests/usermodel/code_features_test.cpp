// NM-TRAN features of model code:
// - conditionals (usermodel/conditionals.h): one-line IF, IF/ELSE IF/ELSE blocks, nesting and the
//   Fortran comparisons give the values NONMEM gives; a $DES with an IF (a saturable elimination)
//   integrates to the exact piecewise solution, compiled and on muparser; the ambiguous cases
//   are refused with the line and the name;
// - T in $DES is the data set's clock, not the time since the last dose (checked against the
//   exact solution, on every integrator); steady-state doses with such a $DES are refused.

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "io/nmtran.h"
#include "usermodel/expressions.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace ketapath::usermodel {
namespace {

std::string model(const std::string& pk, const std::string& des = "") {
  std::string text = R"([model]
name = "m"
)";
  text += des.empty() ? "structure = \"one_cmt\"\n"
                      : "compartments = [\"central\"]\ndose_compartment = 1\n";
  text += R"(
[[theta]]
name = "TVCL"
value = 10.0
unit = "L/h"
source = "test"

[[covariate]]
name = "WT"
unit = "kg"

[[covariate]]
name = "SEX"
unit = "1"

[sigma]
additive = 0.01
source = "test"

[pk]
code = '''
)" + pk + "'''\n";
  if (!des.empty())
    text += "\n[des]\ncode = '''\n" + des + "'''\n\n[output]\nipred = \"A(1)/V\"\n";
  return text;
}

// $PK's value of `name` for WT and SEX.
double pk_value(const std::string& pk, const std::string& name, double wt, double sex) {
  auto definition = parse_model_file(model(pk), "m.toml");
  EXPECT_TRUE(definition) << definition.error().message;
  auto program = Program::compile(*definition);
  EXPECT_TRUE(program) << program.error().message;
  const Layout& l = (*program)->layout();
  std::span<double> slots = (*program)->slots();
  slots[l.covariates] = wt;
  slots[l.covariates + 1] = sex;
  EXPECT_TRUE((*program)->run_pk());
  const auto at = std::find(l.pk_targets.begin(), l.pk_targets.end(), name);
  EXPECT_NE(at, l.pk_targets.end()) << name;
  return slots[l.pk + static_cast<std::size_t>(at - l.pk_targets.begin())];
}

std::string refusal(const std::string& pk) {
  auto definition = parse_model_file(model(pk), "m.toml");
  if (!definition)
    return definition.error().message;
  auto program = Program::compile(*definition);
  return program ? std::string("accepted") : program.error().message;
}

// Predictions at ETA = 0 of a model text for the one subject of a data set (gtest failures for
// what must work; the prediction's own error returned).
core::Result<std::vector<double>> predict_text(const std::string& text, const std::string& csv,
                                               std::size_t rows, UserModelOptions options = {}) {
  auto definition = parse_model_file(text, "m.toml");
  EXPECT_TRUE(definition) << definition.error().message;
  auto made = UserModel::create(std::move(*definition), options);
  EXPECT_TRUE(made) << made.error().message;
  auto data = io::parse_nmtran(csv, "d.csv");
  EXPECT_TRUE(data) << data.error().message;
  auto bound = (*made)->bind(data->subjects.at(0), {}, {});
  EXPECT_TRUE(bound) << bound.error().message;
  std::vector<double> out(rows);
  KETAPATH_TRY((*bound)->predict(std::vector<double>{}, out));
  return out;
}

constexpr const char* kBase = "V = 50\n";

TEST(Conditionals, OneLineIf) {
  const std::string pk = std::string(kBase) +
                         "CL = TVCL\n"
                         "IF (SEX.EQ.1) CL = TVCL * 0.8\n";
  EXPECT_DOUBLE_EQ(pk_value(pk, "CL", 70, 1), 8.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "CL", 70, 0), 10.0);
}

TEST(Conditionals, BlocksWithElseIfAndElse) {
  const std::string pk = std::string(kBase) +
                         "IF (WT.GT.100) THEN\n"
                         "  F = 3\n"
                         "  G = F * 2\n"
                         "ELSE IF (WT.GE.60.AND.SEX.NE.1) THEN\n"
                         "  F = 2\n"
                         "  G = 0\n"
                         "ELSEIF (WT /= 50) THEN\n"
                         "  F = 1\n"
                         "  G = 1\n"
                         "else\n"
                         "  F = -1\n"
                         "  G = -1\n"
                         "END IF\n"
                         "CL = TVCL * F\n";
  EXPECT_DOUBLE_EQ(pk_value(pk, "F", 120, 0), 3.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "G", 120, 0), 6.0);  // reads F from its own branch
  EXPECT_DOUBLE_EQ(pk_value(pk, "F", 70, 0), 2.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "F", 70, 1), 1.0);  // the first true branch only
  EXPECT_DOUBLE_EQ(pk_value(pk, "F", 55, 1), 1.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "F", 50, 1), -1.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "G", 50, 1), -1.0);
}

TEST(Conditionals, Nested) {
  const std::string pk = std::string(kBase) +
                         "K = 0\n"
                         "IF (SEX.EQ.1) THEN\n"
                         "  IF (WT.LT.60) THEN\n"
                         "    K = 1\n"
                         "  ELSE\n"
                         "    K = 2\n"
                         "  ENDIF\n"
                         "ELSE\n"
                         "  IF (WT.LE.60.OR.WT.GT.90) K = 3\n"
                         "ENDIF\n"
                         "CL = TVCL + K\n";
  EXPECT_DOUBLE_EQ(pk_value(pk, "K", 50, 1), 1.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "K", 70, 1), 2.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "K", 60, 0), 3.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "K", 95, 0), 3.0);
  EXPECT_DOUBLE_EQ(pk_value(pk, "K", 70, 0), 0.0);
}

TEST(Conditionals, AmbiguousCasesAreRefusedWithLineAndName) {
  // Line numbers: kBase (V = 50) is line 25 of the model text, the next statement line 26.
  EXPECT_EQ(refusal(std::string(kBase) + "IF (SEX.EQ.1) CL = 8\n"),
            "m.toml:26: pk.code: CL is assigned only under a condition: give it a value before "
            "the IF, or assign it in every branch of an IF with an ELSE");
  EXPECT_EQ(
      refusal(std::string(kBase) + "CL = 1\nIF (CL.GT.0) THEN\n  CL = 2\nELSE\n  CL = 3\nENDIF\n"),
      "m.toml:27: pk.code: the condition reads CL, which this IF block assigns: compute the "
      "condition into a variable before the IF");
  EXPECT_EQ(refusal(std::string(kBase) + "CL = 1\nIF (WT.GT.0) THEN\n  CL = 2\n"),
            "m.toml:27: pk.code: IF ... THEN without ENDIF");
  EXPECT_EQ(refusal(std::string(kBase) + "CL = 1\nENDIF\n"),
            "m.toml:27: pk.code: \"ENDIF\" without an open IF");
  EXPECT_EQ(refusal(std::string(kBase) +
                    "CL = 1\nIF (WT.GT.0) THEN\nCL = 2\nELSE\nCL = 3\nELSE\nENDIF\n"),
            "m.toml:31: pk.code: \"ELSE\" after ELSE (expected ENDIF)");
  EXPECT_EQ(refusal(std::string(kBase) + "CL = 1\nIF (WT.GT.(0) CL = 2\n"),
            "m.toml:27: pk.code: \"IF (WT.GT.(0) CL = 2\": unbalanced parenthesis in the IF");
  // The Fortran operators are not names: a variable called GT may be assigned in the block.
  EXPECT_EQ(
      refusal(std::string(kBase) +
              "GT = 0\nIF (WT.GT.60) THEN\n  GT = 1\nELSE\n  GT = 2\nENDIF\nCL = TVCL + GT\n"),
      "accepted");
  // A name that only starts with IF is an ordinary assignment.
  EXPECT_EQ(refusal(std::string(kBase) + "IFLAG = 1\nCL = TVCL * IFLAG\n"), "accepted");
}

TEST(Conditionals, ASaturableDesIntegratesToThePiecewiseSolution) {
  // 100 mg into one compartment eliminated at 5 mg/h above 10 mg and at 0.5/h below: linear to
  // 10 mg at 18 h, then 10 exp(-0.5 (t - 18)).
  const std::string des =
      "IF (A(1).GT.10) THEN\n"
      "  DADT(1) = -5\n"
      "ELSE\n"
      "  DADT(1) = -0.5 * A(1)\n"
      "ENDIF\n";
  for (const bool native : {true, false}) {
    const auto c = predict_text(
        model("V = 50\n", des),
        "ID,TIME,AMT,EVID,MDV,DV,WT,SEX\n1,0,100,1,1,.,70,0\n1,10,.,0,0,1,70,0\n"
        "1,20,.,0,0,1,70,0\n1,30,.,0,0,1,70,0\n",
        3, {.relative_tolerance = 1e-10, .absolute_tolerance = 1e-12, .native_des = native});
    ASSERT_TRUE(c) << c.error().message;
    const double want[] = {50.0 / 50, 10 * std::exp(-1.0) / 50, 10 * std::exp(-6.0) / 50};
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR((*c)[i], want[i], 1e-6 * want[i]) << "native " << native << " row " << i;
  }
}

// dA/dt = cos(T) with 10 mg at 5 h: A = sin(t) + 10 after the dose (on the data set's clock;
// with T counted from the dose it would be sin(t - 5) + sin(5) + 10).
TEST(DesTime, TIsTheDataSetsClock) {
  const std::string data =
      "ID,TIME,AMT,EVID,MDV,DV,WT,SEX\n1,0,.,0,0,1,70,0\n1,3,.,0,0,1,70,0\n"
      "1,5,10,1,1,.,70,0\n1,8,.,0,0,1,70,0\n1,20,.,0,0,1,70,0\n";
  for (const char* solver : {"auto", "bdf", "dopri5"}) {
    for (const bool native : {true, false}) {
      std::string text = model("V = 1\n", "DADT(1) = COS(T)\n");
      text.replace(text.find("[des]\n"), 6, fmt::format("[des]\nsolver = \"{}\"\n", solver));
      const auto a = predict_text(
          text, data, 4,
          {.relative_tolerance = 1e-10, .absolute_tolerance = 1e-12, .native_des = native});
      ASSERT_TRUE(a) << a.error().message;
      const double want[] = {0.0, std::sin(3.0), std::sin(8.0) + 10, std::sin(20.0) + 10};
      for (int i = 0; i < 4; ++i)
        EXPECT_NEAR((*a)[i], want[i], 1e-7) << solver << " native " << native << " row " << i;
    }
  }
}

TEST(DesTime, SteadyStateWithATimeDependentDesIsRefused) {
  const auto status = predict_text(
      model("V = 1\n", "DADT(1) = COS(T) - 0.1*A(1)\n"),
      "ID,TIME,AMT,II,SS,EVID,MDV,DV,WT,SEX\n1,0,10,24,1,1,1,.,70,0\n1,5,.,.,.,0,0,1,70,0\n", 1);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "line 2: ID 1: a steady-state dose (SS) with a des block that reads T: the steady "
            "state of a time-dependent system is not defined (m.toml)");
}

TEST(DesTime, TCannotBeRedefinedOrReadInPk) {
  std::string text = model("V = 1\n", "DADT(1) = -A(1)\n");
  const std::string sex = "name = \"SEX\"";
  text.replace(text.find(sex), sex.size(), "name = \"T\"");
  auto definition = parse_model_file(text, "m.toml");
  ASSERT_TRUE(definition) << definition.error().message;
  auto program = Program::compile(*definition);
  ASSERT_FALSE(program);
  EXPECT_EQ(program.error().message,
            "m.toml: \"T\" is the time in des (as in NM-TRAN): rename the THETA, covariate or ETA "
            "called T");
  auto reads = parse_model_file(model("V = 1 + T\n", "DADT(1) = -A(1)\n"), "m.toml");
  ASSERT_TRUE(reads);
  auto refused = Program::compile(*reads);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("\"T\" is used before it is assigned, or is a time (T)"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace ketapath::usermodel
