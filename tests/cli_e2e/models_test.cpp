// `ketapath models`: the catalogue as a table and as JSON.

#include <gtest/gtest.h>

#include "run_ketapath.h"

namespace ketapath::e2e {
namespace {

TEST(ModelsTest, TableListsEveryModelWithNonmemNamesAndParameters) {
  const RunResult r = run_ketapath({"models"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected :
       {"one_cmt  (ADVAN1", "one_cmt_depot  (ADVAN2", "two_cmt  (ADVAN3 TRANS4",
        "two_cmt_depot  (ADVAN4 TRANS4", "three_cmt  (ADVAN11 TRANS4",
        "three_cmt_depot  (ADVAN12 TRANS4", "one_cmt_mm  (ADVAN10", "Q4", "KE0"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST(ModelsTest, JsonHasParametersAndCompartments) {
  const RunResult r = run_ketapath({"models", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '[');
  for (const char* expected :
       {"\"name\": \"two_cmt_depot\"", "\"nonmem\": \"ADVAN4 TRANS4\"", "\"name\": \"V3\"",
        "\"unit\": \"L/h\"", "\"compartments\"", "\"name\": \"ALAG1\""}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected;
  }
}

}  // namespace
}  // namespace ketapath::e2e
