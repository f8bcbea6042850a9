// `ketapath clinic screen|dose|course plan|course show|session record|drug show|drug set`
// (registers nothing itself; see cmd_clinic.cpp).

#include <cmath>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/json/json.h"
#include "core/number_text.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct CareOptions {
  std::int64_t patient = 0;
  std::int64_t course = 0;
  std::string input_file;
  std::string resistance;
  bool allow_current_depression = false;
  std::string route = "iv";
  std::string dose;
  double duration_min = 0.0;   ///< read only when the flag is given (count > 0)
  double concentration = 0.0;  ///< read only when the flag is given
  std::string override_reason;
  std::string date;
  std::string protocol;
  std::string start;
  int per_week = 3;
  int weeks = 12;
  std::string notes;
  std::string allow_overlap;
  bool preview = false;
  std::int64_t stock_lot = 0;  ///< session record --stock-lot (0: as the file says)
  std::string valid_until;     ///< dose: the order's last day
};

void print_dose(const clinic::DoseRecord& r) {
  const auto& c = r.calculation;
  fmt::print("dose record {} for patient {}: {} {} {} mg/kg\n",
             r.id.value() == 0 ? std::string("-") : std::to_string(r.id.value()), r.patient.value(),
             r.drug, pd::route_name(r.route), core::display_number(c.dose_per_kg.value(), 3));
  for (const auto& line : c.arithmetic) {
    fmt::print("  {}\n", line);
  }
  fmt::print("=> {} mg = {} mL at {} mg/mL", core::display_number(c.dose.value()),
             core::display_number(c.volume.value()),
             core::display_number(c.concentration.value(), 3));
  if (c.rate) {
    fmt::print(", {} mL/h over {} min ({} mg/kg/h)", core::display_number(c.rate->value()),
               core::display_number(c.duration->value()),
               core::display_number(*c.dose_rate_mg_per_kg_per_h, 3));
  }
  fmt::print("\nlimit: {}{}\n", clinic::to_string(c.limit),
             c.limit == clinic::LimitLevel::Soft ? " (override: " + c.override_reason + ")" : "");
  for (const auto& w : c.warnings) {
    fmt::print("note: {}\n", w);
  }
  if (const auto& order = r.order) {
    const std::string from = clinic::format_date(order->valid_from);
    const std::string until = clinic::format_date(order->valid_until.value_or(order->valid_from));
    fmt::print("order {}: {}, valid {}\n",
               r.id.value() == 0 ? std::string("-") : std::to_string(r.id.value()),
               order->status == clinic::OrderStatus::Active ? "active" : "discontinued",
               order->course   ? fmt::format("for course {} from {}", order->course->value(), from)
               : from == until ? "on " + from
                               : fmt::format("{} to {}", from, until));
  }
}

void add_screen_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                        const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* screen = parent.add_subcommand("screen", "Screen a patient for eligibility");
  screen->fallthrough();
  screen->add_option("--patient", o->patient, "Patient id")->required();
  screen->add_option("--input", o->input_file, "Screening answers JSON (docs/clinic.md)")
      ->required();
  screen->add_option("--resistance", o->resistance,
                     "one_adequate_antidepressant (default) or consensus_2024");
  screen->add_flag("--allow-current-depression", o->allow_current_depression,
                   "Do not exclude a current depressive episode (a prescriber's choice)");
  screen->add_option("--date", o->date, "Day of the screening visit, YYYY-MM-DD (default today)");
  runners.emplace_back(screen, [global, o] {
    return run([&]() -> core::Status {
      const Json j = KETAPATH_TRY(clinic::read_json_file(o->input_file));
      const auto input = KETAPATH_TRY(clinic::screening_answers_from_json(j, o->input_file));
      clinic::ScreeningChoices choices;
      if (!o->resistance.empty()) {
        choices.resistance = KETAPATH_TRY(clinic::parse_resistance_definition(o->resistance));
      }
      choices.allow_current_depression = o->allow_current_depression;
      if (!o->date.empty()) {
        choices.screened_on = KETAPATH_TRY(clinic::parse_date(o->date, "--date"));
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto record =
          KETAPATH_TRY(c.service->screen(clinic::PatientId(o->patient), input, choices));
      if (global->json) {
        print_json(clinic::to_json(record));
      } else {
        fmt::print("screening {} for patient {}: {}\n", record.id.value(), o->patient,
                   clinic::to_string(record.result.eligibility));
        for (const auto& reason : record.result.reasons) {
          fmt::print("  - {}\n", reason);
        }
      }
      return {};
    });
  });
}

void add_dose_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                      const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* dose = parent.add_subcommand("dose", "Calculate and record a weight-based dose");
  dose->fallthrough();
  dose->add_option("--patient", o->patient, "Patient id")->required();
  dose->add_option("--route", o->route, "iv, sc or im")->capture_default_str();
  dose->add_option("--dose", o->dose, "Weight-based dose, e.g. 0.5mg/kg")->required();
  dose->add_option("--duration-min", o->duration_min,
                   "IV infusion time in minutes (library default 40)");
  dose->add_option("--concentration-mg-per-ml", o->concentration,
                   "Concentration in mg/mL (library default)");
  dose->add_option("--override-reason", o->override_reason, "Reason to exceed the soft limit");
  dose->add_option("--date", o->date, "Treatment day, YYYY-MM-DD (default today)");
  dose->add_flag("--preview", o->preview,
                 "Calculate and check exactly as for the record, but store nothing");
  dose->add_option("--valid-until", o->valid_until,
                   "The order stands through this day, YYYY-MM-DD (default: the treatment day)");
  dose->add_option("--course", o->course, "The order stands for this course's sessions");
  runners.emplace_back(dose, [global, o, dose] {
    return run([&]() -> core::Status {
      clinic::DoseOrder order;
      order.patient = clinic::PatientId(o->patient);
      order.route = KETAPATH_TRY(clinic::parse_clinic_route(o->route));
      order.dose = KETAPATH_TRY(clinic::parse_dose_per_kg(o->dose, "--dose"));
      if (dose->count("--duration-min") > 0) {
        order.duration = core::Minutes(o->duration_min);
      }
      if (dose->count("--concentration-mg-per-ml") > 0) {
        order.concentration = core::MilligramsPerMillilitre(o->concentration);
      }
      order.override_reason = o->override_reason;
      if (!o->valid_until.empty()) {
        order.valid_until = KETAPATH_TRY(clinic::parse_date(o->valid_until, "--valid-until"));
      }
      if (dose->count("--course") > 0) {
        order.course = clinic::CourseId(o->course);
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      order.on = KETAPATH_TRY(date_or_today(*dose, "--date", o->date, *c.service));
      const auto record = KETAPATH_TRY(o->preview ? c.service->preview_dose(order)
                                                  : c.service->calculate_dose(order));
      if (global->json) {
        Json j = clinic::to_json(record);
        j["preview"] = o->preview;
        print_json(j);
      } else {
        if (o->preview) {
          fmt::print("PREVIEW (not stored)\n");
        }
        print_dose(record);
      }
      return {};
    });
  });
}

void add_course_plan_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                             const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* plan = parent.add_subcommand("plan", "Plan a course from a protocol template");
  plan->fallthrough();
  plan->add_option("--patient", o->patient, "Patient id")->required();
  plan->add_option("--protocol", o->protocol,
                   "ascending_sc, iv_loading, maintenance_weekly, maintenance_twice_weekly or "
                   "maintenance_taper")
      ->required();
  plan->add_option("--start", o->start, "First session day, YYYY-MM-DD")->required();
  plan->add_option("--per-week", o->per_week, "IV loading infusions per week (2 or 3)")
      ->capture_default_str();
  plan->add_option("--weeks", o->weeks, "Maintenance length in weeks")->capture_default_str();
  plan->add_option("--route", o->route, "Override the template route (iv, sc, im)");
  plan->add_option("--dose", o->dose, "Override the template dose, e.g. 0.5mg/kg");
  plan->add_option("--duration-min", o->duration_min, "IV infusion time in minutes");
  plan->add_option("--notes", o->notes, "Free-text notes");
  plan->add_option("--allow-overlap", o->allow_overlap,
                   "Why this course may run beside the patient's active course (recorded)");
  runners.emplace_back(plan, [global, o, plan] {
    return run([&]() -> core::Status {
      clinic::CoursePlanOptions options;
      options.loading_per_week = o->per_week;
      options.weeks = o->weeks;
      options.allow_overlap_reason = o->allow_overlap;
      if (plan->count("--route") > 0) {
        options.route = KETAPATH_TRY(clinic::parse_clinic_route(o->route));
      }
      if (!o->dose.empty()) {
        options.dose = KETAPATH_TRY(clinic::parse_dose_per_kg(o->dose, "--dose"));
      }
      if (plan->count("--duration-min") > 0) {
        options.duration = core::Minutes(o->duration_min);
      }
      const auto protocol = KETAPATH_TRY(clinic::parse_course_protocol(o->protocol));
      const auto start = KETAPATH_TRY(clinic::parse_date(o->start, "--start"));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto planned = KETAPATH_TRY(c.service->plan_course(clinic::PatientId(o->patient),
                                                               protocol, start, options, o->notes));
      if (global->json) {
        print_json(course_json(planned));
      } else {
        print_course(planned);
      }
      return {};
    });
  });
}

void add_course_show_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                             const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* show = parent.add_subcommand("show", "Show a course, or all courses of a patient");
  show->fallthrough();
  show->add_option("--course", o->course, "Course id");
  show->add_option("--patient", o->patient, "Patient id (all courses)");
  runners.emplace_back(show, [global, o] {
    return run([&]() -> core::Status {
      if ((o->course == 0) == (o->patient == 0)) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "course show: give exactly one of --course or --patient");
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      std::vector<clinic::Course> courses;
      if (o->course != 0) {
        courses.push_back(KETAPATH_TRY(c.service->course(clinic::CourseId(o->course))));
      } else {
        courses = KETAPATH_TRY(c.service->courses(clinic::PatientId(o->patient)));
      }
      if (global->json) {
        Json out = Json::array();
        for (const auto& course_ : courses) {
          out.push_back(clinic::to_json(course_));
        }
        print_json(o->course != 0 ? out[0] : out);
      } else {
        for (const auto& course_ : courses) {
          print_course(course_);
        }
      }
      return {};
    });
  });
}

void add_session_record_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                                const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* record = parent.add_subcommand("record", "Record a session from a JSON file");
  record->fallthrough();
  record->add_option("--file,file", o->input_file, "Session JSON (docs/clinic.md)")->required();
  record->add_option("--stock-lot", o->stock_lot,
                     "The stock lot the dose was drawn from (`stock list`; or stock_lot in FILE)");
  runners.emplace_back(record, [global, o] {
    return run([&]() -> core::Status {
      const Json j = KETAPATH_TRY(clinic::read_json_file(o->input_file));
      auto s = KETAPATH_TRY(clinic::session_from_json(j, o->input_file));
      KETAPATH_TRY(clinic_cli::apply_stock_lot(s, o->stock_lot));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto r = KETAPATH_TRY(c.service->record_session(s));
      if (global->json) {
        Json alerts = Json::array();
        for (const auto& a : r.alerts) {
          alerts.push_back(clinic::to_json(a));
        }
        print_json({{"session", clinic::to_json(r.session)},
                    {"alerts", alerts},
                    {"warnings", r.warnings}});
        return {};
      }
      fmt::print("recorded session {} for patient {} ({} {} mg/kg = {} mg){}\n",
                 r.session.id.value(), r.session.patient.value(), pd::route_name(r.session.route),
                 core::display_number(r.session.dose_per_kg.value(), 3),
                 core::display_number(r.session.dose.value()),
                 r.session.course ? fmt::format(", course {} session {}", r.session.course->value(),
                                                r.session.course_session_number.value_or(0))
                                  : "");
      fmt::print("  order {}, given by {}{}\n",
                 r.session.dose_record ? r.session.dose_record->value() : 0, r.session.recorded_by,
                 r.session.checked_by.empty() ? "" : ", double-checked by " + r.session.checked_by);
      for (const auto& waiver :
           r.session.checklist ? r.session.checklist->waivers : std::vector<std::string>{}) {
        fmt::print("  checklist waiver: {}\n", waiver);
      }
      for (const auto& rating : r.session.ratings) {
        fmt::print("  {} at {}: {}\n", clinic::scale_definition(rating.scale).label,
                   clinic::format_timestamp(rating.rated_at), rating.total);
      }
      if (r.session.discharge) {
        fmt::print("  discharge: {}\n", r.session.discharge->ready ? "ready" : "NOT ready");
        for (const auto& reason : r.session.discharge->not_ready_reasons) {
          fmt::print("    - {}\n", reason);
        }
      }
      if (r.session.stock_lot) {
        fmt::print("  drawn from stock lot {}\n", r.session.stock_lot->value());
      }
      for (const auto& a : r.alerts) {
        fmt::print("ALERT {} {}\n", a.id.value(), a.message);
      }
      for (const auto& w : r.warnings) {
        fmt::print("warning: {}\n", w);
      }
      return {};
    });
  });
}

void add_settings_show_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                               Runners& runners) {
  CLI::App* settings_show =
      parent.add_subcommand("show", "Print the clinic's policies (every settings key) as JSON");
  settings_show->fallthrough();
  runners.emplace_back(settings_show, [global] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      // Each KETAPATH_TRY outside the braced list: g++ 12 leaks a list's built elements when a
      // call inside it returns early.
      const auto dosing = KETAPATH_TRY(c.service->dosing_policy());
      const auto safety = KETAPATH_TRY(c.service->safety_thresholds());
      const auto screening = KETAPATH_TRY(c.service->screening_policy());
      const auto calendar = KETAPATH_TRY(c.service->clinic_calendar());
      const auto response = KETAPATH_TRY(c.service->response_policy());
      const auto custody = KETAPATH_TRY(c.service->custody_policy());
      const auto medication = KETAPATH_TRY(c.service->medication_safety());
      print_json({{"dosing_policy", clinic::to_json(dosing)},
                  {"safety_thresholds", clinic::to_json(safety)},
                  {"screening_policy", clinic::to_json(screening)},
                  {"clinic_calendar", clinic::to_json(calendar)},
                  {"response_policy", clinic::to_json(response)},
                  {"custody_policy", clinic::to_json(custody)},
                  {"medication_safety", clinic::to_json(medication)}});
      return {};
    });
  });
}

void add_settings_set_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                              const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* settings_set =
      parent.add_subcommand("set", "Replace one policy from a JSON file (audited)");
  settings_set->fallthrough();
  settings_set
      ->add_option("--key", o->protocol,
                   "dosing_policy, safety_thresholds, screening_policy, clinic_calendar, "
                   "response_policy, custody_policy or medication_safety")
      ->required();
  settings_set
      ->add_option("--file", o->input_file, "The policy JSON (the form `settings show` prints)")
      ->required();
  runners.emplace_back(settings_set, [global, o] {
    return run([&]() -> core::Status {
      const Json j = KETAPATH_TRY(clinic::read_json_file(o->input_file));
      auto c = KETAPATH_TRY(open_clinic(*global));
      if (o->protocol == "dosing_policy") {
        const auto value = KETAPATH_TRY(clinic::dosing_policy_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_dosing_policy(value));
      } else if (o->protocol == "safety_thresholds") {
        const auto value = KETAPATH_TRY(clinic::safety_thresholds_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_safety_thresholds(value));
      } else if (o->protocol == "screening_policy") {
        const auto value = KETAPATH_TRY(clinic::screening_policy_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_screening_policy(value));
      } else if (o->protocol == "clinic_calendar") {
        const auto value = KETAPATH_TRY(clinic::clinic_calendar_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_clinic_calendar(value));
      } else if (o->protocol == "response_policy") {
        const auto value = KETAPATH_TRY(clinic::response_policy_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_response_policy(value));
      } else if (o->protocol == "custody_policy") {
        KETAPATH_TRY(c.service->set_custody_policy(
            KETAPATH_TRY(clinic::custody_policy_from_json(j, o->input_file))));
      } else if (o->protocol == "medication_safety") {
        const auto value = KETAPATH_TRY(clinic::medication_safety_from_json(j, o->input_file));
        KETAPATH_TRY(clinic::check_complete_setting(j, clinic::to_json(value), o->input_file));
        KETAPATH_TRY(c.service->set_medication_safety(value));
      } else {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "--key: expected dosing_policy, safety_thresholds, screening_policy, "
                          "clinic_calendar, response_policy, custody_policy or medication_safety "
                          "(got \"{}\")",
                          o->protocol);
      }
      if (global->json) {
        print_json({{"saved", o->protocol}});
      } else {
        fmt::print("saved {}\n", o->protocol);
      }
      return {};
    });
  });
}

void add_drug_show_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners) {
  CLI::App* drug_show = parent.add_subcommand("show", "Print the drug library as JSON");
  drug_show->fallthrough();
  runners.emplace_back(drug_show, [global] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      Json out = Json::array();
      for (const auto& e : KETAPATH_TRY(c.service->drugs())) {
        out.push_back(clinic::to_json(e));
      }
      print_json(out);
      return {};
    });
  });
}

void add_drug_set_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                          const std::shared_ptr<CareOptions>& o, Runners& runners) {
  CLI::App* drug_set =
      parent.add_subcommand("set", "Replace a drug entry from a JSON file (audited)");
  drug_set->fallthrough();
  drug_set->add_option("--file", o->input_file, "Drug entry JSON (the form `drug show` prints)")
      ->required();
  runners.emplace_back(drug_set, [global, o] {
    return run([&]() -> core::Status {
      const Json j = KETAPATH_TRY(clinic::read_json_file(o->input_file));
      const auto entry = KETAPATH_TRY(clinic::drug_entry_from_json(j, o->input_file));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto id = KETAPATH_TRY(c.service->save_drug(entry));
      if (global->json) {
        print_json({{"id", id.value()}, {"name", entry.name}});
      } else {
        fmt::print("saved drug library entry {} ({})\n", entry.name, id.value());
      }
      return {};
    });
  });
}

}  // namespace

void print_course(const clinic::Course& c) {
  fmt::print("course {} for patient {}: {} from {} ({}{})\n", c.id.value(), c.patient.value(),
             clinic::to_string(c.protocol), clinic::format_date(c.start),
             clinic::to_string(c.status), c.status_reason.empty() ? "" : ": " + c.status_reason);
  if (!c.overlap_reason.empty()) {
    fmt::print("  runs beside another active course: {}\n", c.overlap_reason);
  }
  fmt::print("  {:>3}  {:<10}  {:<5} {:>10}  {:>8}  {:<9}  {}\n", "#", "planned", "route", "dose",
             "duration", "status", "actual");
  for (const auto& p : c.sessions) {
    fmt::print("  {:>3}  {}  {:<5} {:>4} mg/kg  {:>8}  {:<9}  {}\n", p.number,
               clinic::format_date(p.planned_on), pd::route_name(p.route),
               core::display_number(p.dose.value(), 3),
               p.duration ? core::display_number(p.duration->value()) + " min" : "-",
               clinic::to_string(p.status),
               p.actual_on ? clinic::format_date(*p.actual_on) +
                                 (p.session ? fmt::format(" (session {})", p.session->value()) : "")
                           : p.note);
  }
  for (const auto& m : c.messages) {
    fmt::print("note: {}\n", m);
  }
}

Json course_json(const clinic::Course& c) {
  Json j = clinic::to_json(c);
  j["messages"] = c.messages;
  return j;
}

void add_care_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners) {
  auto o = std::make_shared<CareOptions>();

  add_screen_command(clinic_app, global, o, runners);

  add_dose_command(clinic_app, global, o, runners);

  CLI::App* course = clinic_app.add_subcommand("course", "Plan and show treatment courses");
  course->require_subcommand(1);
  course->fallthrough();
  add_course_plan_command(*course, global, o, runners);
  add_course_show_command(*course, global, o, runners);

  CLI::App* session = clinic_app.add_subcommand("session", "Record treatment sessions");
  session->require_subcommand(1);
  session->fallthrough();
  add_session_record_command(*session, global, o, runners);

  CLI::App* settings = clinic_app.add_subcommand("settings", "Show or edit the clinic's policies");
  settings->require_subcommand(1);
  settings->fallthrough();
  add_settings_show_command(*settings, global, runners);
  add_settings_set_command(*settings, global, o, runners);

  CLI::App* drug = clinic_app.add_subcommand("drug", "Show or edit the drug library");
  drug->require_subcommand(1);
  drug->fallthrough();
  add_drug_show_command(*drug, global, runners);
  add_drug_set_command(*drug, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
