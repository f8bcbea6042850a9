// Diagnostics: percentiles (type 7), time bins, a VPC of data simulated from the model itself
// (the observed percentiles fall inside the simulated bands), and the charts' marks.

#include "nlme/diagnostics.h"

#include <gtest/gtest.h>

#include "nlme/simulate.h"
#include "nlme_test_data.h"
#include "support/must.h"

namespace ketapath::nlme {
namespace {

using ketapath::testing::must;

TEST(Diagnostics, PercentilesInterpolateBetweenOrderStatistics) {
  std::vector<double> v{4, 1, 3, 2, 5};
  EXPECT_EQ(percentile(v, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.05), 1.2);  // 1 + 0.2 (2 - 1)
  EXPECT_DOUBLE_EQ(percentile(v, 0.95), 4.8);
  std::vector<double> one{7};
  EXPECT_EQ(percentile(one, 0.95), 7.0);
}

TEST(Diagnostics, BinsAreDistinctTimesOrEqualCountGroups) {
  const std::vector<double> t{1, 2, 1, 4, 2, 1};
  EXPECT_EQ(time_bins(t, 12), (std::vector<std::size_t>{0, 1, 0, 2, 1, 0}));
  std::vector<double> many;
  for (int i = 0; i < 100; ++i) {
    many.push_back(i);
  }
  const auto b = time_bins(many, 4);
  EXPECT_EQ(b.front(), 0U);
  EXPECT_EQ(b.back(), 3U);
  EXPECT_EQ(std::count(b.begin(), b.end(), 1U), 25);
}

TEST(Diagnostics, VpcOfTheTrueModelCoversTheObservations) {
  const auto model = testing::two_cmt_model();
  const auto subjects = testing::bolus_subjects(60, 100.0);
  const auto sims = must(simulate(*model, {.subjects = subjects}, {.seed = 99}));
  const std::vector<std::vector<double>> dv = testing::simulated_dv(subjects, sims);
  const Vpc v = must(vpc(*model, {.subjects = subjects, .dv = dv}, {.replicates = 100, .seed = 1}));
  ASSERT_EQ(v.bins.size(), testing::kDesign.size());
  int inside = 0;
  for (const VpcBin& b : v.bins) {
    EXPECT_EQ(b.count, 60U);
    for (std::size_t p = 0; p < 3; ++p) {
      inside += b.observed[p] >= b.simulated[p][0] && b.observed[p] <= b.simulated[p][2] ? 1 : 0;
    }
  }
  EXPECT_GE(inside, 22);  // of 24 percentile-bins, each inside its 95% band with p ~ 0.95
  const std::string svg = core::render_svg(vpc_chart(v, "two_cmt"));
  EXPECT_NE(svg.find("visual predictive check (100 replicates)"), std::string::npos);
  EXPECT_NE(svg.find("<polygon"), std::string::npos);
}

TEST(Diagnostics, GoodnessOfFitHasThreePanels) {
  FitResult fit;
  SubjectFit s;
  s.observations = {{.time = core::Hours(1), .dv = 2, .ipred = 1.9, .pred = 1.5, .iwres = 0.5},
                    {.time = core::Hours(4), .dv = 1, .ipred = 1.1, .pred = 1.2, .iwres = -0.9}};
  fit.subjects.push_back(s);
  const std::string svg = core::render_svg(gof_chart(fit, "one_cmt"));
  for (const char* title :
       {"DV vs PRED", "DV vs IPRED", "IWRES vs TIME", "one_cmt: goodness of fit"}) {
    EXPECT_NE(svg.find(title), std::string::npos) << title;
  }
  // Two observations in each of three panels.
  std::size_t circles = 0;
  for (std::size_t at = svg.find("<circle"); at != std::string::npos;
       at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 6U);
}

}  // namespace
}  // namespace ketapath::nlme
