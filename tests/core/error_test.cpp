#include "core/error.h"

#include <gtest/gtest.h>

#include "support/must.h"

namespace ketapath::core {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) {
    return fail(ErrorCode::InvalidArgument, "parse_positive: value must be > 0 (got {})", value);
  }
  return value;
}

Result<int> doubled(int value) {
  const int parsed = KETAPATH_TRY(parse_positive(value));
  return parsed * 2;
}

TEST(ErrorTest, FailCarriesCodeAndFormattedMessage) {
  const auto result = parse_positive(-3);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(result.error().message, "parse_positive: value must be > 0 (got -3)");
}

TEST(ErrorTest, TryPropagatesErrorsAndUnwrapsValues) {
  EXPECT_EQ(doubled(4).value(), 8);
  const auto failed = doubled(0);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::InvalidArgument);
}

TEST(ErrorTest, ContextIsPrefixedAndCodeKept) {
  const Error error = with_context(Error{ErrorCode::NotFound, "no such model"}, "loading x");
  EXPECT_EQ(error.message, "loading x: no such model");
  EXPECT_EQ(error.code, ErrorCode::NotFound);
}

TEST(ErrorTest, EveryCodeHasAName) {
  EXPECT_EQ(error_code_name(ErrorCode::InvalidData), "invalid data");
  EXPECT_EQ(error_code_name(ErrorCode::Storage), "storage failure");
}

}  // namespace
}  // namespace ketapath::core

namespace ketapath::testing {
namespace {

TEST(MustTest, ReturnsTheValueOfAResult) {
  EXPECT_EQ(must(core::Result<int>(7)), 7);
  EXPECT_NO_THROW(must(core::Status{}));
}

TEST(MustTest, AFailedResultThrowsItsCodeAndMessageInsteadOfCrashing) {
  const core::Result<int> failed =
      core::fail(core::ErrorCode::NotFound, "patient {} does not exist", 42);
  try {
    (void)must(failed);
    FAIL() << "must() returned for a failed Result";
  } catch (const FailedResult& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("error_test.cpp:"), std::string::npos) << text;
    EXPECT_NE(text.find("not found: patient 42 does not exist"), std::string::npos) << text;
  }
  const core::Status broken = core::fail(core::ErrorCode::Storage, "disk full");
  EXPECT_THROW(must(broken), FailedResult);
}

}  // namespace
}  // namespace ketapath::testing
