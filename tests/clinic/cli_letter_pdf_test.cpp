// Issue 14 item 1: the letter to the care team as a PDF, from the same content as the HTML report.
// The PDF is read back with poppler-utils as a reader would see it: pdftotext -raw (content
// order, so a table row reads left to right even when its cells wrap: the addressees,
// every adverse event, alert and dose row, page count), pdffonts (every font embedded) and
// pdftoppm (the chart area is drawn, not blank).

#include <algorithm>
#include <chrono>
#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "cli_fixture.h"

namespace {

using ketapath::test::ClinicCliFixture;
using nlohmann::json;
namespace chrono = std::chrono;

class ClinicLetterPdfCli : public ClinicCliFixture {
 protected:
  // Runs a poppler tool on the PDF; its output.
  std::string tool(const std::string& command) {
    const auto r = ketapath::testing::run_shell(command + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.out;
    return r.out;
  }
};

std::string day_text(chrono::sys_days day) {
  const chrono::year_month_day ymd(day);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// Whitespace (line ends inside wrapped table cells, page breaks) collapsed to one space.
std::string words(const std::string& text) {
  // A word broken at its own hyphen by the layout ("rule-" / "based") is one word again.
  const std::string joined = std::regex_replace(text, std::regex(R"((\S)-\n)"), "$1-");
  return std::regex_replace(joined, std::regex(R"(\s+)"), " ");
}

// Pixels of an RGB PPM (P6) image near a colour.
std::size_t pixels_near(const std::string& ppm, int r, int g, int b) {
  std::size_t pos = 0;
  int fields = 0;
  while (fields < 4 && pos < ppm.size()) {  // "P6", width, height, maxval
    while (pos < ppm.size() && std::isspace(static_cast<unsigned char>(ppm[pos])) != 0) {
      ++pos;
    }
    while (pos < ppm.size() && std::isspace(static_cast<unsigned char>(ppm[pos])) == 0) {
      ++pos;
    }
    ++fields;
  }
  ++pos;  // the single whitespace after maxval
  std::size_t n = 0;
  for (; pos + 2 < ppm.size(); pos += 3) {
    const auto near = [](unsigned char v, int want) {
      return std::abs(int(v) - want) <= 24;
    };
    if (near(ppm[pos], r) && near(ppm[pos + 1], g) && near(ppm[pos + 2], b)) {
      ++n;
    }
  }
  return n;
}

TEST_F(ClinicLetterPdfCli, ThePdfLetterHoldsEveryRowAndItsChart) {
  // A loading series of six infusions starting on a Monday 23 to 29 days ago (the date rules
  // keep sessions within the last year and orders within 30 days, so the test does not age).
  const auto today = chrono::floor<chrono::days>(chrono::system_clock::now());
  chrono::sys_days monday = today - chrono::days(23);
  while (chrono::weekday(monday) != chrono::Monday) {
    monday -= chrono::days(1);
  }
  const int id = add_cleared_patient(day_text(monday));
  const std::string p = " --patient " + std::to_string(id);
  ASSERT_EQ(run("care-team add" + p +
                " --role psychiatrist --name 'Dr Maria Weber' --practice 'Praxis am Markt'")
                .exit_code,
            0);
  ASSERT_EQ(run("care-team add" + p + " --role pcp --name 'Dr Tom Berg'").exit_code, 0);
  const auto c = run("course plan" + p + " --protocol iv_loading --per-week 3 --start " +
                     day_text(monday) + " --json");
  ASSERT_EQ(c.exit_code, 0) << last_error();
  const std::vector<int> offsets{0, 2, 4, 7, 9, 11};
  const std::vector<std::vector<int>> gad{{2, 3, 2, 2, 2, 1, 2}, {2, 2, 2, 2, 1, 1, 2},
                                          {2, 2, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1},
                                          {1, 1, 1, 0, 1, 0, 1}, {1, 0, 1, 0, 0, 0, 1}};
  std::vector<std::string> events;
  std::vector<std::string> starts;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::string day = day_text(monday + chrono::days(offsets[i]));
    json s = session_on(id, day);
    s["course"] = json::parse(c.out).at("id");
    s["ratings"][0]["items"] = gad[i];
    events.push_back(fmt::format("event {} transient dizziness while standing", i + 1));
    s["adverse_events"][0]["description"] = events.back();
    if (i == 0) {  // a severe event unresolved at discharge: urgent alerts
      s["adverse_events"].push_back({{"at", day + "T09:30:00Z"},
                                     {"description", "hypertensive reaction 178/112"},
                                     {"severity", "severe"},
                                     {"action", "infusion stopped, labetalol 10 mg IV"},
                                     {"resolved", false},
                                     {"outcome", "160/100 at discharge, GP to recheck"}});
      events.push_back("hypertensive reaction 178/112");
    }
    starts.push_back(day + "T09:00:00Z");
    ASSERT_EQ(run("session record " + write("s" + std::to_string(i) + ".json", ready(s))).exit_code,
              0)
        << last_error();
  }
  const json raised = alerts(id);
  ASSERT_GE(raised.size(), 2u);
  ASSERT_EQ(run("alert ack " + std::to_string(raised[0].at("id").get<int>()) +
                    " --note 'BP rechecked 150/92 after 20 min, PCP called'",
                "dr.lee")
                .exit_code,
            0)
      << last_error();

  // A PDF needs a file; the terminal gets a usage error, not binary.
  EXPECT_EQ(run("report" + p + " --format pdf", "dr.lee").exit_code, 2);
  const std::string pdf = (dir_ / "letter.pdf").string();
  const auto r = run("report" + p + " --format pdf -o " + pdf, "dr.lee");
  ASSERT_EQ(r.exit_code, 0) << last_error();
  EXPECT_EQ(std::filesystem::status(pdf).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  const std::string text = tool("pdftotext -raw -enc UTF-8 " + pdf + " -");
  const std::string t = words(text);
  // The addressees (psychiatrist first), the sender and the signature.
  EXPECT_NE(t.find("To: Dr Maria Weber (psychiatrist), Praxis am Markt"), std::string::npos) << t;
  EXPECT_NE(t.find("To: Dr Tom Berg (PCP)"), std::string::npos);
  EXPECT_LT(t.find("Dr Maria Weber"), t.find("Dr Tom Berg"));
  EXPECT_NE(t.find("From: dr.lee"), std::string::npos);
  EXPECT_NE(t.find("Summary: 6 infusion(s)"), std::string::npos) << t;
  EXPECT_NE(t.find("Signed: dr.lee, acting clinician"), std::string::npos);
  // Every adverse event, its outcome, every alert and every dose row.
  for (const std::string& e : events) {
    EXPECT_NE(t.find(e), std::string::npos) << "adverse event " << e << " missing:\n" << t;
  }
  EXPECT_NE(t.find("UNRESOLVED: 160/100 at discharge, GP to recheck"), std::string::npos);
  for (const json& a : raised) {
    EXPECT_NE(t.find(words(a.at("message").get<std::string>())), std::string::npos)
        << "alert " << a.at("message") << " missing:\n"
        << t;
  }
  EXPECT_NE(t.find("BP rechecked 150/92 after 20 min, PCP called"), std::string::npos);
  EXPECT_NE(t.find("OPEN"), std::string::npos);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    EXPECT_NE(t.find(fmt::format("{} {} iv 0.5 mg/kg = 35 mg", i + 1, starts[i])),
              std::string::npos)
        << "dose row " << i + 1 << " missing:\n"
        << t;
  }
  EXPECT_NE(t.find("Proposed dates:"), std::string::npos);
  // The same content as the text report: every paragraph and table cell of the Markdown letter
  // (the HTML is the same blocks) is in the PDF; only the generation time may differ by seconds.
  const auto markdown = run("report" + p, "dr.lee");
  ASSERT_EQ(markdown.exit_code, 0);
  std::istringstream md(markdown.out);
  std::string md_line;
  int checked = 0;
  while (std::getline(md, md_line)) {
    if (md_line.empty() || md_line.starts_with('<') || md_line.starts_with("| ---")) {
      continue;
    }
    std::vector<std::string> pieces;
    if (md_line.starts_with("| ")) {  // table cells
      for (std::size_t at = 2, end = 0; (end = md_line.find(" |", at)) != std::string::npos;
           at = end + 3) {
        pieces.push_back(md_line.substr(at, end - at));
      }
    } else if (md_line.starts_with('#')) {
      pieces.push_back(md_line.substr(md_line.find(' ') + 1));
    } else {
      pieces.push_back(md_line.substr(0, std::min(md_line.find(" Generated "), md_line.size())));
    }
    for (const std::string& piece : pieces) {
      if (piece.starts_with("Signed: ")) {
        continue;  // checked above; its time is the generation time
      }
      ++checked;
      EXPECT_NE(t.find(words(piece)), std::string::npos) << "not in the PDF: " << piece;
    }
  }
  EXPECT_GT(checked, 100);

  // Pages: the six infusions do not fit on one; the footer counts them.
  const auto pages = static_cast<int>(std::count(text.begin(), text.end(), '\f'));
  EXPECT_GE(pages, 2);
  EXPECT_NE(t.find(fmt::format("page 1 of {}", pages)), std::string::npos) << t;
  EXPECT_NE(t.find(fmt::format("page {} of {}", pages, pages)), std::string::npos);

  // Every font is embedded (pdffonts: the "emb" column).
  const std::string fonts = tool("pdffonts " + pdf);
  std::istringstream lines(fonts);
  std::string line;
  int font_rows = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("name") || line.starts_with("---") || line.empty()) {
      continue;
    }
    ++font_rows;
    EXPECT_NE(line.find(" yes "), std::string::npos) << "font not embedded: " << line;
  }
  EXPECT_GE(font_rows, 1) << fonts;

  // The chart area is drawn: the trough line and points (#1565c0) and the severity bands
  // (GAD-7 mild #fffde7 ... severe #ffebee) appear when the pages are rendered.
  ASSERT_EQ(ketapath::testing::run_shell("pdftoppm -r 72 " + pdf + " " + (dir_ / "page").string())
                .exit_code,
            0);
  std::size_t blue = 0;
  std::size_t band = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".ppm") {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string ppm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      blue += pixels_near(ppm, 0x15, 0x65, 0xc0);
      band += pixels_near(ppm, 0xff, 0xeb, 0xee);
    }
  }
  EXPECT_GT(blue, 300u) << "the score chart's trough line is not drawn";
  EXPECT_GT(band, 2000u) << "the score chart's severity bands are not drawn";
}

}  // namespace
