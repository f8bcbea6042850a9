#include "clinic/service/demo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "clinic/service/service.h"
#include "core/random.h"

namespace ketapath::clinic {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

constexpr std::array<const char*, 12> kFirst{"Ana", "Ben",  "Chloe", "Dev",  "Eli",  "Fatima",
                                             "Gus", "Hana", "Ivan",  "Jade", "Kiri", "Liam"};
constexpr std::array<const char*, 12> kLast{"Arden",   "Brook", "Calder",  "Dunmore",
                                            "Ellery",  "Fenn",  "Garrow",  "Hale",
                                            "Iverson", "Jory",  "Kestrel", "Lomax"};

int pick(core::RandomStream& rng, int n) {
  return std::min(n - 1, static_cast<int>(rng.uniform() * n));
}

// Spreads `total` over `items` answers of 0..max, as evenly as the draw allows.
std::vector<int> items_for(core::RandomStream& rng, int total, int items, int max) {
  std::vector<int> out(static_cast<std::size_t>(items), 0);
  total = std::clamp(total, 0, items * max);
  for (int placed = 0; placed < total;) {
    const auto i = static_cast<std::size_t>(pick(rng, items));
    if (out[i] < max) {
      ++out[i];
      ++placed;
    }
  }
  return out;
}

VitalSigns vitals_at(Timestamp t, Phase phase, double sys, double dia, double hr, double spo2) {
  VitalSigns v;
  v.measured_at = t;
  v.phase = phase;
  v.systolic = core::MillimetresOfMercury(std::round(sys));
  v.diastolic = core::MillimetresOfMercury(std::round(dia));
  v.heart_rate = core::BeatsPerMinute(std::round(hr));
  v.spo2_percent = std::round(spo2);
  return v;
}

// The demo's staff: the acting user becomes the first admin of an empty database (or must be an
// admin already), and adds a prescriber and a nurse who do the clinical work.
core::Status ensure_demo_users(ClinicService& admin) {
  auto existing = admin.users();
  if (!existing && existing.error().code == core::ErrorCode::Unauthorized) {
    KETAPATH_TRY(admin.add_user(admin.actor(), {Role::Admin}));  // only when there are no users
    existing = admin.users();
  }
  const std::vector<User> users = KETAPATH_TRY(std::move(existing));
  const std::pair<const char*, Role> staff[] = {{kDemoPrescriber, Role::Prescriber},
                                                {kDemoNurse, Role::Nurse}};
  for (const auto& [name, role] : staff) {
    if (std::none_of(users.begin(), users.end(), [&](const User& u) { return u.name == name; })) {
      KETAPATH_TRY(admin.add_user(name, {role}));
    }
  }
  return {};
}

// Two lots of 50 mg/mL in 10 mL vials, received by the nurse on the day before `first_day`:
// enough for every patient's loading and maintenance infusions (at most about 500 mg per patient
// and lot), lot numbers from the first day so a second demo in one database gets new ones.
core::Result<std::array<StockLotId, 2>> receive_demo_stock(ClinicService& nurse, Date first_day,
                                                           Date today, int patients) {
  std::array<StockLotId, 2> lots{};
  for (std::size_t n = 0; n < lots.size(); ++n) {
    StockReceipt r;
    r.lot.product = "Ketamine hydrochloride injection 50 mg/mL, 10 mL vial (demo)";
    r.lot.concentration = core::MilligramsPerMillilitre(50.0);
    r.lot.lot = fmt::format("DEMO-{}-{}", format_date(first_day), n == 0 ? "A" : "B");
    r.lot.expires_on = today + days(365);
    r.lot.supplier = "Demo Pharma Wholesale";
    r.vials = std::min(kMaxVialsPerReceipt, patients + 5);
    r.ml_per_vial = core::Millilitres(10.0);
    r.received_at = Timestamp(first_day - days(1)) + hours(8);
    lots[n] = KETAPATH_TRY(nurse.receive_stock(r)).lot.id;
  }
  return lots;
}

// The end of the demo's day: 5 mg of lot A wasted (witnessed by the prescriber) and both lots
// counted, in agreement with the ledger.
core::Status close_demo_stock(ClinicService& nurse, const std::array<StockLotId, 2>& lots) {
  KETAPATH_TRY(nurse.waste_stock(lots[0], core::Milligrams(5.0),
                                 "remainder of a drawn-up syringe (demo)", kDemoPrescriber));
  for (const StockBalance& b : KETAPATH_TRY(nurse.stock())) {
    if (b.lot.id == lots[0] || b.lot.id == lots[1]) {
      KETAPATH_TRY(nurse.count_stock(b.lot.id, to_milligrams(b.balance)));
    }
  }
  return {};
}

}  // namespace

core::Result<DemoSummary> fill_demo(ClinicService& admin, std::uint64_t seed, int patients) {
  if (patients < 1 || patients > 500) {
    return core::fail(core::ErrorCode::InvalidArgument, "demo: patients must be 1-500 (got {})",
                      patients);
  }
  KETAPATH_TRY(ensure_demo_users(admin));
  ClinicService service = admin.acting_as(kDemoPrescriber);
  ClinicService nurse = admin.acting_as(kDemoNurse);
  DemoSummary summary;
  const SafetyThresholds hold = KETAPATH_TRY(service.safety_thresholds());
  const Date today = day_of(service.now());
  const Date loading_start = today - days(28);
  // Custody (custody.h): two lots received the day before the first infusions; each session
  // names the lot its dose was drawn from (patients alternate), so the stock log balances.
  const std::array<StockLotId, 2> lots =
      KETAPATH_TRY(receive_demo_stock(nurse, loading_start, today, patients));
  for (int i = 0; i < patients; ++i) {
    core::RandomStream rng(
        seed,
        {.replicate = 0, .subject = static_cast<std::uint64_t>(i), .stream = core::Stream::Clinic});
    // The stories: patient 2 (index 1) an adverse event, 3 a non-responder, 4 PHQ-9 item 9.
    const bool adverse_story = i == 1;
    const bool non_responder_story = i == 2;
    const bool item9_story = i == 3;
    // Patient 5 (index 4, with --patients 5 or more): screened not_eligible and refused.
    const bool ineligible_story = i == 4;
    Patient p;
    p.name = fmt::format("{} {} (demo)", kFirst[static_cast<std::size_t>(pick(rng, 12))],
                         kLast[static_cast<std::size_t>(pick(rng, 12))]);
    p.birth_date = today - days(365 * (22 + pick(rng, 45)) + pick(rng, 365));
    p.sex = rng.uniform() < 0.6 ? Sex::Female : Sex::Male;
    const double weight =
        std::round(10.0 * (p.sex == Sex::Female ? 66.0 : 80.0) * std::exp(0.15 * rng.normal())) /
        10.0;
    p.weights = {{loading_start, core::Kilograms(std::clamp(weight, 45.0, 140.0)), false}};
    const bool sad = rng.uniform() < 0.35;
    p.diagnoses = {{Disorder::Gad, "F41.1", today - days(900), true}};
    if (sad) {
      p.diagnoses.push_back({Disorder::SocialAnxiety, "F40.10", today - days(700), false});
    }
    TreatmentTrial ssri{TreatmentKind::Antidepressant,
                        "sertraline",
                        core::Milligrams(150.0),
                        core::Milligrams(50.0),
                        today - days(600),
                        10.0 + pick(rng, 6),
                        0,
                        TrialOutcome::NonResponse,
                        ""};
    TreatmentTrial snri{TreatmentKind::Antidepressant,
                        "venlafaxine XR",
                        core::Milligrams(225.0),
                        core::Milligrams(75.0),
                        today - days(300),
                        8.0 + pick(rng, 6),
                        0,
                        TrialOutcome::PartialResponse,
                        ""};
    p.treatment_history = {ssri, snri};
    const PatientId id = KETAPATH_TRY(service.add_patient(p));
    summary.patients.push_back(id);

    ScreeningInput screening;
    screening.gad = {24 + pick(rng, 60),  true, true, true, true, rng.uniform() < 0.7, true, true,
                     rng.uniform() < 0.8, true, true};
    Contraindications& ci = screening.contraindications;  // every answer given: no
    ci.uncontrolled_hypertension = ineligible_story;
    ci.aneurysm_or_avm = false;
    ci.intracranial_bleed_history = false;
    ci.psychosis = false;
    ci.pregnancy = false;
    ci.active_substance_use_disorder = false;
    ci.current_depression = false;
    ci.ischaemic_heart_or_cerebrovascular_disease = false;
    ci.raised_intracranial_pressure = false;
    ci.severe_hepatic_impairment = false;
    ci.interacting_medication = false;
    // The gate: consent and a screening before the first infusion.
    KETAPATH_TRY(
        service.record_consent(id, loading_start - days(3), "ketamine-iv v1 (demo)", kDemoNurse));
    ScreeningChoices intake;
    intake.screened_on = loading_start - days(2);
    KETAPATH_TRY(service.screen(id, screening, intake));
    if (ineligible_story) {
      // The clearance gate must refuse: nothing is planned, and the refusal is the story.
      const auto refused =
          service.plan_course(id, CourseProtocol::IvLoading, loading_start, {}, "demo");
      if (refused) {
        return core::fail(core::ErrorCode::Internal,
                          "demo: a not_eligible patient was given a course ({})",
                          refused->id.value());
      }
      summary.stories.push_back(fmt::format(
          "patient {}: screened not_eligible (uncontrolled hypertension): no course, the "
          "clearance gate refused it: {}",
          id.value(), refused.error().message));
      continue;
    }

    const Course loading =
        KETAPATH_TRY(service.plan_course(id, CourseProtocol::IvLoading, loading_start, {}, "demo"));
    summary.courses += 1;

    const bool responder = !non_responder_story && (i == 0 || rng.uniform() < 0.65);
    const double gad_base = 14 + pick(rng, 6);
    const double hama_base = 20 + pick(rng, 9);
    const double floor_fraction =
        responder ? 0.2 + 0.15 * rng.uniform() : 0.8 + 0.1 * rng.uniform();
    const double sys_base = 118 + 12 * rng.uniform();
    int index = 0;
    std::optional<Timestamp> last_dose;
    // Orders (issue 15): the prescriber orders each course's dose once, for the course; before
    // each IV infusion the prescriber double-checks the weight and the dose the nurse gives.
    std::map<std::pair<std::int64_t, double>, DoseRecordId> orders;
    const double kg = p.weights.front().weight.value();
    const auto order_for = [&](const Course& course,
                               const PlannedSession& planned) -> core::Result<DoseRecordId> {
      const auto key = std::make_pair(course.id.value(), planned.dose.value());
      if (const auto found = orders.find(key); found != orders.end()) {
        return found->second;
      }
      DoseOrder order;
      order.patient = id;
      order.route = planned.route;
      order.dose = planned.dose;
      order.duration = planned.duration;
      order.on = planned.planned_on;
      order.course = course.id;
      const DoseRecord made = KETAPATH_TRY(service.calculate_dose(order));
      orders[key] = made.id;
      return made.id;
    };
    const auto record = [&](const Course& course, const PlannedSession& planned) -> core::Status {
      const Timestamp start = std::chrono::sys_days(planned.planned_on) + hours(9);
      // Anxiety falls towards floor_fraction of baseline with each session.
      const double before = std::exp(-0.45 * index);
      const double fraction = floor_fraction + (1.0 - floor_fraction) * before;
      const double after_fraction = std::max(floor_fraction * 0.9, fraction - 0.15);
      Session s;
      s.patient = id;
      s.course = course.id;
      s.course_session_number = planned.number;
      s.route = planned.route;
      s.dose_per_kg = planned.dose;
      s.started_at = start;
      s.ended_at = start + hours(2) + minutes(50);
      const bool reaction = adverse_story && index == 1;
      const double rise =
          reaction ? 68.0 : 14 + 10 * rng.uniform() + (rng.uniform() < 0.06 ? 45 : 0);
      s.vitals = {
          vitals_at(start - minutes(10), Phase::Before, sys_base + 4 * rng.normal(),
                    78 + 4 * rng.normal(), 72 + 6 * rng.normal(), 98),
          vitals_at(start + minutes(20), Phase::During, sys_base + 0.7 * rise,
                    84 + 4 * rng.normal(), 80 + 6 * rng.normal(), 97),
          vitals_at(start + minutes(40), Phase::During, sys_base + rise, 88 + 4 * rng.normal(),
                    84 + 6 * rng.normal(), 97),
          vitals_at(start + minutes(90), Phase::After, sys_base + 0.3 * rise, 82 + 3 * rng.normal(),
                    76 + 5 * rng.normal(), 98),
          vitals_at(start + minutes(160), Phase::After, sys_base + 2 * rng.normal(),
                    79 + 3 * rng.normal(), 72 + 3 * rng.normal(), 98),
      };
      const int gad_pre = static_cast<int>(std::round(gad_base * fraction));
      const int hama_pre = static_cast<int>(std::round(hama_base * fraction));
      const int hama_post = static_cast<int>(std::round(hama_base * after_fraction));
      // CADSS falls with repeated dosing (Glue 2018: ~20 at week 1 to ~9 by week 14).
      const int cadss = static_cast<int>(
          std::round(std::max(2.0, 20.0 * std::exp(-0.08 * index) + 3 * rng.normal())));
      // Trough (pre-dose) GAD-7 and HAM-A; the acute change on HAM-A, rated as the patient is
      // now (a GAD-7 asks about two weeks: not an acute instrument).
      s.ratings = {
          {Scale::Gad7, start - minutes(15), items_for(rng, gad_pre, 7, 3), 0, "self"},
          {Scale::HamA, start - minutes(15), items_for(rng, hama_pre, 14, 4), 0, "demo clinician"},
          {Scale::Cadss, start + minutes(45), items_for(rng, cadss, 23, 4), 0, "demo clinician"},
          {Scale::HamA, start + minutes(150), items_for(rng, hama_post, 14, 4), 0,
           "demo clinician"},
      };
      if (reaction) {
        AdverseEvent e;
        e.onset_at = start + minutes(38);
        e.description = fmt::format("hypertensive reaction {}/{} mmHg with headache",
                                    static_cast<int>(std::round(sys_base + rise)), 112);
        e.severity = Severity::Severe;
        e.action =
            "infusion paused at 38 min, labetalol 10 mg IV, resumed at half rate after 25 "
            "min";
        e.resolved = true;
        e.outcome = "BP 148/90 at 90 min, headache settled; GP informed";
        s.adverse_events.push_back(e);
        s.dose_ended_at = start + minutes(65);
      } else if (rng.uniform() < 0.15) {
        AdverseEvent e;
        e.onset_at = start + minutes(25);
        e.description = "nausea";
        e.severity = Severity::Mild;
        e.action = "observed; resolved without treatment";
        s.adverse_events.push_back(e);
      }
      DischargeReadiness d;
      d.assessed_at = start + minutes(165);
      d.alert_and_oriented = d.vitals_near_baseline = d.ambulating_steadily = true;
      d.escort_present = true;
      d.assessed_by = "demo nurse";
      s.discharge = d;
      s.stock_lot = lots[static_cast<std::size_t>(i % 2)];
      s.dose_record = KETAPATH_TRY(order_for(course, planned));
      const DoseRecordId order = *s.dose_record;
      s.double_check =
          KETAPATH_TRY(service.record_double_check(order, planned.planned_on, core::Kilograms(kg),
                                                   core::Milligrams(kg * planned.dose.value())))
              .id;
      PreDoseChecklist checklist;
      checklist.last_food_at = start - hours(10);
      checklist.escort_home_arranged = true;
      if (p.sex != Sex::Male) {
        checklist.pregnancy_test = PregnancyTest::Negative;
      }
      checklist.new_medications_or_illness = false;
      checklist.consent_current = true;
      s.checklist = checklist;
      const VitalSigns& pre = s.vitals.front();
      if (pre.systolic->value() >= hold.pre_dose_systolic ||
          pre.diastolic->value() >= hold.pre_dose_diastolic) {  // at the pre-dose hold limit
        KETAPATH_TRY(service.waive_checklist_item(
            order, planned.planned_on, ChecklistItem::BloodPressure,
            "asymptomatic, anxious on arrival; proceed with BP every 10 min"));
      }
      const auto recorded = KETAPATH_TRY(nurse.record_session(s));
      summary.alerts += static_cast<int>(recorded.alerts.size());
      ++summary.sessions;
      ++index;
      last_dose = start;
      if (reaction) {
        for (const Alert& a : recorded.alerts) {
          KETAPATH_TRY(nurse.acknowledge_alert(
              a.id,
              "infusion paused, labetalol 10 mg IV; BP rechecked every 10 min, 148/90 at 90 "
              "min; GP informed by phone"));
        }
        summary.stories.push_back(fmt::format(
            "patient {}: severe hypertensive reaction at infusion 2 (session {}): {} alert(s) "
            "raised and acknowledged",
            id.value(), recorded.session.id.value(), recorded.alerts.size()));
      }
      return {};
    };
    const auto due = [&](const PlannedSession& planned) {
      return std::chrono::sys_days(planned.planned_on) + hours(12) <= service.now();
    };
    for (const PlannedSession& planned : loading.sessions) {
      if (!due(planned)) {
        break;
      }
      KETAPATH_TRY(record(loading, planned));
      if (item9_story && index == 3) {
        Assessment a;
        a.patient = id;
        a.rating = {Scale::Phq9, *last_dose + hours(26), {2, 1, 1, 1, 0, 1, 1, 0, 1}, 0, "self"};
        const auto r = KETAPATH_TRY(nurse.record_assessment(a));
        ++summary.assessments;
        summary.alerts += static_cast<int>(r.alerts.size());
        for (const Alert& alert : r.alerts) {
          KETAPATH_TRY(nurse.acknowledge_alert(
              alert.id,
              "C-SSRS screen: passive death wish, no plan or intent; safety plan "
              "reviewed, crisis numbers given; psychiatrist informed the same day"));
        }
        summary.stories.push_back(fmt::format(
            "patient {}: PHQ-9 item 9 answered 1 at the follow-up 26 h after infusion 3: urgent "
            "alert raised and acknowledged with the suicide risk assessment",
            id.value()));
      }
    }
    if (!last_dose) {
      continue;
    }
    // Follow-up GAD-7s 24 h and 7 days after the last loading infusion, when due.
    const double follow_fraction =
        floor_fraction + (1.0 - floor_fraction) * std::exp(-0.45 * index);
    for (const auto after : {hours(24), hours(24 * 7)}) {
      if (*last_dose + after > service.now()) {
        continue;
      }
      Assessment a;
      a.patient = id;
      a.rating = {Scale::Gad7, *last_dose + after,
                  items_for(rng, static_cast<int>(std::round(gad_base * follow_fraction)), 7, 3), 0,
                  "self"};
      KETAPATH_TRY(nurse.record_assessment(a));
      ++summary.assessments;
    }
    // Maintenance only when the loading course is over and the response supports it.
    const Course done = KETAPATH_TRY(service.course(loading.id));
    if (done.status != CourseStatus::Completed) {
      continue;
    }
    const ResponsePlan plan = KETAPATH_TRY(service.response_plan(id));
    if (plan.recommendation == Recommendation::NoMaintenance ||
        plan.recommendation == Recommendation::Insufficient ||
        plan.recommendation == Recommendation::CompleteLoading) {
      summary.stories.push_back(
          fmt::format("patient {}: {} after the loading series: no maintenance planned ({})",
                      id.value(), to_string(plan.recommendation), plan.rule));
      continue;
    }
    CoursePlanOptions maintenance_options;
    maintenance_options.route = Route::Iv;
    maintenance_options.dose = core::MilligramsPerKilogram(0.5);
    maintenance_options.duration = core::Minutes(40.0);
    maintenance_options.weeks = 8;
    const Date last_day = day_of(*last_dose);
    const Course maintenance = KETAPATH_TRY(service.plan_course(
        id, CourseProtocol::MaintenanceWeekly,
        std::max(last_day + days(7), loading_start + days(21)), maintenance_options,
        fmt::format("demo: {}", to_string(plan.recommendation))));
    ++summary.courses;
    ++summary.maintenance;
    for (const PlannedSession& planned : maintenance.sessions) {
      if (!due(planned)) {
        break;
      }
      KETAPATH_TRY(record(maintenance, planned));
    }
  }
  KETAPATH_TRY(close_demo_stock(nurse, lots));
  return summary;
}

}  // namespace ketapath::clinic
