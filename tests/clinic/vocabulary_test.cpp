// One vocabulary (issue 8 item 1): the clinic's route, sex and rating scale are the engine's types
// (pd/route.h, pd/sex.h, pd/scales.h), read by one parser each; which routes the clinic gives is
// a rule over that type (kClinicRoutes), held at every place a route enters the clinic.

#include <type_traits>

#include <gtest/gtest.h>

#include "clinic/domain/course_templates.h"
#include "clinic/domain/dose_events.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/scales.h"
#include "clinic/json/json.h"
#include "pd/rating_scales.h"

namespace ketapath::clinic {
namespace {

static_assert(std::is_same_v<Route, pd::Route>);
static_assert(std::is_same_v<Sex, pd::Sex>);
static_assert(std::is_same_v<Scale, pd::Scale>);

TEST(Vocabulary, TheClinicReadsItsRoutesWithTheOneParserAndItsRule) {
  EXPECT_EQ(parse_clinic_route("sc"), Route::Sc);
  EXPECT_EQ(parse_clinic_route("IM"), Route::Im);  // case ignored, as pd::parse_route
  for (const char* text : {"po", "in", "sl", "oral", ""}) {
    const auto r = parse_clinic_route(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_EQ(r.error().message, fmt::format("route: \"{}\" is not one of iv, sc, im", text));
  }
  EXPECT_TRUE(is_clinic_route(Route::Iv));
  EXPECT_FALSE(is_clinic_route(Route::Po));
  const auto refused = check_clinic_route("session", Route::In);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::Validation);
  EXPECT_EQ(refused.error().message, "session: route in is not given by the clinic (iv, sc, im)");
}

TEST(Vocabulary, ARouteTheClinicDoesNotGiveIsRefusedWhereverItEnters) {
  // The drug library (the data every dose is checked against) holds clinic routes only.
  DrugEntry entry = default_ketamine_entry();
  RouteLimits oral = *limits_for(entry, Route::Sc);
  oral.route = Route::Po;
  entry.limits.push_back(oral);
  const auto library = validate_drug_entry(entry);
  ASSERT_FALSE(library);
  EXPECT_EQ(library.error().message,
            "drug library: ketamine po: route po is not given by the clinic (iv, sc, im)");
  // A course plan.
  CoursePlanOptions options;
  options.route = Route::Sl;
  const auto plan = plan_sessions(CourseProtocol::MaintenanceWeekly, Date{}, options);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, "course plan: route sl is not given by the clinic (iv, sc, im)");
  // A dose record becoming events.
  DoseRecord record;
  record.route = Route::In;
  record.calculation.dose = core::Milligrams(35.0);
  const auto events = administration_of(record, core::Hours(0.0), 0);
  ASSERT_FALSE(events);
  EXPECT_NE(events.error().message.find("route in is not given by the clinic"), std::string::npos);
  // A session file.
  const auto json =
      parse_json(R"({"patient": 1, "started_at": "2026-11-02T09:00", "route": "po"})", "s.json");
  ASSERT_TRUE(json) << json.error().message;
  const auto session = session_from_json(*json, "s.json");
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("\"po\" is not one of iv, sc, im"), std::string::npos)
      << session.error().message;
}

TEST(Vocabulary, SexHasOneTableAndOneParser) {
  EXPECT_EQ(pd::sex_name(Sex::Female), "F");
  EXPECT_EQ(pd::sex_name(Sex::Male), "M");
  EXPECT_EQ(pd::sex_name(Sex::Unspecified), "X");
  EXPECT_EQ(parse_sex("f"), Sex::Female);
  EXPECT_EQ(parse_sex("M"), Sex::Male);
  EXPECT_EQ(parse_sex("x"), Sex::Unspecified);
  const auto bad = parse_sex("female");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_EQ(bad.error().message, "sex: \"female\" is not one of F, M, X");
  EXPECT_EQ(Patient{}.sex, Sex::Unspecified);
}

TEST(Vocabulary, TheScaleRegistryServesTheClinicAndTheModel) {
  // Clinic records keep their spelling; designs keep theirs; one parser reads both.
  for (const pd::ScaleDefinition& d : pd::scale_definitions()) {
    EXPECT_EQ(parse_scale(d.record_name), d.scale);
    EXPECT_EQ(parse_scale(d.name), d.scale);
    EXPECT_EQ(parse_scale(d.label), d.scale);
    std::string lower(d.label);
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(d.record_name, lower) << "a record name is the label in lower case";
  }
  const ScaleDefinition& phq9 = scale_definition(Scale::Phq9);
  EXPECT_EQ(phq9.label, "PHQ-9");
  EXPECT_EQ(phq9.items, 9);
  EXPECT_EQ(phq9.total_max, 27);
  EXPECT_EQ(phq9.loinc_total, "44261-6");
  EXPECT_EQ(phq9.recall_days, 14);
  EXPECT_FALSE(phq9.model.has_value()) << "PHQ-9 has no model mapping";
  EXPECT_FALSE(pd::is_modelled_anxiety_scale(Scale::Phq9));
  EXPECT_FALSE(pd::is_modelled_anxiety_scale(Scale::Cadss));
  EXPECT_TRUE(pd::is_modelled_anxiety_scale(Scale::Lsas));
  // The model mapping is data: the named parameters of the model.
  pd::KetamineParameters p;
  p.sens_gad7 = 0.37;
  p.sd_cadss = 2.5;
  EXPECT_EQ(pd::scale_sensitivity(p, Scale::Gad7), 0.37);
  EXPECT_EQ(pd::scale_sensitivity(p, Scale::Cadss), 1.0);
  EXPECT_EQ(pd::scale_noise_sd(p, Scale::Cadss), 2.5);
  EXPECT_EQ(pd::scale_sensitivity(p, Scale::Phq9), 1.0);
  EXPECT_EQ(pd::scale_noise_sd(p, Scale::Phq9), 0.0);
  // The clinic validates items against the same entry.
  EXPECT_EQ(score_items(Scale::Phq9, {0, 1, 2, 3, 0, 1, 2, 3, 0}), 12);
  const auto bad = score_items(Scale::Phq9, {0, 1, 2, 3, 0, 1, 2, 3, 4});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "PHQ-9: item 9 must be 0-3 (got 4)");
}

}  // namespace
}  // namespace ketapath::clinic
