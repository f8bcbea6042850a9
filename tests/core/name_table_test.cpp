// One table per enum, both directions (core/name_table.h).

#include "core/name_table.h"

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

enum class Colour { Red, Green, Blue };

constexpr NameTable<Colour, 3> kColours{
    {{Colour::Red, "red"}, {Colour::Green, "green"}, {Colour::Blue, "Blue"}}};

TEST(NameTable, EveryNameReadsBackToItsValue) {
  for (const auto& [value, name] : kColours) {
    EXPECT_EQ(value_of(kColours, name_of(kColours, value), "colour"), value) << name;
  }
  static_assert(name_of(kColours, Colour::Green) == "green");
}

TEST(NameTable, CaseIsIgnoredAndRefusalsListTheNames) {
  EXPECT_EQ(value_of(kColours, "RED", "colour"), Colour::Red);
  EXPECT_EQ(value_of(kColours, "blue", "colour"), Colour::Blue);
  const auto bad = value_of(kColours, "mauve", "colour");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(bad.error().message, "colour: \"mauve\" is not one of red, green, Blue");
}

TEST(NameTable, RefusalsQuoteOnlyAnExcerptOfHostileText) {
  const std::string huge(100'000, 'x');
  const auto bad = value_of(kColours, huge + "\x1b[2J", "colour");
  ASSERT_FALSE(bad);
  EXPECT_LT(bad.error().message.size(), 200U);
  EXPECT_EQ(bad.error().message.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace ketapath::core
