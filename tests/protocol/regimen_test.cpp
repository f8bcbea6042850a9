#include "protocol/regimen.h"

#include <gtest/gtest.h>

namespace ketapath::protocol {
namespace {

using core::Hours;

RouteCompartments compartments() {
  RouteCompartments c;
  c[Route::Iv] = 2;
  c[Route::Sc] = 1;
  return c;
}

Phase sc_ascending() {
  Phase p;
  p.label = "ascending";
  p.route = Route::Sc;
  p.doses = {DoseAmount::per_kg(core::MilligramsPerKilogram(0.25)),
             DoseAmount::per_kg(core::MilligramsPerKilogram(0.5)),
             DoseAmount::per_kg(core::MilligramsPerKilogram(1.0))};
  p.schedule = interval_schedule(kWeek, 3).value();
  return p;
}

TEST(DoseAmount, WeightBasedAndFixed) {
  const auto per_kg = DoseAmount::per_kg(core::MilligramsPerKilogram(0.5));
  EXPECT_TRUE(per_kg.weight_based());
  EXPECT_DOUBLE_EQ(per_kg.for_weight(core::Kilograms(80.0)).value(), 40.0);
  EXPECT_EQ(per_kg.describe(), "0.5 mg/kg");
  const auto fixed = DoseAmount::fixed(core::Milligrams(35.0));
  EXPECT_FALSE(fixed.weight_based());
  EXPECT_DOUBLE_EQ(fixed.for_weight(core::Kilograms(80.0)).value(), 35.0);
  EXPECT_EQ(fixed.describe(), "35 mg");
}

TEST(Regimen, AscendingDosesGiveOneRecordPerDoseInItsCompartment) {
  Regimen r{{sc_ascending()}};
  const auto timeline = build_timeline(r, core::Kilograms(70.0), compartments(), {}, "7").value();
  EXPECT_EQ(timeline.id, "7");
  ASSERT_EQ(timeline.records.size(), 3u);
  const double expected_mg[] = {17.5, 35.0, 70.0};
  for (std::size_t i = 0; i < 3; ++i) {
    const pk::Record& rec = timeline.records[i];
    EXPECT_EQ(rec.kind, pk::RecordKind::Dose);
    EXPECT_DOUBLE_EQ(rec.time.value(), 168.0 * static_cast<double>(i));
    EXPECT_DOUBLE_EQ(rec.dose.amount.value(), expected_mg[i]);
    EXPECT_EQ(rec.dose.compartment, 1);
    EXPECT_EQ(rec.dose.rate_kind, pk::RateKind::Bolus);
  }
}

TEST(Regimen, LoadingThenTaperChainsPhasesAndInfusesAtAmountOverDuration) {
  Phase loading;
  loading.label = "loading";
  loading.doses = {DoseAmount::per_kg(core::MilligramsPerKilogram(0.5))};
  loading.infusion_duration = core::to_hours(core::Minutes(40.0));
  loading.schedule = loading_schedule(6, 3).value();
  Phase weekly = loading;
  weekly.label = "weekly";
  weekly.schedule = weekly_schedule(1, 2).value();
  Phase fortnightly = loading;
  fortnightly.label = "fortnightly";
  fortnightly.schedule = interval_schedule(2.0 * kWeek, 2).value();
  fortnightly.delay = kWeek;  // one extra week off before the last step
  const Regimen r{{loading, weekly, fortnightly}};

  const auto sessions = administrations(r).value();
  ASSERT_EQ(sessions.size(), 10u);
  const double expected_days[] = {0, 2, 4, 7, 9, 11, 14, 21, 35, 49};
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    EXPECT_DOUBLE_EQ(sessions[i].time.value(), 24.0 * expected_days[i]) << i;
    EXPECT_EQ(sessions[i].index, i);
  }
  EXPECT_EQ(sessions[7].phase, 1u);
  EXPECT_DOUBLE_EQ(regimen_length(r).value(), 24.0 * (14 + 14 + 7 + 28));

  const auto timeline = build_timeline(r, core::Kilograms(60.0), compartments(), {}, "1").value();
  ASSERT_EQ(timeline.records.size(), 10u);
  const pk::DoseSpec& dose = timeline.records.front().dose;
  EXPECT_EQ(dose.compartment, 2);
  EXPECT_EQ(dose.rate_kind, pk::RateKind::Fixed);
  EXPECT_DOUBLE_EQ(dose.amount.value(), 30.0);
  // 30 mg over 40 min = 45 mg/h, and rate x duration gives back the amount.
  EXPECT_DOUBLE_EQ(dose.rate.value(), 45.0);
  EXPECT_NEAR((dose.rate * core::to_hours(core::Minutes(40.0))).value(), 30.0, 1e-12);
}

TEST(Regimen, ObservationsAtADoseTimeComeBeforeTheDose) {
  Regimen r{{sc_ascending()}};
  const std::vector<Hours> obs = {Hours(169.0), Hours(0.0), Hours(168.0), Hours(1.0)};
  const auto timeline = build_timeline(r, core::Kilograms(70.0), compartments(), obs, "1").value();
  std::vector<std::pair<double, pk::RecordKind>> got;
  for (const auto& rec : timeline.records) {
    got.emplace_back(rec.time.value(), rec.kind);
  }
  using K = pk::RecordKind;
  const std::vector<std::pair<double, pk::RecordKind>> expected = {
      {0.0, K::Observation},   {0.0, K::Dose},   {1.0, K::Observation},
      {168.0, K::Observation}, {168.0, K::Dose}, {169.0, K::Observation},
      {336.0, K::Dose}};
  EXPECT_EQ(got, expected);
}

TEST(Regimen, PlaceboSessionsAreSessionsButAddNoDrug) {
  Phase placebo;
  placebo.agent = Agent::Placebo;
  placebo.route = Route::Iv;
  placebo.doses = {DoseAmount::fixed(core::Milligrams(0.0))};
  placebo.infusion_duration = core::to_hours(core::Minutes(40.0));
  placebo.schedule = explicit_schedule({Hours(0.0)}, 4.0 * kWeek).value();
  Phase ketamine = placebo;
  ketamine.agent = Agent::Ketamine;
  ketamine.doses = {DoseAmount::per_kg(core::MilligramsPerKilogram(0.5))};
  const Regimen crossover{{placebo, ketamine}};
  const auto sessions = administrations(crossover).value();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].agent, Agent::Placebo);
  EXPECT_DOUBLE_EQ(sessions[1].time.value(), 4 * 168.0);
  const auto timeline =
      build_timeline(crossover, core::Kilograms(70.0), compartments(), {}, "1").value();
  ASSERT_EQ(timeline.records.size(), 1u);
  EXPECT_DOUBLE_EQ(timeline.records[0].time.value(), 4 * 168.0);
}

TEST(Regimen, RejectsInvalidRegimens) {
  const auto msg = [](const core::Status& s) {
    return s ? std::string() : s.error().message;
  };
  EXPECT_NE(msg(validate(Regimen{})).find("no phases"), std::string::npos);

  Phase p = sc_ascending();
  p.doses.pop_back();  // 2 doses for 3 times
  EXPECT_NE(msg(validate(Regimen{{p}})).find("one per scheduled time (3) (got 2)"),
            std::string::npos);

  p = sc_ascending();
  p.infusion_duration = Hours(0.5);
  EXPECT_NE(msg(validate(Regimen{{p}})).find("only iv doses can be infused"), std::string::npos);

  p = sc_ascending();
  p.doses = {DoseAmount::per_kg(core::MilligramsPerKilogram(0.0))};
  EXPECT_NE(msg(validate(Regimen{{p}})).find("dose must be > 0 (got 0 mg/kg)"), std::string::npos);

  // Two phases that overlap in time.
  Phase a = sc_ascending();
  a.schedule.length = Hours(0.0);  // shorter than its last dose
  EXPECT_FALSE(validate(Regimen{{a}}).has_value());
  Phase b = sc_ascending();
  b.schedule = explicit_schedule({Hours(0.0)}).value();  // length 0: c would start at 0 too
  b.doses = {DoseAmount::fixed(core::Milligrams(10.0))};
  Phase c = b;
  EXPECT_NE(msg(validate(Regimen{{b, c}})).find("not after the previous session"),
            std::string::npos);

  Regimen ok{{sc_ascending()}};
  RouteCompartments none;
  const auto no_route = build_timeline(ok, core::Kilograms(70.0), none, {}, "1");
  ASSERT_FALSE(no_route.has_value());
  EXPECT_NE(no_route.error().message.find("route sc"), std::string::npos);
  EXPECT_FALSE(build_timeline(ok, core::Kilograms(0.0), compartments(), {}, "1").has_value());
  const std::vector<Hours> negative = {Hours(-1.0)};
  EXPECT_FALSE(
      build_timeline(ok, core::Kilograms(70.0), compartments(), negative, "1").has_value());
}

TEST(Route, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(parse_route("IV").value(), Route::Iv);
  EXPECT_EQ(parse_route("in").value(), Route::In);
  for (Route r : kAllRoutes) {
    EXPECT_EQ(parse_route(route_name(r)).value(), r);
  }
  const auto bad = parse_route("oral");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "route: \"oral\" is not one of iv, sc, im, in, po, sl");
  EXPECT_EQ(parse_agent("Midazolam").value(), Agent::Midazolam);
  EXPECT_FALSE(parse_agent("saline").has_value());
}

}  // namespace
}  // namespace ketapath::protocol
