// Response: baseline, responder (>= 50%), remission bands, trend and the maintenance suggestion.

#include "clinic/domain/response.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

// A HAM-A rating with the given total spread over the 14 items.
ScaleRating hama(Timestamp when, int total) {
  std::vector<int> items(14, 0);
  for (int i = 0; i < total; ++i) {
    items[static_cast<std::size_t>(i % 14)] += 1;
  }
  return {Scale::HamA, when, items, total, "clinician"};
}

std::vector<Session> course_with_totals(const std::vector<int>& totals) {
  std::vector<Session> out;
  Timestamp t = at("2026-09-01T09:00:00Z");
  for (std::size_t i = 0; i < totals.size(); ++i) {
    Session s;
    s.started_at = t;
    s.ratings = {hama(t, totals[i])};
    out.push_back(s);
    t += std::chrono::days(7);
  }
  return out;
}

TEST(Response, ResponderAtExactlyHalfOfBaseline) {
  const auto r = analyse_response(course_with_totals({24, 18, 12}), Scale::HamA);
  ASSERT_TRUE(r.baseline);
  EXPECT_EQ(*r.baseline, 24);
  EXPECT_EQ(r.latest, ResponseStatus::Response);
  EXPECT_DOUBLE_EQ(r.trajectory.back().change_from_baseline, -0.5);
  const auto just_below = analyse_response(course_with_totals({24, 18, 13}), Scale::HamA);
  EXPECT_EQ(just_below.latest, ResponseStatus::PartialResponse);
}

TEST(Response, RemissionNeedsResponseAndTheBand) {
  EXPECT_EQ(analyse_response(course_with_totals({24, 12, 7}), Scale::HamA).latest,
            ResponseStatus::Remission);
  EXPECT_EQ(analyse_response(course_with_totals({24, 12, 8}), Scale::HamA).latest,
            ResponseStatus::Response);
  EXPECT_EQ(remission_cutoff(Scale::Gad7), 4);
  EXPECT_FALSE(remission_cutoff(Scale::Cadss));
}

TEST(Response, ReferenceLinesFollowTheClassificationRule) {
  // responder_total is the highest total classified as a response: at it, a response; one
  // above, not (whatever the policy's reduction), so a chart's line agrees with `latest`.
  for (const double reduction : {0.5, 0.3, 0.65}) {
    const ResponsePolicy policy{.responder_reduction = reduction, .partial_reduction = 0.1};
    for (const int base : {24, 25, 10, 9}) {
      const auto r = analyse_response(course_with_totals({base}), Scale::HamA, policy);
      ASSERT_TRUE(r.responder_total) << base << " " << reduction;
      const int line = *r.responder_total;
      const auto at_line = analyse_response(course_with_totals({base, line}), Scale::HamA, policy);
      const auto above =
          analyse_response(course_with_totals({base, line + 1}), Scale::HamA, policy);
      EXPECT_TRUE(at_line.latest == ResponseStatus::Response ||
                  at_line.latest == ResponseStatus::Remission)
          << base << " " << reduction;
      EXPECT_EQ(above.latest, ResponseStatus::PartialResponse) << base << " " << reduction;
    }
  }
  const auto r = analyse_response(course_with_totals({25, 20}), Scale::HamA);
  EXPECT_EQ(r.responder_total, 12);  // 12.5 is half of 25: 12 is the highest whole total
  EXPECT_EQ(r.remission_total, 7);
  EXPECT_EQ(analyse_response(course_with_totals({24}), Scale::HamA).responder_total, 12);
  EXPECT_FALSE(analyse_response(course_with_totals({0, 0}), Scale::HamA).responder_total);
  EXPECT_FALSE(analyse_response({}, Scale::HamA).responder_total);
  EXPECT_FALSE(analyse_response({}, Scale::HamA).remission_total);
}

TEST(Response, NonResponderAfterLoadingIsNotOfferedMaintenance) {
  const auto r = analyse_response(course_with_totals({24, 23, 22, 23, 22, 21}), Scale::HamA);
  EXPECT_EQ(r.latest, ResponseStatus::NonResponse);
  EXPECT_NE(r.suggestion.find("maintenance not suggested"), std::string::npos);
}

TEST(Response, SustainedRemissionSuggestsTaper) {
  const auto r = analyse_response(course_with_totals({24, 10, 6, 5, 5, 4}), Scale::HamA);
  EXPECT_EQ(r.latest, ResponseStatus::Remission);
  EXPECT_NE(r.suggestion.find("taper"), std::string::npos);
}

TEST(Response, FadingResponseSuggestsShorterInterval) {
  // Responded (6 = 75% down), then drifting up but still >= 50% below baseline.
  const auto r = analyse_response(course_with_totals({24, 6, 6, 6, 9, 11, 12}), Scale::HamA);
  EXPECT_EQ(r.trend, "worsening");
  EXPECT_NE(r.suggestion.find("shorten the interval"), std::string::npos);
  const auto lost = analyse_response(course_with_totals({24, 10, 20}), Scale::HamA);
  EXPECT_EQ(lost.best, ResponseStatus::Response);
  EXPECT_EQ(lost.latest, ResponseStatus::NonResponse);
  EXPECT_NE(lost.suggestion.find("lost response"), std::string::npos);
}

TEST(Response, NoRatingsOrBaselineOnly) {
  EXPECT_EQ(analyse_response({}, Scale::Gad7).latest, ResponseStatus::Insufficient);
  const auto only = analyse_response(course_with_totals({20}), Scale::HamA);
  EXPECT_EQ(only.latest, ResponseStatus::Insufficient);
  EXPECT_TRUE(only.trajectory.empty());
}

TEST(Response, OtherScalesAreIgnoredAndOrderDoesNotMatter) {
  auto sessions = course_with_totals({24, 12});
  std::swap(sessions[0], sessions[1]);
  sessions[0].ratings.push_back(
      {Scale::Gad7, sessions[0].started_at, std::vector<int>(7, 3), 21, "self"});
  const auto r = analyse_response(sessions, Scale::HamA);
  EXPECT_EQ(*r.baseline, 24);
  EXPECT_EQ(r.trajectory.size(), 1u);
  EXPECT_EQ(r.trajectory[0].session_index, 2);
}

}  // namespace
}  // namespace ketapath::clinic
