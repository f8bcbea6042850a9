// What counts as saying nothing in a free-text field, and what may not appear in one.

#include "core/text.h"

#include <string>

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

TEST(Text, BlankIsEveryKindOfInvisibleSpace) {
  for (const std::string s : {std::string(), std::string(" \t\r\n"), std::string("\u00a0"),
                              std::string("\u200b\u200d"), std::string("\u2028\u3000\ufeff")}) {
    EXPECT_TRUE(is_blank(s)) << s.size();
  }
  for (const std::string s : {std::string("x"), std::string("\u00a0x"), std::string("\xff")}) {
    EXPECT_FALSE(is_blank(s)) << s;
  }
}

TEST(Text, RequiredTextNamesTheFieldAndTheProblem) {
  EXPECT_TRUE(check_required_text("reason", "patient asked, BP fine"));
  EXPECT_TRUE(check_required_text("reason", "two\nlines"));
  EXPECT_EQ(check_required_text("reason", "\u00a0").error().message,
            "reason: must not be empty or only spaces");
  EXPECT_EQ(check_required_text("name", "a\x1b[2J", 200, false).error().message,
            "name: must not contain control characters (found U+001B at character 2)");
  EXPECT_EQ(check_required_text("name", "a\nb", 200, false).error().code, ErrorCode::Validation);
  EXPECT_EQ(check_required_text("name", "ab\xc3", 200).error().message,
            "name: is not valid UTF-8 (at character 3)");
  EXPECT_EQ(check_required_text("name", std::string(5, 'x'), 4).error().message,
            "name: at most 4 characters (got 5)");
  EXPECT_TRUE(check_required_text("name", "Zoë", 3));  // characters, not bytes
}

// The one case fold of keywords: ASCII letters only; other bytes (digits, punctuation, UTF-8)
// pass through, so a multi-byte character is never split or changed.
TEST(Text, AsciiCaseFoldChangesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("IV Sc-GAD-7_x9"), "iv sc-gad-7_x9");
  EXPECT_EQ(ascii_upper("iv Sc-gad-7_X9"), "IV SC-GAD-7_X9");
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\xa9"), "\xc3\x89t\xc3\xa9");  // ÉTé: only the T
  EXPECT_EQ(ascii_upper("\xc3\xa9t@[`{"), "\xc3\xa9T@[`{");  // bytes around the letters kept
  EXPECT_EQ(ascii_lower(""), "");
}

}  // namespace
}  // namespace ketapath::core
