// Reading valid NM-TRAN data sets: column mapping, defaults, derived EVID/MDV, grouping by ID,
// covariates and the NOCB lookup.

#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "io/nmtran.h"

namespace ketapath::io {
namespace {

using core::Hours;

NmtranData parse_ok(std::string_view text) {
  auto result = parse_nmtran(text, "test.csv");
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? std::move(*result) : NmtranData{};
}

TEST(NmtranReadTest, MapsEveryStandardColumn) {
  const NmtranData data = parse_ok(
      "ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,II,ADDL,SS\n"
      "7,0,100,0,1,1,1,.,12,3,0\n"
      "7,0.5,0,0,2,0,0,4.25,0,0,0\n"
      "7,24,50,25,2,1,1,.,12,0,1\n"
      "7,30,80,-1,1,4,1,.,0,0,0\n"
      "7,31,80,-2,0,1,1,.,24,0,2\n"
      "7,40,0,0,0,3,1,.,0,0,0\n"
      "7,41,0,0,2,2,1,.,0,0,0\n");
  ASSERT_EQ(data.subjects.size(), 1u);
  const pk::SubjectTimeline& s = data.subjects[0];
  EXPECT_EQ(s.id, "7");
  ASSERT_EQ(s.records.size(), 7u);

  const pk::Record& bolus = s.records[0];
  EXPECT_EQ(bolus.kind, pk::RecordKind::Dose);
  EXPECT_EQ(bolus.source_line, 2u);
  EXPECT_EQ(bolus.dose.amount, core::Milligrams(100));
  EXPECT_EQ(bolus.dose.compartment, 1);
  EXPECT_EQ(bolus.dose.rate_kind, pk::RateKind::Bolus);
  EXPECT_EQ(bolus.dose.interval, Hours(12));
  EXPECT_EQ(bolus.dose.additional, 3);
  EXPECT_EQ(bolus.dose.steady_state, pk::SteadyState::None);

  const pk::Record& obs = s.records[1];
  EXPECT_EQ(obs.kind, pk::RecordKind::Observation);
  EXPECT_EQ(obs.time, Hours(0.5));
  EXPECT_EQ(obs.observed_compartment, 2);
  EXPECT_EQ(data.extras[0][1].dv, 4.25);
  EXPECT_EQ(data.extras[0][1].mdv, 0);
  EXPECT_EQ(data.extras[0][0].dv, std::nullopt);

  const pk::Record& ss_infusion = s.records[2];
  EXPECT_EQ(ss_infusion.dose.rate_kind, pk::RateKind::Fixed);
  EXPECT_EQ(ss_infusion.dose.rate, core::MilligramsPerHour(25));
  EXPECT_EQ(ss_infusion.dose.steady_state, pk::SteadyState::Reset);

  EXPECT_EQ(s.records[3].kind, pk::RecordKind::ResetAndDose);
  EXPECT_EQ(s.records[3].dose.rate_kind, pk::RateKind::ModelledRate);
  EXPECT_EQ(s.records[4].dose.rate_kind, pk::RateKind::ModelledDuration);
  EXPECT_EQ(s.records[4].dose.compartment, 0);
  EXPECT_EQ(s.records[4].dose.steady_state, pk::SteadyState::Superpose);
  EXPECT_EQ(s.records[5].kind, pk::RecordKind::Reset);
  EXPECT_EQ(s.records[6].kind, pk::RecordKind::Other);
  EXPECT_EQ(s.records[6].observed_compartment, 2);
}

TEST(NmtranReadTest, NamesAreCaseInsensitiveAndAbsentColumnsDefault) {
  const NmtranData data = parse_ok("id,Time,amt\n1,0,100\n1,2,.\n");
  ASSERT_EQ(data.subjects.size(), 1u);
  const auto& r = data.subjects[0].records;
  ASSERT_EQ(r.size(), 2u);
  // No EVID and no MDV: AMT > 0 makes a dose, AMT missing an observation (NM-TRAN's rule).
  EXPECT_EQ(r[0].kind, pk::RecordKind::Dose);
  EXPECT_EQ(r[0].dose.rate_kind, pk::RateKind::Bolus);
  EXPECT_EQ(r[0].dose.compartment, 0);
  EXPECT_EQ(r[1].kind, pk::RecordKind::Observation);
  EXPECT_EQ(data.extras[0][0].mdv, 1);  // derived
  EXPECT_EQ(data.extras[0][1].mdv, 0);
  EXPECT_TRUE(data.covariate_names.empty());
}

TEST(NmtranReadTest, EvidDerivedFromMdvWhenAbsent) {
  const NmtranData data = parse_ok("ID,TIME,AMT,MDV,DV\n1,0,100,1,.\n1,1,0,1,.\n1,2,0,0,3\n");
  const auto& r = data.subjects[0].records;
  EXPECT_EQ(r[0].kind, pk::RecordKind::Dose);
  EXPECT_EQ(r[1].kind, pk::RecordKind::Other);  // MDV=1 without dose items: EVID 2
  EXPECT_EQ(r[2].kind, pk::RecordKind::Observation);
}

TEST(NmtranReadTest, GroupsByIdInOrderOfAppearanceWithPhysicalLines) {
  const NmtranData data = parse_ok(
      "ID,TIME,AMT\n"
      "# comment lines and blank lines are skipped but counted\n"
      "12,0,100\n"
      "\n"
      "12,1,.\n"
      "3,0,50\n"
      "3.0,1,.\n");
  ASSERT_EQ(data.subjects.size(), 2u);
  EXPECT_EQ(data.subjects[0].id, "12");
  EXPECT_EQ(data.subjects[1].id, "3");  // "3.0" is the same ID; the first spelling is kept
  EXPECT_EQ(data.subjects[0].records[0].source_line, 3u);
  EXPECT_EQ(data.subjects[0].records[1].source_line, 5u);
  EXPECT_EQ(data.subjects[1].records[1].source_line, 7u);
  ASSERT_EQ(data.extras.size(), 2u);
  EXPECT_EQ(data.extras[1].size(), 2u);
}

TEST(NmtranReadTest, TimeMayRestartOnAndAfterReset) {
  const NmtranData data = parse_ok(
      "ID,TIME,AMT,EVID\n"
      "1,0,100,1\n"
      "1,24,0,0\n"
      "1,0,100,4\n"  // reset-and-dose restarts the clock
      "1,1,0,0\n"
      "1,0.5,0,3\n"  // a reset may also go back
      "1,0.5,0,0\n");
  EXPECT_EQ(data.subjects[0].records.size(), 6u);
}

TEST(NmtranReadTest, SameTimeRecordsKeepFileOrder) {
  const NmtranData data = parse_ok("ID,TIME,AMT,EVID\n1,0,0,0\n1,0,100,1\n1,0,0,0\n");
  const auto& r = data.subjects[0].records;
  EXPECT_EQ(r[0].kind, pk::RecordKind::Observation);
  EXPECT_EQ(r[1].kind, pk::RecordKind::Dose);
  EXPECT_EQ(r[2].source_line, 4u);
}

TEST(NmtranReadTest, SteadyStateConstantInfusionIsAccepted) {
  const NmtranData data = parse_ok("ID,TIME,AMT,RATE,II,SS\n1,0,0,10,0,1\n1,0,.,.,.,.\n");
  const pk::Record& r = data.subjects[0].records[0];
  EXPECT_EQ(r.kind, pk::RecordKind::Dose);
  EXPECT_EQ(r.dose.amount, core::Milligrams(0));
  EXPECT_EQ(r.dose.rate, core::MilligramsPerHour(10));
  EXPECT_EQ(r.dose.interval, Hours(0));
  EXPECT_EQ(r.dose.steady_state, pk::SteadyState::Reset);
}

TEST(NmtranReadTest, NumbersInEveryNotationAndQuotedFields) {
  const NmtranData data =
      parse_ok("\xEF\xBB\xBF\"ID\",\"TIME\",\"AMT\"\n 1 , 1.5e-1 ,+2.5E2\n1,.25,.\n");
  const auto& r = data.subjects[0].records;
  EXPECT_EQ(r[0].time, Hours(0.15));
  EXPECT_EQ(r[0].dose.amount, core::Milligrams(250));
  EXPECT_EQ(r[1].time, Hours(0.25));
}

TEST(NmtranReadTest, HeaderMayStartWithHash) {
  const NmtranData data = parse_ok("#ID,TIME,AMT\n1,0,100\n");
  EXPECT_EQ(data.subjects.size(), 1u);
}

TEST(NmtranReadTest, WindowsLineEndings) {
  const NmtranData data = parse_ok("ID,TIME,AMT,WT\r\n1,0,100,70\r\n1,1,.,71\r\n");
  ASSERT_EQ(data.covariate_names.size(), 1u);
  EXPECT_EQ(data.covariate_names[0], "WT");
  EXPECT_EQ(data.subjects[0].records[1].covariates[0], 71.0);
}

TEST(NmtranReadTest, UnknownColumnsAreCovariatesInFileOrder) {
  const NmtranData data = parse_ok(
      "ID,WT,TIME,AMT,CrCL\n"
      "1,70,0,100,.\n"
      "1,72,4,.,95\n");
  ASSERT_EQ(data.covariate_names, (std::vector<std::string>{"WT", "CrCL"}));
  const auto& r = data.subjects[0].records;
  EXPECT_EQ(data.subjects[0].covariate_names, data.covariate_names);
  EXPECT_EQ(r[0].covariates[0], 70.0);
  EXPECT_FALSE(r[0].covariates[1].has_value());  // "." is missing, not a number
  EXPECT_EQ(r[1].covariates[1], 95.0);
}

TEST(NmtranReadTest, ReadsFromFileWithPathInMessages) {
  const std::string path = ::testing::TempDir() + "nmtran_read_test.csv";
  {
    std::ofstream out(path);
    out << "ID,TIME,AMT\n1,0,100\n1,oops,0\n";
  }
  const auto result = read_nmtran(path);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, path + ":3: TIME: \"oops\" is not a number");
}

// NOCB: the value in effect on (t[k-1], t[k]] is record k's (PREDPP advances to a record with
// that record's data), so between 0 and 4 h WT is 72, the value recorded at 4 h.
TEST(NmtranCovariateTest, NextObservationCarriedBackward) {
  const NmtranData data = parse_ok(
      "ID,TIME,AMT,WT\n"
      "1,0,100,70\n"
      "1,4,.,72\n"
      "1,4,.,73\n"  // a tie: the first record at 4 h governs up to and at 4 h
      "1,8,.,.\n"   // missing: skipped, not taken as 0
      "1,12,.,75\n");
  const pk::SubjectTimeline& s = data.subjects[0];
  EXPECT_EQ(covariate_at(s, 0, Hours(-1)), 70.0);  // before the first record: the first value
  EXPECT_EQ(covariate_at(s, 0, Hours(0)), 70.0);
  EXPECT_EQ(covariate_at(s, 0, Hours(0.001)), 72.0);
  EXPECT_EQ(covariate_at(s, 0, Hours(4)), 72.0);
  EXPECT_EQ(covariate_at(s, 0, Hours(5)), 75.0);  // 8 h is missing, so 12 h's value
  EXPECT_EQ(covariate_at(s, 0, Hours(12)), 75.0);
  EXPECT_EQ(covariate_at(s, 0, Hours(100)), 75.0);  // after the last record: carried forward
}

TEST(NmtranCovariateTest, LookupStaysInsideOneResetEpoch) {
  const NmtranData data = parse_ok(
      "ID,TIME,AMT,EVID,OCC\n"
      "1,0,100,1,1\n"
      "1,24,.,0,1\n"
      "1,0,100,4,2\n"
      "1,24,.,0,2\n");
  const pk::SubjectTimeline& s = data.subjects[0];
  EXPECT_EQ(covariate_at(s, 0, Hours(30)), 1.0);    // epoch 1 does not see epoch 2
  EXPECT_EQ(covariate_at(s, 0, Hours(5), 2), 2.0);  // epoch 2 starts at the EVID 4 record
}

TEST(NmtranCovariateTest, AllMissingGivesNothing) {
  const NmtranData data = parse_ok("ID,TIME,AMT,WT\n1,0,100,.\n");
  EXPECT_EQ(covariate_at(data.subjects[0], 0, Hours(0)), std::nullopt);
}

}  // namespace
}  // namespace ketapath::io
