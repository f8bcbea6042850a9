// One test per data-set error: each malformed data set gets exactly one line naming the file
// line (header = 1), the column, the value and the problem.

#include <string>

#include <gtest/gtest.h>

#include "io/nmtran.h"

namespace ketapath::io {
namespace {

struct ErrorCase {
  const char* name;
  const char* text;
  const char* message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class NmtranErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(NmtranErrorTest, GivesOneLineNamingLineColumnValueAndProblem) {
  const ErrorCase& c = GetParam();
  const auto result = parse_nmtran(c.text, "doses.csv");
  ASSERT_FALSE(result) << "accepted: " << c.text;
  EXPECT_EQ(result.error().code, core::ErrorCode::InvalidData);
  EXPECT_EQ(result.error().message, c.message);
  EXPECT_EQ(result.error().message.find('\n'), std::string::npos) << "one line only";
}

// clang-format off
const ErrorCase kCases[] = {
  {"EmptyFile", "", "doses.csv:1: file is empty (a header line is required)"},
  {"BlankFile", "  \n\n", "doses.csv:1: file is empty (a header line is required)"},
  {"HeaderOnly", "ID,TIME,AMT\n",
   "doses.csv:1: header is not followed by any data records (the file has none)"},
  {"NoHeader", "1,0,100\n1,1,0\n",
   "doses.csv:1: header: \"1\" is a number: line 1 must name the columns (ID,TIME,AMT,...), a "
   "header is required"},
  {"MissingIdColumn", "TIME,AMT\n0,100\n",
   "doses.csv:1: ID: required column is missing from the header (found TIME,AMT)"},
  {"MissingTimeColumn", "ID,AMT,DV\n1,100,.\n",
   "doses.csv:1: TIME: required column is missing from the header (found ID,AMT,DV)"},
  {"DuplicateColumn", "ID,TIME,AMT,time\n1,0,100,0\n",
   "doses.csv:1: TIME: \"time\" is a duplicate column name (column 4 repeats column 2 \"TIME\")"},
  {"EmptyColumnName", "ID,TIME,,AMT\n1,0,1,100\n",
   "doses.csv:1: header: column 3 has no name (every column needs one)"},
  {"TooFewFields", "ID,TIME,AMT,DV\n1,0,100,.\n1,1,.\n",
   "doses.csv:3: row has 3 fields but the header has 4 columns"},
  {"TooManyFields", "ID,TIME,AMT\n1,0,100,5\n",
   "doses.csv:2: row has 4 fields but the header has 3 columns"},
  {"UnterminatedQuote", "ID,TIME,AMT\n1,\"0,100\n",
   "doses.csv:2: unterminated quoted field"},
  {"NonNumericTime", "ID,TIME,AMT\n1,0,100\n1,abc,0\n",
   "doses.csv:3: TIME: \"abc\" is not a number"},
  {"ClockTime", "ID,TIME,AMT\n1,08:30,100\n", "doses.csv:2: TIME: \"08:30\" is not a number"},
  {"NonNumericAmt", "ID,TIME,AMT\n1,0,10mg\n", "doses.csv:2: AMT: \"10mg\" is not a number"},
  {"NonNumericCovariate", "ID,TIME,AMT,SEX\n1,0,100,F\n",
   "doses.csv:2: SEX: \"F\" is not a number"},
  {"NonNumericId", "ID,TIME,AMT\nP1,0,100\n", "doses.csv:2: ID: \"P1\" is not a number"},
  {"NanValue", "ID,TIME,AMT,DV\n1,0,0,nan\n", "doses.csv:2: DV: \"nan\" is not a finite number"},
  {"InfValue", "ID,TIME,AMT\n1,inf,100\n", "doses.csv:2: TIME: \"inf\" is not a finite number"},
  {"OverflowValue", "ID,TIME,AMT\n1,0,1e999\n",
   "doses.csv:2: AMT: \"1e999\" is out of the range of a double-precision number"},
  {"MissingId", "ID,TIME,AMT\n.,0,100\n",
   "doses.csv:2: ID: \".\" is missing (every record needs an ID)"},
  {"MissingTime", "ID,TIME,AMT\n1,,100\n",
   "doses.csv:2: TIME: \"\" is missing (every record needs a TIME)"},
  {"TimeBackwards", "ID,TIME,AMT,EVID\n1,0,100,1\n1,5,0,0\n1,2,0,0\n",
   "doses.csv:4: TIME: \"2\" is earlier than the previous record's time 5 (line 3); time must not "
   "decrease within an ID except on or after an EVID 3 or 4 record"},
  {"TimeBackwardsAfterReset", "ID,TIME,AMT,EVID\n1,10,0,3\n1,0,0,0\n",
   "doses.csv:3: TIME: \"0\" is earlier than the previous record's time 10 (line 2); time must "
   "not decrease within an ID except on or after an EVID 3 or 4 record"},
  {"NonContiguousId", "ID,TIME,AMT\n1,0,100\n2,0,100\n1,4,0\n",
   "doses.csv:4: ID: \"1\" appears again after other IDs (first seen on line 2); records of one "
   "ID must be contiguous"},
  {"NegativeAmt", "ID,TIME,AMT,EVID\n1,0,-5,1\n",
   "doses.csv:2: AMT must be >= 0 (got -5)"},
  {"EvidOutOfRange", "ID,TIME,AMT,EVID\n1,0,100,5\n",
   "doses.csv:2: EVID: \"5\" is not a valid event type (0 observation, 1 dose, 2 other, 3 reset, "
   "4 reset and dose)"},
  {"EvidNegative", "ID,TIME,AMT,EVID\n1,0,100,-1\n",
   "doses.csv:2: EVID: \"-1\" is not a valid event type (0 observation, 1 dose, 2 other, 3 "
   "reset, 4 reset and dose)"},
  {"EvidNotInteger", "ID,TIME,AMT,EVID\n1,0,100,1.5\n",
   "doses.csv:2: EVID: \"1.5\" is not an integer"},
  {"CmtNotInteger", "ID,TIME,AMT,CMT\n1,0,100,1.5\n",
   "doses.csv:2: CMT: \"1.5\" is not an integer"},
  {"AddlNotInteger", "ID,TIME,AMT,II,ADDL\n1,0,100,12,2.5\n",
   "doses.csv:2: ADDL: \"2.5\" is not an integer"},
  {"SsNotInteger", "ID,TIME,AMT,II,SS\n1,0,100,12,0.5\n",
   "doses.csv:2: SS: \"0.5\" is not an integer"},
  {"NegativeCmt", "ID,TIME,AMT,CMT,EVID\n1,0,0,-2,2\n",
   "doses.csv:2: CMT: \"-2\" is negative: switching compartments off (negative CMT) is not "
   "supported"},
  {"MdvInvalid", "ID,TIME,AMT,MDV\n1,0,0,2\n",
   "doses.csv:2: MDV: \"2\" must be 0 or 1 (or 100/101)"},
  {"MdvZeroOnDose", "ID,TIME,AMT,EVID,MDV\n1,0,100,1,0\n",
   "doses.csv:2: MDV: \"0\" must be 1 on a dose record (EVID 1)"},
  {"AmtMissingOnDose", "ID,TIME,AMT,EVID\n1,0,.,1\n",
   "doses.csv:2: AMT: \".\" is missing: a dose record (EVID 1) needs an amount (0 only for a "
   "constant infusion)"},
  {"AmtColumnAbsentOnDose", "ID,TIME,EVID\n1,0,1\n",
   "doses.csv:2: AMT: \"\" is missing: a dose record (EVID 1) needs an amount (0 only for a "
   "constant infusion)"},
  {"ZeroBolus", "ID,TIME,AMT,EVID\n1,0,0,4\n",
   "doses.csv:2: AMT: \"0\" must be > 0 on a reset-and-dose record (EVID 4)"},
  {"DoseItemOnObservation", "ID,TIME,AMT,EVID\n1,0,100,0\n",
   "doses.csv:2: AMT: \"100\" must be 0 or missing on an observation record (EVID 0)"},
  {"DoseItemOnReset", "ID,TIME,AMT,RATE,EVID\n1,0,0,10,3\n",
   "doses.csv:2: RATE: \"10\" must be 0 or missing on a reset record (EVID 3)"},
  {"DoseItemOnMdvObservation", "ID,TIME,AMT,MDV\n1,0,100,0\n",
   "doses.csv:2: AMT: \"100\" must be 0 or missing on an observation record (EVID 0)"},
  {"RateWithoutAmt", "ID,TIME,AMT,RATE,EVID\n1,0,0,10,1\n",
   "doses.csv:2: RATE: \"10\" needs AMT > 0 (RATE > 0 with AMT = 0 is valid only as the "
   "steady-state constant infusion SS=1, II=0)"},
  {"RateWithoutAmtSs2", "ID,TIME,AMT,RATE,SS,II,EVID\n1,0,0,10,2,0,1\n",
   "doses.csv:2: RATE: \"10\" needs AMT > 0 (RATE > 0 with AMT = 0 is valid only as the "
   "steady-state constant infusion SS=1, II=0)"},
  {"ModelledRateWithoutAmt", "ID,TIME,AMT,RATE,EVID\n1,0,0,-1,1\n",
   "doses.csv:2: RATE: \"-1\" needs AMT > 0 (got AMT 0)"},
  {"RateInvalidNegative", "ID,TIME,AMT,RATE\n1,0,100,-3\n",
   "doses.csv:2: RATE: \"-3\" must be >= 0, -1 (rate modelled by R<n>) or -2 (duration modelled "
   "by D<n>)"},
  {"SsOutOfRange", "ID,TIME,AMT,II,SS\n1,0,100,12,3\n",
   "doses.csv:2: SS: \"3\" must be 0, 1 or 2"},
  {"SsWithoutIi", "ID,TIME,AMT,SS\n1,0,100,1\n",
   "doses.csv:2: SS: \"1\" needs II > 0 (got II 0); only the constant infusion AMT=0, RATE>0, "
   "SS=1 has II=0"},
  {"NegativeIi", "ID,TIME,AMT,II,ADDL\n1,0,100,-12,2\n",
   "doses.csv:2: II must be >= 0 (got -12)"},
  {"NegativeAddl", "ID,TIME,AMT,II,ADDL\n1,0,100,12,-1\n",
   "doses.csv:2: ADDL must be >= 0 (got -1) (the empirical steady state is not supported)"},
  {"AddlWithoutIi", "ID,TIME,AMT,ADDL\n1,0,100,3\n",
   "doses.csv:2: ADDL: \"3\" needs II > 0 (got II 0)"},
  {"IiUnused", "ID,TIME,AMT,II\n1,0,100,12\n",
   "doses.csv:2: II: \"12\" is given but unused: II needs ADDL > 0 or SS 1/2 on the same record"},
  {"AddlOnConstantInfusion", "ID,TIME,AMT,RATE,II,ADDL,SS\n1,0,0,10,0,2,1\n",
   "doses.csv:2: ADDL: \"2\" must be 0 on a steady-state constant infusion (SS=1, AMT=0, RATE>0, "
   "II=0)"},
  {"CommentsKeepPhysicalLines", "ID,TIME,AMT\n# a comment\n\n1,0,100\n1,x,0\n",
   "doses.csv:5: TIME: \"x\" is not a number"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(AllErrors, NmtranErrorTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// Errors that need the model: validate_against.
pk::ModelSpec two_compartment_depot() {
  pk::ModelSpec model;
  model.name = "one_cmt_depot";
  model.compartments = {{1, "depot"}, {2, "central"}};
  model.default_dose_compartment = 1;
  model.central_compartment = 2;
  model.central_volume = "V";
  return model;
}

TEST(NmtranModelErrorTest, DoseIntoMissingCompartment) {
  const auto data = parse_nmtran("ID,TIME,AMT,CMT\n1,0,100,1\n1,1,100,3\n", "doses.csv");
  ASSERT_TRUE(data) << data.error().message;
  const auto status = validate_against(two_compartment_depot(), {}, *data);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::InvalidData);
  EXPECT_EQ(status.error().message,
            "doses.csv:3: CMT: \"3\" model one_cmt_depot has no compartment 3 (it has 1 depot, "
            "2 central)");
}

TEST(NmtranModelErrorTest, ObservationOfMissingCompartment) {
  const auto data = parse_nmtran("ID,TIME,AMT,CMT,DV\n1,0,100,1,.\n1,1,0,7,3.2\n", "doses.csv");
  ASSERT_TRUE(data) << data.error().message;
  const auto status = validate_against(two_compartment_depot(), {}, *data);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "doses.csv:3: CMT: \"7\" model one_cmt_depot has no compartment 7 (it has 1 depot, "
            "2 central)");
}

TEST(NmtranModelErrorTest, ModelledRateNeedsRn) {
  // CMT 0 on a dose means the default dose compartment, the depot (1), so R1 is needed.
  const auto data = parse_nmtran("ID,TIME,AMT,RATE\n1,0,100,-1\n", "doses.csv");
  ASSERT_TRUE(data) << data.error().message;
  const auto status = validate_against(two_compartment_depot(), {{"R2", 5.0}}, *data);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "doses.csv:2: RATE: \"-1\" needs the parameter R1 (modelled infusion rate of "
            "compartment 1), which is not given");
  EXPECT_TRUE(validate_against(two_compartment_depot(), {{"R1", 5.0}}, *data));
}

TEST(NmtranModelErrorTest, ModelledDurationNeedsDn) {
  const auto data = parse_nmtran("ID,TIME,AMT,RATE,CMT\n1,0,100,-2,2\n", "doses.csv");
  ASSERT_TRUE(data) << data.error().message;
  const auto status = validate_against(two_compartment_depot(), {{"D1", 1.0}}, *data);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "doses.csv:2: RATE: \"-2\" needs the parameter D2 (modelled infusion duration of "
            "compartment 2), which is not given");
  EXPECT_TRUE(validate_against(two_compartment_depot(), {{"D2", 1.0}}, *data));
}

TEST(NmtranFileErrorTest, MissingFileIsNotFound) {
  const auto result = read_nmtran("/nonexistent/doses.csv");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::NotFound);
  EXPECT_EQ(result.error().message, "/nonexistent/doses.csv: no such file");
}

}  // namespace
}  // namespace ketapath::io
