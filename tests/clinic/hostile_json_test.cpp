// Issue 10 items 1, 2, 4, 5: the one JSON entry point is bounded (depth, size), library
// exceptions never escape, messages never repeat untrusted input, and absent/null clinical
// answers read as unknown.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "clinic/json/json.h"
#include "core/limits.h"

namespace ketapath::clinic {
namespace {

namespace fs = std::filesystem;

TEST(HostileJson, DeepNestingIsRefusedAtParseTimeWithoutRecursion) {
  // Issue reproducer: 65,600 levels used to overflow the stack in dump().
  const std::string deep = std::string(65'600, '[') + std::string(65'600, ']');
  const auto start = std::chrono::steady_clock::now();
  const auto r = parse_json(deep, "d.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_EQ(r.error().message,
            "d.json:1:65: JSON nesting must be at most 64 levels deep (a limit of "
            "docs/limits.md)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // Objects count too, and strings holding brackets do not.
  std::string objects;
  for (int i = 0; i < 100; ++i) {
    objects += "{\"a\":";
  }
  EXPECT_EQ(parse_json(objects + "1" + std::string(100, '}'), "o.json").error().code,
            core::ErrorCode::LimitExceeded);
  const std::string ok = std::string(64, '[') + "\"[[[[\"" + std::string(64, ']');
  EXPECT_TRUE(parse_json(ok, "ok.json"));
}

TEST(HostileJson, NumberOverflowIsAMalformedFileNotAnException) {
  const auto r = parse_json("{\"gad\":\n  1e400}", "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::InvalidData);
  EXPECT_EQ(r.error().message,
            "s.json:2:7: malformed JSON: number 1e400 is out of range (finite numbers only, |x| "
            "< 1.8e308)");
}

TEST(HostileJson, SyntaxErrorsNameLineAndColumnAndQuoteLittle) {
  const std::string garbage = "{\"a\": tru" + std::string(100'000, 'x') + "}";
  const auto r = parse_json(garbage, "g.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::InvalidData);
  EXPECT_EQ(r.error().message.rfind("g.json:1:", 0), 0u) << r.error().message;
  EXPECT_LT(r.error().message.size(), 300u) << r.error().message;
}

TEST(HostileJson, WrongTypeMessagesNeverDumpTheInput) {
  // A megabyte string, and a deep (but allowed) array, where a number belongs.
  Json session = Json::parse(R"({"patient": 1, "route": "iv", "started_at": "2026-01-01T10:00Z",
                                 "ended_at": "2026-01-01T12:00Z"})");
  session["dose_mg_per_kg"] = std::string(1'000'000, 'A');
  auto r = session_from_json(session, "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::InvalidData);
  EXPECT_LT(r.error().message.size(), 200u);
  EXPECT_NE(r.error().message.find("s.json.dose_mg_per_kg: expected a number (got \"AAAA"),
            std::string::npos)
      << r.error().message;
  Json nested = Json::array();
  for (int i = 0; i < 60; ++i) {
    nested = Json::array({nested});
  }
  session["dose_mg_per_kg"] = Json::array({nested, std::string(100'000, 'B')});
  r = session_from_json(session, "s.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "s.json.dose_mg_per_kg: expected a number (got an array of 2 values)");
}

TEST(HostileJson, HugeWholeNumbersDoNotWrap) {
  Json history = Json::parse(R"([{"kind": "antidepressant", "name": "x", "duration_weeks": 8,
                                  "outcome": "non_response"}])");
  history[0]["psychotherapy_sessions"] = 18446744073709551615ull;
  const auto r = treatment_history_from_json(history, "h.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("h.json[0].psychotherapy_sessions"), std::string::npos)
      << r.error().message;
}

TEST(HostileJson, FilesAreBoundedBeforeReading) {
  const fs::path path =
      fs::temp_directory_path() / ("ketapath-big-" + std::to_string(getpid()) + ".json");
  {
    std::ofstream out(path);
    out << "[\"";
    const std::string chunk(1 << 20, 'x');
    for (std::uintmax_t written = 0; written <= core::limits::kMaxJsonFileBytes;
         written += chunk.size()) {
      out << chunk;
    }
    out << "\"]";
  }
  const auto r = read_json_file(path.string());
  fs::remove(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::LimitExceeded);
  EXPECT_NE(r.error().message.find("must be <= 16777216 bytes (got "), std::string::npos)
      << r.error().message;
  EXPECT_EQ(read_json_file("/nonexistent/x.json").error().code, core::ErrorCode::NotFound);
  // An endless device is refused at the limit, not read forever.
  EXPECT_EQ(read_json_file("/dev/zero").error().code, core::ErrorCode::LimitExceeded);
}

TEST(HostileJson, NullAndAbsentAnswersAreUnknownNeverNo) {
  const auto in = screening_input_from_json(
      Json::parse(R"({"gad": {"restlessness": null}, "contraindications": {"pregnancy": null,
                     "psychosis": false}})"),
      "s.json");
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_FALSE(in->gad.restlessness.has_value());
  EXPECT_FALSE(in->contraindications.pregnancy.has_value());
  EXPECT_EQ(in->contraindications.psychosis, false);
  EXPECT_FALSE(in->contraindications.uncontrolled_hypertension.has_value());  // absent
  // Written back as null, and read back the same.
  const Json back = to_json(*in);
  EXPECT_TRUE(back["contraindications"]["pregnancy"].is_null());
  EXPECT_EQ(back["contraindications"]["psychosis"], false);
  const auto again = screening_input_from_json(back, "back");
  ASSERT_TRUE(again);
  EXPECT_EQ(canonical(to_json(*again)), canonical(back));
}

}  // namespace
}  // namespace ketapath::clinic
