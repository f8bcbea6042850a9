#include "trial/design.h"

#include <gtest/gtest.h>

#include "trial_fixture.h"

namespace ketapath::trial {
namespace {

using core::Hours;
using testing::two_arm_design;

std::vector<protocol::Administration> crossover() {
  protocol::Phase k;
  k.route = protocol::Route::Iv;
  k.doses = {protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(0.5))};
  k.schedule = protocol::explicit_schedule({Hours(0.0)}, Hours(28 * 24.0)).value();
  protocol::Phase p = k;
  p.agent = protocol::Agent::Placebo;
  p.doses = {protocol::DoseAmount::fixed(core::Milligrams(0.0))};
  protocol::Phase weekly = k;
  weekly.schedule = protocol::weekly_schedule(2, 2).value();
  return protocol::administrations(protocol::Regimen{{p, k, weekly}}).value();
}

TEST(SessionSelector, ResolvesByIndexWeekAndAgent) {
  const auto s = crossover();  // days 0 (placebo), 28 (ketamine), 56, 59, 63, 66
  using K = SessionSelector::Kind;
  EXPECT_EQ(resolve_session({K::Index, 2, {}}, s).value(), 1u);
  EXPECT_EQ(resolve_session({K::Week, 1, {}}, s).value(), 0u);
  EXPECT_EQ(resolve_session({K::Week, 5, {}}, s).value(), 1u);   // day 28 is in week 5
  EXPECT_EQ(resolve_session({K::Week, 10, {}}, s).value(), 4u);  // day 63
  EXPECT_EQ(resolve_session({K::Agent, 1, protocol::Agent::Placebo}, s).value(), 0u);
  EXPECT_EQ(resolve_session({K::Agent, 2, protocol::Agent::Ketamine}, s).value(), 2u);
  const auto missing = resolve_session({K::Week, 2, {}}, s);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "no week 2 (the regimen has 6 sessions)");
  EXPECT_FALSE(resolve_session({K::Agent, 1, protocol::Agent::Midazolam}, s).has_value());
}

TEST(DesignValidate, AcceptsTheFixture) {
  EXPECT_TRUE(validate(two_arm_design()).has_value());
}

TEST(DesignValidate, NamesTheEndpointAndTheProblem) {
  const auto message = [](const Design& d) {
    auto ok = validate(d);
    return ok ? std::string() : ok.error().message;
  };
  Design d = two_arm_design();
  d.endpoints[3].items[0].at = Hours(2.0);
  EXPECT_EQ(message(d), "endpoint \"fq_1h_dose3\": at_h 2 is not one of the rating times");

  d = two_arm_design();
  d.endpoints[3].items[0].session->number = 4;
  EXPECT_EQ(message(d),
            "endpoint \"fq_1h_dose3\": arm ketamine has no session 4 (the regimen has 3 sessions)");

  d = two_arm_design();
  d.endpoints[3].items[0].scale = pd::Scale::Lsas;
  EXPECT_EQ(message(d), "endpoint \"fq_1h_dose3\": scale lsas is not rated");

  d = two_arm_design();
  d.responder.reset();
  EXPECT_EQ(message(d),
            "endpoint \"responders\": counts responders but the design has no [responder] rule");

  d = two_arm_design();
  d.endpoints[0].items.resize(1);
  EXPECT_EQ(message(d),
            "endpoint \"cadss_model_increases\": has 1 metrics (a value needs 1, an ordering >= 2, "
            "a ratio or a comparison 2)");

  d = two_arm_design();
  d.endpoints[0].tolerance = std::pair(1.0, 0.0);
  EXPECT_EQ(message(d),
            "endpoint \"cadss_model_increases\": tolerance needs low <= high (got [1, 0])");

  d = two_arm_design();
  d.arms[1].name = "ketamine";
  EXPECT_EQ(message(d), "design unit: arm name \"ketamine\" repeats");

  d = two_arm_design();
  d.endpoints[1].name = d.endpoints[0].name;
  EXPECT_NE(message(d).find("name is empty or repeats"), std::string::npos);
}

}  // namespace
}  // namespace ketapath::trial
