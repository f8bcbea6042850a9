// `ketapath clinic patient add|show|list|weigh|diagnose|history` (registers nothing itself; see
// cmd_clinic.cpp).

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/domain/scales.h"
#include "clinic/json/json.h"
#include "core/number_text.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct PatientOptions {
  std::string name;
  std::string birth_date;
  std::string sex;
  double weight_kg = 0.0;
  std::string weight_date;
  bool estimated = false;
  std::vector<std::string> diagnoses;  // "gad:F41.1[:2024-05-01]"
  std::string history_file;
  std::int64_t patient = 0;
};

// "disorder:ICD10[:YYYY-MM-DD]" -> Diagnosis (validated later by the service).
core::Result<clinic::Diagnosis> parse_diagnosis(const std::string& text, clinic::Date today) {
  const auto first = text.find(':');
  if (first == std::string::npos) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--diagnosis: expected DISORDER:ICD10[:DATE], e.g. gad:F41.1 (got \"{}\")",
                      text);
  }
  const auto second = text.find(':', first + 1);
  clinic::Diagnosis d;
  d.disorder = KETAPATH_TRY(clinic::parse_disorder(text.substr(0, first)));
  d.icd10 =
      text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  d.diagnosed_on =
      second == std::string::npos
          ? today
          : KETAPATH_TRY(clinic::parse_date(text.substr(second + 1), "--diagnosis date"));
  return d;
}

std::string summary_line(const clinic::Patient& p, clinic::Date today) {
  const auto w = clinic::latest_weight(p, today);
  std::string dx;
  for (const auto& d : p.diagnoses) {
    dx += (dx.empty() ? "" : ", ") + d.icd10;
  }
  return fmt::format("{:>5}  {:<24} {}  {}  {:>3} y  {:>9}  {}", p.id.value(), p.name,
                     clinic::format_date(p.birth_date), pd::sex_name(p.sex),
                     clinic::age_in_years(p.birth_date, today),
                     w ? core::display_number(w->weight.value(), 1) + " kg" : "-",
                     dx.empty() ? "-" : dx);
}

void print_patient(const clinic::Patient& p, clinic::Date today) {
  fmt::print("patient {}: {}, born {} ({} years), sex {}\n", p.id.value(), p.name,
             clinic::format_date(p.birth_date), clinic::age_in_years(p.birth_date, today),
             pd::sex_name(p.sex));
  fmt::print("weights:\n");
  for (const auto& w : p.weights) {
    fmt::print("  {}  {} kg{}\n", clinic::format_date(w.measured_on),
               core::display_number(w.weight.value(), 1), w.estimated ? " (estimated)" : "");
  }
  fmt::print("diagnoses:\n");
  for (const auto& d : p.diagnoses) {
    fmt::print("  {} {} since {}{}\n", d.icd10, clinic::to_string(d.disorder),
               clinic::format_date(d.diagnosed_on), d.primary ? " (primary)" : "");
  }
  fmt::print("treatment history:\n");
  for (const auto& t : p.treatment_history) {
    if (t.kind == clinic::TreatmentKind::Psychotherapy) {
      fmt::print("  {} ({}): {} sessions over {} weeks, {}\n", t.name, clinic::to_string(t.kind),
                 t.psychotherapy_sessions, core::display_number(t.duration_weeks, 1),
                 clinic::to_string(t.outcome));
    } else {
      fmt::print("  {} ({}): {} mg/day (minimum therapeutic {} mg/day) for {} weeks, {}\n", t.name,
                 clinic::to_string(t.kind),
                 t.daily_dose ? core::display_number(t.daily_dose->value()) : "?",
                 t.min_therapeutic_daily_dose
                     ? core::display_number(t.min_therapeutic_daily_dose->value())
                     : "?",
                 core::display_number(t.duration_weeks, 1), clinic::to_string(t.outcome));
    }
  }
}

void add_patient_add_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                             const std::shared_ptr<PatientOptions>& o, Runners& runners) {
  CLI::App* add = parent.add_subcommand("add", "Add a patient with a first weight");
  add->fallthrough();
  add->add_option("--name", o->name, "Full name")->required();
  add->add_option("--birth-date", o->birth_date, "Date of birth, YYYY-MM-DD")->required();
  add->add_option("--sex", o->sex, "F, M or X")->required();
  add->add_option("--weight-kg", o->weight_kg,
                  "Body weight in kg (weighed today unless --weight-date)")
      ->required();
  add->add_option("--weight-date", o->weight_date, "Date the weight was measured, YYYY-MM-DD");
  add->add_flag("--estimated", o->estimated, "The weight is estimated or patient-stated");
  add->add_option("--diagnosis", o->diagnoses,
                  "DISORDER:ICD10[:DATE], e.g. gad:F41.1 or sad:F40.10 (repeatable)");
  add->add_option("--history", o->history_file, "Treatment history JSON file (docs/clinic.md)");
  runners.emplace_back(add, [global, o, add] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const clinic::Date today = clinic::day_of(c.service->now());
      clinic::Patient p;
      p.name = o->name;
      p.birth_date = KETAPATH_TRY(clinic::parse_date(o->birth_date, "--birth-date"));
      p.sex = KETAPATH_TRY(clinic::parse_sex(o->sex));
      clinic::WeightRecord w;
      w.weight = core::Kilograms(o->weight_kg);
      // Only an absent flag means today: `--weight-date ""` is not a date.
      w.measured_on = add->count("--weight-date") == 0
                          ? today
                          : KETAPATH_TRY(clinic::parse_date(o->weight_date, "--weight-date"));
      w.estimated = o->estimated;
      p.weights.push_back(w);
      for (const auto& text : o->diagnoses) {
        p.diagnoses.push_back(KETAPATH_TRY(parse_diagnosis(text, today)));
      }
      if (!p.diagnoses.empty()) {
        p.diagnoses.front().primary = true;
      }
      if (!o->history_file.empty()) {
        const Json j = KETAPATH_TRY(clinic::read_json_file(o->history_file));
        p.treatment_history = KETAPATH_TRY(clinic::treatment_history_from_json(j, o->history_file));
      }
      const clinic::PatientId id = KETAPATH_TRY(c.service->add_patient(p));
      if (global->json) {
        print_json({{"id", id.value()}});
      } else {
        fmt::print("added patient {}: {}\n", id.value(), p.name);
      }
      return {};
    });
  });
}

void add_patient_weigh_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                               const std::shared_ptr<PatientOptions>& o, Runners& runners) {
  CLI::App* weigh = parent.add_subcommand("weigh", "Record a new weight");
  weigh->fallthrough();
  weigh->add_option("--patient", o->patient, "Patient id")->required();
  weigh->add_option("--weight-kg", o->weight_kg, "Body weight in kg")->required();
  weigh->add_option("--date", o->weight_date, "Date measured, YYYY-MM-DD (default today)");
  weigh->add_flag("--estimated", o->estimated, "The weight is estimated or patient-stated");
  runners.emplace_back(weigh, [global, o, weigh] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      clinic::WeightRecord w;
      w.weight = core::Kilograms(o->weight_kg);
      w.measured_on = KETAPATH_TRY(date_or_today(*weigh, "--date", o->weight_date, *c.service));
      w.estimated = o->estimated;
      const auto r = KETAPATH_TRY(c.service->add_weight(clinic::PatientId(o->patient), w));
      if (global->json) {
        print_json(
            {{"patient", o->patient}, {"weight", clinic::to_json(w)}, {"warnings", r.warnings}});
      } else {
        fmt::print("recorded {} kg on {} for patient {}\n", core::display_number(o->weight_kg, 1),
                   clinic::format_date(w.measured_on), o->patient);
        for (const auto& warning : r.warnings) {
          fmt::print("warning: {}\n", warning);
        }
      }
      return {};
    });
  });
}

void add_patient_diagnose_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                                  const std::shared_ptr<PatientOptions>& o, Runners& runners) {
  CLI::App* diagnose = parent.add_subcommand("diagnose", "Add a diagnosis");
  diagnose->fallthrough();
  diagnose->add_option("--patient", o->patient, "Patient id")->required();
  diagnose->add_option("--diagnosis", o->diagnoses, "DISORDER:ICD10[:DATE]")->required();
  runners.emplace_back(diagnose, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      for (const auto& text : o->diagnoses) {
        const auto d = KETAPATH_TRY(parse_diagnosis(text, clinic::day_of(c.service->now())));
        KETAPATH_TRY(c.service->add_diagnosis(clinic::PatientId(o->patient), d));
      }
      if (!global->json) {
        fmt::print("added {} diagnosis(es) to patient {}\n", o->diagnoses.size(), o->patient);
      } else {
        print_json({{"patient", o->patient}, {"added", o->diagnoses.size()}});
      }
      return {};
    });
  });
}

void add_patient_history_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                                 const std::shared_ptr<PatientOptions>& o, Runners& runners) {
  CLI::App* history = parent.add_subcommand("history", "Add treatment trials from a JSON file");
  history->fallthrough();
  history->add_option("--patient", o->patient, "Patient id")->required();
  history->add_option("--file", o->history_file, "Treatment history JSON file")->required();
  runners.emplace_back(history, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const Json j = KETAPATH_TRY(clinic::read_json_file(o->history_file));
      const auto trials = KETAPATH_TRY(clinic::treatment_history_from_json(j, o->history_file));
      KETAPATH_TRY(c.service->add_treatment_trials(clinic::PatientId(o->patient), trials));
      if (global->json) {
        print_json({{"patient", o->patient}, {"added", trials.size()}});
      } else {
        fmt::print("added {} treatment trial(s) to patient {}\n", trials.size(), o->patient);
      }
      return {};
    });
  });
}

void add_patient_show_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                              const std::shared_ptr<PatientOptions>& o, Runners& runners) {
  CLI::App* show = parent.add_subcommand("show", "Show one patient");
  show->fallthrough();
  show->add_option("--patient,id", o->patient, "Patient id")->required();
  runners.emplace_back(show, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto p = KETAPATH_TRY(c.service->patient(clinic::PatientId(o->patient)));
      if (global->json) {
        print_json(clinic::to_json(p));
      } else {
        print_patient(p, clinic::day_of(c.service->now()));
      }
      return {};
    });
  });
}

void add_patient_list_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                              Runners& runners) {
  CLI::App* list = parent.add_subcommand("list", "List patients");
  list->fallthrough();
  runners.emplace_back(list, [global] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto all = KETAPATH_TRY(c.service->patients());
      if (global->json) {
        Json out = Json::array();
        for (const auto& p : all) {
          out.push_back(clinic::to_json(p));
        }
        print_json(out);
        return {};
      }
      const clinic::Date today = clinic::day_of(c.service->now());
      fmt::print("{:>5}  {:<24} {:<10}  {}  {:>5}  {:>9}  {}\n", "id", "name", "born", "sex", "age",
                 "weight", "diagnoses");
      for (const auto& p : all) {
        fmt::print("{}\n", summary_line(p, today));
      }
      return {};
    });
  });
}

}  // namespace

void add_patient_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                          Runners& runners) {
  CLI::App* patient = clinic_app.add_subcommand("patient", "Add, show and list patients");
  patient->require_subcommand(1);
  patient->fallthrough();
  auto o = std::make_shared<PatientOptions>();

  add_patient_add_command(*patient, global, o, runners);

  add_patient_weigh_command(*patient, global, o, runners);

  add_patient_diagnose_command(*patient, global, o, runners);

  add_patient_history_command(*patient, global, o, runners);

  add_patient_show_command(*patient, global, o, runners);

  add_patient_list_command(*patient, global, runners);
}

}  // namespace ketapath::cli::clinic_cli
