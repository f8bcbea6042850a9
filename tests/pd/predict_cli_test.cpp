// `ketapath predict` end to end: the CSV contract and the acceptance numbers.

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

struct Output {
  int status = -1;
  std::string text;
};

Output run(const std::string& arguments) {
  const std::string command = std::string(KETAPATH_EXECUTABLE) + " " + arguments + " 2>&1";
  Output out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return out;
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    out.text += buffer;
  }
  const int raw = pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

std::vector<std::vector<double>> parse_rows(const std::string& csv, std::string* header) {
  std::istringstream in(csv);
  std::getline(in, *header);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) {
      row.push_back(std::stod(field));
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(PredictCliTest, Iv05MgPerKgOver40MinutesMeetsTheAcceptance) {
  const Output out = run("predict --route iv --dose 0.5mg/kg --duration-min 40");
  ASSERT_EQ(out.status, 0) << out.text;
  std::string header;
  const auto rows = parse_rows(out.text, &header);
  EXPECT_EQ(header,
            "time_h,ket_ng_ml,norket_ng_ml,ce_ng_ml,cadss,dsbp_mmhg,ddbp_mmhg,dhr_bpm,"
            "anxiety_reduction,acute_reduction,sustained_reduction");
  ASSERT_EQ(rows.size(), 24u * 12u + 1u);  // 24 h at 5 min, both ends
  double cmax = 0.0;
  double cadss_peak = 0.0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 11u);
    cmax = std::max(cmax, r[1]);
    cadss_peak = std::max(cadss_peak, r[4]);
    EXPECT_GE(r[8], 0.0);
    EXPECT_LE(r[8], 1.0);
    // The two mechanisms combine to the drug reduction: R = 1 - (1 - Ra)(1 - S), to the 5
    // printed decimals of each column.
    EXPECT_NEAR(r[8], 1.0 - (1.0 - r[9]) * (1.0 - r[10]), 2e-5) << "t = " << r[0];
    EXPECT_GE(r[9], 0.0);
    EXPECT_GE(r[10], 0.0);
  }
  // The acute part follows the concentration and is gone by 24 h; the sustained part has built.
  EXPECT_GT(rows[12][9], 0.05);      // 1 h
  EXPECT_LT(rows.back()[9], 1e-3);   // 24 h
  EXPECT_GT(rows.back()[10], 0.01);  // 24 h
  EXPECT_GE(cmax, 150.0);
  EXPECT_LE(cmax, 230.0);
  for (const auto& r : rows) {
    if (r[0] >= 40.0 / 60.0 + 2.0 - 1e-9) {
      EXPECT_LT(r[4], 0.2 * cadss_peak) << "t = " << r[0];
    }
  }
}

TEST(PredictCliTest, FixedDoseWeightAndStepOptions) {
  const Output out = run("predict --route sc --dose 35mg --weight-kg 50 --hours 2 --step-min 30");
  ASSERT_EQ(out.status, 0) << out.text;
  std::string header;
  const auto rows = parse_rows(out.text, &header);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0][1], 0.0);
  EXPECT_GT(rows[1][1], 0.0);
}

TEST(PredictCliTest, BadInputIsAUsageErrorNamingTheValue) {
  const Output dose = run("predict --route iv --dose 0.5mg/lb");
  EXPECT_EQ(dose.status, 2);
  EXPECT_NE(dose.text.find("mg/lb"), std::string::npos);
  const Output route = run("predict --route rectal --dose 10mg");
  EXPECT_EQ(route.status, 2);
  EXPECT_NE(route.text.find("rectal"), std::string::npos);
  const Output infused = run("predict --route sc --dose 10mg --duration-min 10");
  EXPECT_EQ(infused.status, 2);
  const Output model = run("predict --route iv --dose 10mg --model no_such_model");
  EXPECT_EQ(model.status, 4);
  EXPECT_NE(model.text.find("no_such_model"), std::string::npos);
}

}  // namespace
