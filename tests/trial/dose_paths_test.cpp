// Every way a dose becomes concentrations, held together (docs/architecture.md "Doses to
// events"). The same regimen - two doses 24 h apart of 0.5 mg/kg to a 70-kg patient - goes
//   (a) through a protocol: protocol::administrations -> trial::to_model_doses ->
//       pd::simulate_ketamine (the trial and clinic-prediction path: ketamine model, matrix
//       exponential) - the reference;
//   (b) through the same protocol: protocol::build_timeline -> pk::simulate (the pk event timeline
//       with NONMEM semantics, closed form of ADVAN4 TRANS4 with the model's CL, V1, Q, V2, KA, F);
//   (c) through an NM-TRAN data set written by hand: io::parse_nmtran -> pk::simulate;
//   (d) through clinic dose records (mg, route, infusion minutes, as the dose calculator stores
//       them) -> clinic::administration_of -> trial::to_model_doses -> pd::simulate_ketamine;
// on every route: IV infusion, IV bolus, SC, IM (clinic routes), and IN, PO, SL (protocol and
// NM-TRAN only; the clinic does not give them). Ketamine plasma concentrations agree within 1e-9
// relative at every observation time.

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "clinic/domain/dose_events.h"
#include "io/nmtran.h"
#include "pd/ketamine_model.h"
#include "pk/model.h"
#include "pk/simulate.h"
#include "protocol/regimen.h"
#include "trial/subject_outcome.h"

namespace ketapath {
namespace {

constexpr double kRelative = 1e-9;
const core::Kilograms kWeight{70.0};
const core::MilligramsPerKilogram kDose{0.5};
const std::vector<core::Hours> kDoseTimes{core::Hours(0.0), core::Hours(24.0)};

struct Case {
  const char* name;
  protocol::Route route;
  double infusion_minutes;  // IV only; 0 = bolus or injection
};

const Case kCases[] = {
    {"iv_infusion", protocol::Route::Iv, 40.0}, {"iv_bolus", protocol::Route::Iv, 0.0},
    {"sc", protocol::Route::Sc, 0.0},           {"im", protocol::Route::Im, 0.0},
    {"in", protocol::Route::In, 0.0},           {"po", protocol::Route::Po, 0.0},
    {"sl", protocol::Route::Sl, 0.0},
};

std::vector<core::Hours> observation_times() {
  std::vector<core::Hours> times;
  for (double t : {0.05, 0.25, 0.5, 0.6, 0.667, 1.0, 2.0, 4.0, 8.0, 12.0, 23.9, 24.0, 24.3, 24.7,
                   25.0, 26.0, 30.0, 36.0, 48.0}) {
    times.emplace_back(t);
  }
  return times;
}

protocol::Regimen regimen_of(const Case& c) {
  protocol::Regimen regimen;
  regimen.phases.push_back({.label = c.name,
                            .agent = protocol::Agent::Ketamine,
                            .route = c.route,
                            .doses = {protocol::DoseAmount::per_kg(kDose)},
                            .infusion_duration = core::to_hours(core::Minutes(c.infusion_minutes)),
                            .schedule = protocol::explicit_schedule(kDoseTimes).value(),
                            .delay = core::Hours(0.0)});
  return regimen;
}

// (a) the reference: the ketamine model's plasma concentration, mg/L.
std::vector<double> model_path(const pd::KetamineParameters& p,
                               const std::vector<protocol::Administration>& sessions) {
  const auto doses = trial::to_model_doses(sessions, kWeight, {});
  const auto times = observation_times();
  const auto course = pd::simulate_ketamine(p, doses, times);
  EXPECT_TRUE(course.has_value()) << course.error().message;
  std::vector<double> c;
  for (core::MilligramsPerLitre v : course->ketamine) {
    c.push_back(v.value());
  }
  return c;
}

// The pk model (ADVAN4 TRANS4) with the ketamine model's structural parameters for one route.
pk::ParameterValues pk_parameters(const pd::KetamineParameters& p, protocol::Route route) {
  pk::ParameterValues v{{"CL", p.cl.value()}, {"V2", p.v1.value()}, {"Q", p.q.value()},
                        {"V3", p.v2.value()}, {"KA", 1.0},          {"F1", 1.0}};
  const pd::Route r = route;
  if (r != pd::Route::Iv) {
    v["KA"] = p.absorption(r).ka.value();
    v["F1"] = p.absorption(r).f;
  }
  return v;
}

std::vector<double> pk_path(const pd::KetamineParameters& p, protocol::Route route,
                            const pk::SubjectTimeline& timeline) {
  const pk::ModelSpec* model = pk::find_model("two_cmt_depot");
  EXPECT_NE(model, nullptr);
  const auto rows = pk::simulate(*model, pk_parameters(p, route), timeline);
  EXPECT_TRUE(rows.has_value()) << rows.error().message;
  std::vector<double> c;
  for (const pk::OutputRow& row : *rows) {
    c.push_back(row.cp);
  }
  return c;
}

// (b) the protocol's pk timeline: depot = compartment 1, central = 2 (ADVAN4).
std::vector<double> timeline_path(const pd::KetamineParameters& p, const Case& c) {
  protocol::RouteCompartments compartments;
  for (protocol::Route r : protocol::kAllRoutes) {
    compartments[r] = r == protocol::Route::Iv ? 2 : 1;
  }
  const auto timeline =
      protocol::build_timeline(regimen_of(c), kWeight, compartments, observation_times(), "1");
  EXPECT_TRUE(timeline.has_value()) << timeline.error().message;
  return pk_path(p, c.route, *timeline);
}

// (c) an NM-TRAN data set written by hand: dose records (AMT in mg, RATE in mg/h for infusions,
// CMT 2 for IV and 1 for the depot) and observation records.
std::vector<double> nmtran_path(const pd::KetamineParameters& p, const Case& c) {
  const double amount = kDose.value() * kWeight.value();
  const int cmt = c.route == protocol::Route::Iv ? 2 : 1;
  const double rate = c.infusion_minutes > 0.0 ? amount / (c.infusion_minutes / 60.0) : 0.0;
  std::string csv = "ID,TIME,AMT,RATE,CMT,EVID,MDV,DV\n";
  const auto times = observation_times();
  std::size_t next = 0;
  for (core::Hours dose_time : kDoseTimes) {
    for (; next < times.size() && times[next] <= dose_time; ++next) {  // observations first
      csv += fmt::format("1,{},0,0,2,0,0,.\n", times[next].value());
    }
    csv += fmt::format("1,{},{},{},{},1,1,.\n", dose_time.value(), amount, rate, cmt);
  }
  for (; next < times.size(); ++next) {
    csv += fmt::format("1,{},0,0,2,0,0,.\n", times[next].value());
  }
  const auto data = io::parse_nmtran(csv, c.name);
  EXPECT_TRUE(data.has_value()) << data.error().message;
  EXPECT_EQ(data->subjects.size(), 1U);
  return pk_path(p, c.route, data->subjects.at(0));
}

// (d) what the clinic stores for each dose (the dose calculator's record), given at the regimen's
// times, becomes the model's doses through the clinic's one conversion.
std::vector<double> clinic_path(const pd::KetamineParameters& p, const Case& c) {
  std::vector<protocol::Administration> sessions;
  for (std::size_t i = 0; i < kDoseTimes.size(); ++i) {
    clinic::DoseRecord record;
    record.route = c.route;  // one route type: the protocol's is the clinic's
    record.drug = "ketamine";
    record.calculation.weight = kWeight;
    record.calculation.dose_per_kg = kDose;
    record.calculation.dose = kDose * kWeight;
    if (c.infusion_minutes > 0.0) {
      record.calculation.duration = core::Minutes(c.infusion_minutes);
    }
    const auto session = clinic::administration_of(record, kDoseTimes[i], i);
    EXPECT_TRUE(session.has_value()) << session.error().message;
    sessions.push_back(*session);
  }
  return model_path(p, sessions);
}

void expect_same(const std::vector<double>& reference, const std::vector<double>& other,
                 const std::string& what) {
  ASSERT_EQ(reference.size(), other.size()) << what;
  const auto times = observation_times();
  double worst = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    ASSERT_GT(reference[i], 0.0) << what << " at " << times[i].value() << " h";
    const double rel = std::abs(other[i] - reference[i]) / reference[i];
    worst = std::max(worst, rel);
    EXPECT_LE(rel, kRelative) << what << " at " << times[i].value() << " h: " << other[i] << " vs "
                              << reference[i] << " mg/L";
  }
  std::cout << what << ": worst relative difference " << worst << "\n";
}

class DosePaths : public ::testing::TestWithParam<Case> {};

TEST_P(DosePaths, ProtocolTimelineNmtranAndClinicRecordGiveTheSameConcentrations) {
  const Case& c = GetParam();
  const pd::KetamineParameters p;  // the default model (= models/ketamine.toml)
  const auto sessions = protocol::administrations(regimen_of(c));
  ASSERT_TRUE(sessions.has_value()) << sessions.error().message;
  const std::vector<double> reference = model_path(p, *sessions);
  expect_same(reference, timeline_path(p, c), std::string(c.name) + " protocol timeline");
  expect_same(reference, nmtran_path(p, c), std::string(c.name) + " NM-TRAN");
  if (clinic::is_clinic_route(c.route)) {
    expect_same(reference, clinic_path(p, c), std::string(c.name) + " clinic dose record");
  }
}

INSTANTIATE_TEST_SUITE_P(EveryRoute, DosePaths, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// The clinic's conversion refuses what it cannot give: an infusion time on an injection.
TEST(DosePaths, ClinicRecordWithAnInfusionTimeOnAnInjectionIsRefused) {
  clinic::DoseRecord record;
  record.route = clinic::Route::Sc;
  record.calculation.dose = core::Milligrams(35.0);
  record.calculation.duration = core::Minutes(40.0);
  const auto session = clinic::administration_of(record, core::Hours(0.0), 0);
  ASSERT_FALSE(session.has_value());
  EXPECT_EQ(session.error().code, core::ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace ketapath
