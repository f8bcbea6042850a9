// The writer: NM-TRAN CSV that reads back to the same records, numbers in shortest round-trip
// form, and a fixed point (write(read(write(x))) == write(x)).

#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "io/nmtran.h"

namespace ketapath::io {
namespace {

constexpr std::string_view kMixed =
    "ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,II,ADDL,SS,WT\n"
    "1,0,100,0,1,1,1,.,12,3,0,70.5\n"
    "1,1e-07,0,0,2,0,0,0.30000000000000004,0,0,0,.\n"
    "1,0.1,50,33.333333333333336,2,1,1,.,24,0,1,70.5\n"
    "1,3,0,10,2,1,1,.,0,0,1,71\n"
    "1,4,20,-1,0,4,1,.,0,0,0,71\n"
    "1,5,20,-2,2,1,1,.,8,1,2,71\n"
    "1,6,0,0,0,3,1,.,0,0,0,71\n"
    "1,6,0,0,2,2,1,.,0,0,0,71\n"
    "1,7,0,0,2,0,1,.,0,0,0,72\n"
    "2,0,5,0,0,1,1,0,0,0,0,60\n"
    "2,1.5,0,0,0,0,0,1.2345678901234567,0,0,0,60\n";

/// Records compare equal except source_line, which depends on the layout of the source.
void expect_same_records(const NmtranData& a, const NmtranData& b) {
  ASSERT_EQ(a.subjects.size(), b.subjects.size());
  EXPECT_EQ(a.covariate_names, b.covariate_names);
  for (std::size_t s = 0; s < a.subjects.size(); ++s) {
    EXPECT_EQ(a.subjects[s].id, b.subjects[s].id);
    ASSERT_EQ(a.subjects[s].records.size(), b.subjects[s].records.size());
    for (std::size_t r = 0; r < a.subjects[s].records.size(); ++r) {
      pk::Record x = a.subjects[s].records[r];
      pk::Record y = b.subjects[s].records[r];
      x.source_line = y.source_line = 0;
      EXPECT_EQ(x, y) << "subject " << s << " record " << r;
    }
    EXPECT_EQ(a.extras[s], b.extras[s]);
  }
}

TEST(NmtranWriteTest, CanonicalInputIsReproducedByteForByte) {
  const auto data = parse_nmtran(kMixed, "mixed.csv");
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(format_nmtran(*data), kMixed);
}

TEST(NmtranWriteTest, RoundTripKeepsEveryRecordAndNumberExactly) {
  // Non-canonical input: other column order, absent columns, comments, odd number spellings.
  const auto original = parse_nmtran(
      "TIME,id,amt,ii,addl,DV,CLCR,rate\n"
      "# study 101\n"
      "0,1,100,12,2,.,95.25,0\n"
      "# an observation\n"
      "0.333333333333333314829616256247,1,.,.,.,1.5e-3,.,.\n"
      "2,2,1e2,0,0,.,80,.\n",
      "odd.csv");
  ASSERT_TRUE(original) << original.error().message;
  const std::string text = format_nmtran(*original);
  const auto again = parse_nmtran(text, "again.csv");
  ASSERT_TRUE(again) << again.error().message << "\n" << text;
  expect_same_records(*original, *again);
  EXPECT_EQ(format_nmtran(*again), text);  // a fixed point
  // 1/3 h written shortest (17 significant digits at most) and read back to the same double.
  EXPECT_EQ(again->subjects[0].records[1].time.value(), 0.333333333333333314829616256247);
  EXPECT_NE(text.find("0.3333333333333333,"), std::string::npos) << text;
}

TEST(NmtranWriteTest, TimelinesBuiltElsewhereGetDerivedMdvAndMissingDv) {
  pk::SubjectTimeline subject;
  subject.id = "17";
  pk::Record dose;
  dose.kind = pk::RecordKind::Dose;
  dose.dose.amount = core::Milligrams(35);
  dose.dose.rate_kind = pk::RateKind::Fixed;
  dose.dose.rate = core::MilligramsPerHour(52.5);
  dose.dose.compartment = 1;
  pk::Record observation;
  observation.time = core::Hours(2.0 / 3.0);
  subject.records = {dose, observation};
  const NmtranData data = make_nmtran_data({subject}, "protocol");
  EXPECT_EQ(format_nmtran(data),
            "ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,II,ADDL,SS\n"
            "17,0,35,52.5,1,1,1,.,0,0,0\n"
            "17,0.6666666666666666,0,0,0,0,0,.,0,0,0\n");
}

TEST(NmtranWriteTest, WritesFile) {
  const auto data = parse_nmtran(kMixed, "mixed.csv");
  ASSERT_TRUE(data);
  const std::string path = ::testing::TempDir() + "nmtran_write_test.csv";
  ASSERT_TRUE(write_nmtran(path, *data));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), kMixed);
  const auto status = write_nmtran("/nonexistent/dir/out.csv", *data);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::Io);
}

TEST(NmtranWriteTest, EvidMapping) {
  EXPECT_EQ(nmtran_evid(pk::RecordKind::Observation), 0);
  EXPECT_EQ(nmtran_evid(pk::RecordKind::Dose), 1);
  EXPECT_EQ(nmtran_evid(pk::RecordKind::Other), 2);
  EXPECT_EQ(nmtran_evid(pk::RecordKind::Reset), 3);
  EXPECT_EQ(nmtran_evid(pk::RecordKind::ResetAndDose), 4);
}

}  // namespace
}  // namespace ketapath::io

namespace ketapath::io {
namespace {

// Every data set shipped with the project reads, and writing it reads back to the same records.
TEST(NmtranWriteTest, ShippedDataSetsRoundTrip) {
  const std::string root = KETAPATH_SOURCE_DIR;
  for (const std::string name :
       {"/examples/nmtran/iv_infusion_addl.csv", "/examples/nmtran/sc_depot_lag.csv",
        "/examples/nmtran/oral_ss_reset.csv", "/tests/data/nmtran/one_cmt_bolus.csv",
        "/tests/data/nmtran/one_cmt_infusion_addl.csv", "/tests/data/nmtran/one_cmt_depot_lag.csv",
        "/tests/data/nmtran/one_cmt_ss_bolus.csv",
        "/tests/data/nmtran/one_cmt_reset_two_ids.csv"}) {
    const auto original = read_nmtran(root + name);
    ASSERT_TRUE(original) << original.error().message;
    const std::string text = format_nmtran(*original);
    const auto again = parse_nmtran(text, name);
    ASSERT_TRUE(again) << again.error().message;
    expect_same_records(*original, *again);
    EXPECT_EQ(format_nmtran(*again), text) << name;
  }
}

}  // namespace
}  // namespace ketapath::io
