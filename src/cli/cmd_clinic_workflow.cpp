// `ketapath clinic assessment record|list`, `course complete|cancel|reschedule|skip`, `response`
// and `care-team add|list` (registers nothing itself; see cmd_clinic.cpp): ratings outside sessions
// (a GAD-7 at 24 h and 7 days after an infusion), the course lifecycle, and the response with its
// one recommendation.

#include <charconv>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/json/json.h"
#include "core/number_text.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct FollowupOptions {
  std::int64_t patient = 0;
  std::string scale;
  std::string items;
  std::string at;
  std::string rater;
  std::string notes;
  std::int64_t course = 0;
  int session = 0;
  std::string reason;
  std::string to;
  std::string role;
  std::string name;
  std::string practice;
  std::string contact;
};

// "2,3,1,0" -> {2, 3, 1, 0}; InvalidArgument naming the bad element.
core::Result<std::vector<int>> parse_items(const std::string& text) {
  std::vector<int> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    int value = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--items: answer {} must be a whole number (got \"{}\"); give every item "
                        "in the instrument's order, comma-separated",
                        items.size() + 1, item);
    }
    items.push_back(value);
    start = comma + 1;
  }
  return items;
}

void print_assessment(const clinic::Assessment& a) {
  fmt::print("assessment {} for patient {}: {} {} at {} ({}", a.id.value(), a.patient.value(),
             clinic::scale_definition(a.rating.scale).label, a.rating.total,
             clinic::format_timestamp(a.rating.rated_at), clinic::to_string(a.timing));
  if (a.hours_since_dose) {
    fmt::print(", {} h after the dose of session {}", core::display_number(*a.hours_since_dose, 1),
               a.last_dose_session ? a.last_dose_session->value() : 0);
  } else {
    fmt::print(", before the first dose");
  }
  fmt::print(")\n");
}

void print_plan(const clinic::ResponsePlan& plan) {
  for (const auto& r : plan.scales) {
    const std::string name(clinic::scale_definition(r.scale).label);
    fmt::print("{}: baseline {}{}\n", name, r.baseline ? std::to_string(*r.baseline) : "none",
               r.baseline_at ? " at " + clinic::format_timestamp(*r.baseline_at) : "");
    const auto line = [&](const char* label, const std::vector<clinic::TrajectoryPoint>& points) {
      fmt::print("  {:<7}", label);
      if (points.empty()) {
        fmt::print(" -");
      }
      for (const auto& p : points) {
        fmt::print(" {}{}:{}", clinic::format_date(clinic::day_of(p.rated_at)),
                   p.infusion > 0 ? fmt::format("#{}", p.infusion) : "", p.total);
      }
      fmt::print("\n");
    };
    line("trough", r.trajectory);
    line("acute", r.acute);
    fmt::print(
        "  trough status {} (best {}), trend {}, after {} doses; {} consecutive "
        "responding trough ratings{}\n",
        clinic::to_string(r.latest), clinic::to_string(r.best), r.trend.empty() ? "n/a" : r.trend,
        r.sessions, r.consecutive_response, r.sustained ? " (sustained)" : "");
    fmt::print("  {}: {}\n", clinic::to_string(r.recommendation), r.suggestion);
  }
  fmt::print("recommendation: {}{}\n", clinic::to_string(plan.recommendation),
             plan.decided_by
                 ? fmt::format(" (decided by {})", clinic::scale_definition(*plan.decided_by).label)
                 : "");
  fmt::print("rule: {}\n", plan.rule);
  std::string dates;
  for (const auto d : plan.proposed_dates) {
    dates += (dates.empty() ? "" : ", ") + clinic::weekday_name(d).substr(0, 3) + " " +
             clinic::format_date(d);
  }
  fmt::print("proposed dates: {}\n", dates.empty() ? "none" : dates);
  fmt::print("  ({})\n", plan.dates_basis);
}

void add_assessment_record_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                                   const std::shared_ptr<FollowupOptions>& o, Runners& runners) {
  CLI::App* record = parent.add_subcommand("record", "Record a rating (audited)");
  record->fallthrough();
  record->add_option("--patient", o->patient, "Patient id")->required();
  record->add_option("--scale", o->scale, "gad-7, ham-a, phq-9, lsas, fq or cadss")->required();
  record->add_option("--items", o->items, "Every item answer in order, e.g. 2,2,1,1,2,1,2")
      ->required();
  record->add_option("--at", o->at, "When it was rated (ISO 8601; default now)");
  record->add_option("--rater", o->rater, "\"self\" for self-report, else the clinician");
  record->add_option("--notes", o->notes, "Free-text notes");
  runners.emplace_back(record, [global, o] {
    return run([&]() -> core::Status {
      clinic::Assessment a;
      a.patient = clinic::PatientId(o->patient);
      a.rating.scale = KETAPATH_TRY(clinic::parse_scale(o->scale));
      a.rating.items = KETAPATH_TRY(parse_items(o->items));
      a.rating.rater = o->rater;
      a.notes = o->notes;
      auto c = KETAPATH_TRY(open_clinic(*global));
      a.rating.rated_at =
          o->at.empty() ? c.service->now() : KETAPATH_TRY(clinic::parse_timestamp(o->at, "--at"));
      const auto r = KETAPATH_TRY(c.service->record_assessment(a));
      if (global->json) {
        Json alerts = Json::array();
        for (const auto& alert : r.alerts) {
          alerts.push_back(clinic::to_json(alert));
        }
        print_json({{"assessment", clinic::to_json(r.assessment)},
                    {"alerts", alerts},
                    {"warnings", r.warnings}});
        return {};
      }
      print_assessment(r.assessment);
      for (const auto& alert : r.alerts) {
        fmt::print("ALERT {} {}\n", alert.id.value(), alert.message);
      }
      for (const auto& w : r.warnings) {
        fmt::print("warning: {}\n", w);
      }
      return {};
    });
  });
}

void add_assessment_list_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                                 const std::shared_ptr<FollowupOptions>& o, Runners& runners) {
  CLI::App* list = parent.add_subcommand("list", "A patient's ratings outside sessions");
  list->fallthrough();
  list->add_option("--patient", o->patient, "Patient id")->required();
  runners.emplace_back(list, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto all = KETAPATH_TRY(c.service->assessments(clinic::PatientId(o->patient)));
      if (global->json) {
        Json out = Json::array();
        for (const auto& a : all) {
          out.push_back(clinic::to_json(a));
        }
        print_json({{"assessments", out}});
        return {};
      }
      if (all.empty()) {
        fmt::print("no assessments outside sessions\n");
      }
      for (const auto& a : all) {
        print_assessment(a);
        for (const auto& flag : a.flags) {
          fmt::print("  flag: {}\n", flag);
        }
      }
      return {};
    });
  });
}

void add_response_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                          const std::shared_ptr<FollowupOptions>& o, Runners& runners) {
  CLI::App* response = parent.add_subcommand(
      "response", "Trough and acute response per scale and one recommendation with dates");
  response->fallthrough();
  response->add_option("--patient", o->patient, "Patient id")->required();
  runners.emplace_back(response, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto plan = KETAPATH_TRY(c.service->response_plan(clinic::PatientId(o->patient)));
      if (global->json) {
        print_json(clinic::to_json(plan));
      } else {
        print_plan(plan);
      }
      return {};
    });
  });
}

void add_team_add_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                          const std::shared_ptr<FollowupOptions>& o, Runners& runners) {
  CLI::App* team_add = parent.add_subcommand("add", "Add a psychiatrist or PCP (audited)");
  team_add->fallthrough();
  team_add->add_option("--patient", o->patient, "Patient id")->required();
  team_add->add_option("--role", o->role, "psychiatrist or pcp")->required();
  team_add->add_option("--name", o->name, "\"Dr Maria Weber\"")->required();
  team_add->add_option("--practice", o->practice, "Practice or hospital");
  team_add->add_option("--contact", o->contact, "Phone, secure e-mail or fax");
  runners.emplace_back(team_add, [global, o] {
    return run([&]() -> core::Status {
      clinic::CareTeamMember m;
      m.patient = clinic::PatientId(o->patient);
      m.role = KETAPATH_TRY(clinic::parse_care_role(o->role));
      m.name = o->name;
      m.practice = o->practice;
      m.contact = o->contact;
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto added = KETAPATH_TRY(c.service->add_care_team_member(m));
      if (global->json) {
        print_json(clinic::to_json(added));
      } else {
        fmt::print("care team {} for patient {}: {} {}{}\n", added.id.value(),
                   added.patient.value(), clinic::to_string(added.role), added.name,
                   added.practice.empty() ? "" : ", " + added.practice);
      }
      return {};
    });
  });
}

void add_team_list_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                           const std::shared_ptr<FollowupOptions>& o, Runners& runners) {
  CLI::App* team_list = parent.add_subcommand("list", "The patient's care team");
  team_list->fallthrough();
  team_list->add_option("--patient", o->patient, "Patient id")->required();
  runners.emplace_back(team_list, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto team_ = KETAPATH_TRY(c.service->care_team(clinic::PatientId(o->patient)));
      if (global->json) {
        Json out = Json::array();
        for (const auto& m : team_) {
          out.push_back(clinic::to_json(m));
        }
        print_json({{"care_team", out}});
        return {};
      }
      if (team_.empty()) {
        fmt::print("no care team recorded\n");
      }
      for (const auto& m : team_) {
        fmt::print("{:>4}  {:<12} {}{}{}\n", m.id.value(), clinic::to_string(m.role), m.name,
                   m.practice.empty() ? "" : ", " + m.practice,
                   m.contact.empty() ? "" : " (" + m.contact + ")");
      }
      return {};
    });
  });
}

}  // namespace

void add_followup_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners) {
  auto o = std::make_shared<FollowupOptions>();
  CLI::App* assessment = clinic_app.add_subcommand(
      "assessment", "Ratings outside sessions (follow-ups, e.g. GAD-7 at 24 h and 7 days)");
  assessment->require_subcommand(1);
  assessment->fallthrough();

  add_assessment_record_command(*assessment, global, o, runners);

  add_assessment_list_command(*assessment, global, o, runners);

  CLI::App* course = clinic_app.get_subcommand("course");
  const auto lifecycle = [&](const char* name, const char* help, bool numbered, bool needs_to,
                             auto action) {
    CLI::App* sub = course->add_subcommand(name, help);
    sub->fallthrough();
    sub->add_option("--course", o->course, "Course id")->required();
    if (numbered) {
      sub->add_option("--session", o->session, "Planned session number")->required();
    }
    if (needs_to) {
      sub->add_option("--to", o->to, "New day, YYYY-MM-DD")->required();
    }
    sub->add_option("--reason", o->reason, "Why (recorded and audited)");
    runners.emplace_back(sub, [global, o, action] {
      return run([&]() -> core::Status {
        auto c = KETAPATH_TRY(open_clinic(*global));
        const clinic::Course result = KETAPATH_TRY(action(*c.service, *o));
        if (global->json) {
          print_json(course_json(result));
        } else {
          print_course(result);
        }
        return {};
      });
    });
  };
  lifecycle("complete",
            "End a course: every session done or skipped, or early with --reason (audited)", false,
            false, [](clinic::ClinicService& s, const FollowupOptions& x) {
              return s.complete_course(clinic::CourseId(x.course), x.reason);
            });
  lifecycle("cancel", "Cancel an active course; --reason required (audited)", false, false,
            [](clinic::ClinicService& s, const FollowupOptions& x) {
              return s.cancel_course(clinic::CourseId(x.course), x.reason);
            });
  lifecycle("reschedule",
            "Move one planned session to another clinic day; --reason required (audited)", true,
            true,
            [](clinic::ClinicService& s, const FollowupOptions& x) -> core::Result<clinic::Course> {
              const auto to = KETAPATH_TRY(clinic::parse_date(x.to, "--to"));
              return s.reschedule_session(clinic::CourseId(x.course), x.session, to, x.reason);
            });
  lifecycle("skip", "Leave one planned session out; --reason required (audited)", true, false,
            [](clinic::ClinicService& s, const FollowupOptions& x) {
              return s.skip_session(clinic::CourseId(x.course), x.session, x.reason);
            });

  add_response_command(clinic_app, global, o, runners);

  CLI::App* team = clinic_app.add_subcommand(
      "care-team", "The patient's psychiatrist and PCP (the report is addressed to them)");
  team->require_subcommand(1);
  team->fallthrough();
  add_team_add_command(*team, global, o, runners);
  add_team_list_command(*team, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
