// Subjects files (io/subjects_file.h): each value lands in its parameter, in the canonical unit;
// omitted parameters keep the typical value; every malformed file is refused naming the file,
// line and column.

#include "io/subjects_file.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "support/must.h"

namespace ketapath::io {
namespace {

using population::BatchSubject;
using testing::must;

SubjectsTable parse_benchmark(std::string_view text) {
  return must(parse_subjects_csv(text, "pop.csv", population::benchmark_subject_columns(),
                                 population::benchmark_typical_subject()));
}

core::Error refusal(std::string_view text, pd::Route route = pd::Route::Sc) {
  const auto columns = population::ketamine_subject_columns(route);
  const auto result =
      parse_subjects_csv(text, "pop.csv", columns, population::benchmark_typical_subject());
  EXPECT_FALSE(result) << text;
  return result ? core::Error{} : result.error();
}

TEST(SubjectsFile, EachColumnSetsItsParameterAndOmittedOnesKeepTheTypicalValue) {
  const SubjectsTable t =
      parse_benchmark("ID,CL,V1,KA,EC50\n7,95.5,72.25,3.1,0.26\n3,40,100,6,0.1\n");
  ASSERT_EQ(t.ids.size(), 2u);
  EXPECT_EQ(t.ids[0], 7);
  EXPECT_EQ(t.ids[1], 3);  // file order, not sorted
  EXPECT_EQ(t.given, (std::vector<std::string>{"CL", "V1", "KA", "EC50"}));
  const BatchSubject first = t.subjects.at(0);
  const BatchSubject typical = population::benchmark_typical_subject();
  EXPECT_EQ(first.cl.value(), 95.5);
  EXPECT_EQ(first.v1.value(), 72.25);
  EXPECT_EQ(first.ka.value(), 3.1);
  EXPECT_EQ(first.ec50.value(), 0.26);
  EXPECT_EQ(first.v2.value(), typical.v2.value());
  EXPECT_EQ(first.koff.value(), typical.koff.value());
  EXPECT_EQ(first.f, typical.f);
  EXPECT_TRUE(t.subjects.validate());
}

TEST(SubjectsFile, UnitsInTheHeaderAreConvertedAtTheEdge) {
  const auto columns = population::ketamine_subject_columns(pd::Route::Sc);
  const SubjectsTable t = must(
      parse_subjects_csv("ID, S_EC50[ng/mL] , S_T12[d],KA_SC[1/d],WT\r\n1,200,7,96,82.5\r\n\r\n",
                         "pop.csv", columns, population::benchmark_typical_subject()));
  const BatchSubject s = t.subjects.at(0);
  EXPECT_DOUBLE_EQ(s.ec50.value(), 0.2);                    // mg/L
  EXPECT_DOUBLE_EQ(s.koff.value(), std::log(2.0) / 168.0);  // 1/h from 7 d
  EXPECT_DOUBLE_EQ(s.ka.value(), 4.0);                      // 96 per day
  EXPECT_EQ(s.dose_scale, 82.5);                            // WT multiplies mg/kg doses
}

TEST(SubjectsFile, TheRouteDecidesTheAbsorptionColumns) {
  EXPECT_EQ(refusal("ID,KA_SC\n1,4\n", pd::Route::Iv).message.find("'KA_SC' is not a parameter"),
            std::string("pop.csv:1: column ").size());
  const auto im = population::ketamine_subject_columns(pd::Route::Im);
  EXPECT_NE(population::find_subject_column(im, "KA_IM"), nullptr);
  EXPECT_EQ(population::find_subject_column(im, "KA_SC"), nullptr);
}

TEST(SubjectsFile, MalformedFilesAreRefusedNamingFileLineAndColumn) {
  struct Case {
    const char* text;
    const char* message;
  };

  const Case cases[] = {
      {"", "pop.csv: empty file (expected a header row)"},
      {"ID,CL\n", "pop.csv: no subjects after the header"},
      {"CL,V1\n79,80\n", "pop.csv:1: the header has no ID column"},
      {"ID,CL,CL\n1,2,3\n", "pop.csv:1: column CL appears twice"},
      {"ID,ANX_EC50\n1,2\n", "pop.csv:1: column 'ANX_EC50' is not a parameter of this workload"},
      {"ID,CL[mL/min]\n1,2\n", "pop.csv:1: column CL: unit 'mL/min' is not a unit of CL"},
      {"ID,CL[L/h\n1,2\n", "pop.csv:1: column 'CL[L/h': a unit is written NAME[unit]"},
      {"ID,CL\n1,79\n2\n", "pop.csv:3: 1 fields, the header has 2"},
      {"ID,CL\n0,79\n", "pop.csv:2: ID must be a whole number >= 1 (got '0')"},
      {"ID,CL\n1.5,79\n", "pop.csv:2: ID must be a whole number >= 1 (got '1.5')"},
      {"ID,CL\n1,79\n1,80\n", "pop.csv:3: ID 1 appears twice"},
      {"ID,CL\n1,\n", "pop.csv:2: CL: not a number (got '')"},
      {"ID,CL\n1,nan\n", "pop.csv:2: CL: not a number (got 'nan')"},
      {"ID,CL\n1,1e999\n", "pop.csv:2: CL: not a number (got '1e999')"},
      {"ID,CL\n1,-3\n", "pop.csv:2: CL must be > 0 L/h (got -3 L/h)"},
      {"ID,F_SC\n1,1.2\n", "pop.csv:2: F_SC must be 0-1"},
      {"ID,WT\n1,7000\n", "pop.csv:2: WT must be > 0 and <= 700 kg (got 7000 kg)"},
      {"ID,S_T12[d]\n1,0\n", "pop.csv:2: S_T12[d] must be > 0 h (got 0 h)"},
  };
  for (const Case& c : cases) {
    const core::Error e = refusal(c.text);
    EXPECT_EQ(e.code, core::ErrorCode::InvalidData) << c.text;
    EXPECT_NE(e.message.find(c.message), std::string::npos)
        << "input: " << c.text << "\nmessage: " << e.message << "\nexpected: " << c.message;
  }
}

TEST(SubjectsFile, AMissingFileIsNotFoundAndTheMessageNamesIt) {
  const auto result =
      read_subjects_file("/nonexistent/pop.csv", population::benchmark_subject_columns(),
                         population::benchmark_typical_subject());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::NotFound);
  EXPECT_NE(result.error().message.find("/nonexistent/pop.csv"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::io
