// `ketapath clinic report|audit verify|demo` (registers nothing itself; see cmd_clinic.cpp).

#include <fstream>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "cli/forecast_options.h"
#include "clinic/json/json.h"
#include "clinic/pdf/letter_pdf.h"
#include "clinic/service/demo.h"
#include "clinic/service/report.h"
#include "core/private_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct RecordOptions {
  std::int64_t patient = 0;
  std::string format = "markdown";
  std::string output;
  std::uint64_t seed = 1;
  int patients = 6;
  std::string anchor;
  std::string role;
  ForecastQueryOptions forecast;  // report
  bool no_forecast = false;
};

void add_report_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                        const std::shared_ptr<RecordOptions>& o, Runners& runners) {
  CLI::App* report =
      parent.add_subcommand("report", "The letter to the care team: Markdown, HTML or PDF");
  report->fallthrough();
  report->add_option("--patient", o->patient, "Patient id")->required();
  report->add_option("--format", o->format, "markdown, html or pdf (pdf needs --output)")
      ->capture_default_str();
  report->add_option("--output,-o", o->output, "Write to this file instead of stdout");
  report->add_flag("--no-forecast", o->no_forecast,
                   "Leave the model-informed maintenance forecast out of the letter");
  add_forecast_query_options(report, o->forecast);
  runners.emplace_back(report, [global, o] {
    return run([&]() -> core::Status {
      if (o->format != "markdown" && o->format != "html" && o->format != "pdf") {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "--format: expected markdown, html or pdf (got \"{}\")", o->format);
      }
      if (o->format == "pdf" && o->output.empty() && !global->json) {
        return core::fail(
            core::ErrorCode::InvalidArgument,
            "--format pdf: give --output FILE (a PDF is not written to the terminal)");
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const clinic::PatientId id(o->patient);
      auto data = KETAPATH_TRY(c.service->report_data(id));
      if (!o->no_forecast) {
        const LoadedForecastQuery q = KETAPATH_TRY(load_forecast_query(o->forecast));
        KETAPATH_TRY(clinic::add_forecast(*c.service, data, q.model, q.query));
      }
      if (global->json) {
        Json responses = Json::array();
        for (const auto& r : data.plan.scales) {
          responses.push_back(clinic::to_json(r));
        }
        Json team = Json::array();
        for (const auto& m : data.care_team) {
          team.push_back(clinic::to_json(m));
        }
        print_json({{"patient", clinic::to_json(data.patient)},
                    {"care_team", team},
                    {"responses", responses},
                    {"plan", clinic::to_json(data.plan)},
                    {"signed_by", data.generated_by},
                    {"forecast", data.forecast ? clinic::to_json(*data.forecast) : Json(nullptr)},
                    {"sessions", data.sessions.size()},
                    {"alerts", data.alerts.size()}});
        return {};
      }
      const std::string text =
          o->format == "pdf"
              ? KETAPATH_TRY(clinic::render_report_pdf(data))
              : clinic::render_report(data, o->format == "html" ? clinic::ReportFormat::Html
                                                                : clinic::ReportFormat::Markdown);
      if (o->output.empty()) {
        fmt::print("{}", text);
        return {};
      }
      // Patient data: readable by its owner only (0600), even when it replaces a file.
      KETAPATH_TRY(core::write_private_file(o->output, text));
      fmt::print("wrote {}\n", o->output);
      return {};
    });
  });
}

void add_audit_verify_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                              const std::shared_ptr<RecordOptions>& o, Runners& runners) {
  CLI::App* verify = parent.add_subcommand("verify", "Recompute the hash chain and the head HMAC");
  verify->fallthrough();
  verify->add_option("--anchor", o->anchor,
                     "SEQUENCE:HASH printed by an earlier verify and kept outside the database: "
                     "also check the log still holds that entry unchanged (finds a restored copy)");
  runners.emplace_back(verify, [global, o] {
    return run([&]() -> core::Status {
      std::optional<clinic::AuditAnchor> anchor;
      if (!o->anchor.empty()) {
        anchor = KETAPATH_TRY(clinic::parse_audit_anchor(o->anchor));
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto v = KETAPATH_TRY(c.service->verify_audit(anchor));
      if (global->json) {
        print_json({{"intact", v.intact},
                    {"entries", v.entries},
                    {"head_hash", v.head_hash},
                    {"anchor", clinic::anchor_text(v)},
                    {"problems", v.problems}});
      } else {
        fmt::print("audit log {}: {} entries, head {}\n", v.intact ? "intact" : "BROKEN", v.entries,
                   v.head_hash.empty() ? "-" : v.head_hash);
        if (v.intact && v.entries > 0) {
          fmt::print("anchor {} (keep it outside the database; verify --anchor checks it later)\n",
                     clinic::anchor_text(v));
        }
        for (const auto& problem : v.problems) {
          fmt::print("  {}\n", problem);
        }
      }
      if (!v.intact) {
        return core::fail(core::ErrorCode::Integrity, "audit verify: {} problem(s) found",
                          v.problems.size());
      }
      return {};
    });
  });
}

void add_grant_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                       const std::shared_ptr<RecordOptions>& o, Runners& runners) {
  CLI::App* grant = parent.add_subcommand(
      "grant", "PostgreSQL: give an application role what the clinic needs and no more (owner)");
  grant->fallthrough();
  grant->add_option("--role", o->role, "Existing login role the clinic application signs in as")
      ->required();
  runners.emplace_back(grant, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      KETAPATH_TRY(c.service->authorize(clinic::Permission::Configure));
      const auto granted = KETAPATH_TRY(
          c.store->grant_application_role(o->role, c.service->actor(), c.service->now()));
      if (global->json) {
        Json tables = Json::object();
        for (const auto& [table, privileges] : granted) {
          tables[table] = privileges;
        }
        print_json({{"role", o->role}, {"privileges", tables}});
        return {};
      }
      fmt::print("granted to {} on {} (audited):\n", o->role, c.description);
      for (const auto& [table, privileges] : granted) {
        fmt::print("  {:<22} {}\n", table, privileges);
      }
      fmt::print("sign the clinic in as {}; keep the owner role for `clinic init` and upgrades\n",
                 o->role);
      return {};
    });
  });
}

void add_demo_command(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                      const std::shared_ptr<RecordOptions>& o, Runners& runners) {
  CLI::App* demo =
      parent.add_subcommand("demo", "Fill the database with synthetic patients and courses");
  demo->fallthrough();
  demo->add_option("--patients", o->patients, "How many patients")->capture_default_str();
  demo->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  runners.emplace_back(demo, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      KETAPATH_TRY(c.service->initialize());
      const auto summary = KETAPATH_TRY(clinic::fill_demo(*c.service, o->seed, o->patients));
      Json ids = Json::array();
      for (const auto id : summary.patients) {
        ids.push_back(id.value());
      }
      if (global->json) {
        print_json({{"patients", ids},
                    {"courses", summary.courses},
                    {"maintenance_courses", summary.maintenance},
                    {"sessions", summary.sessions},
                    {"assessments", summary.assessments},
                    {"alerts", summary.alerts},
                    {"stories", summary.stories}});
      } else {
        fmt::print(
            "demo: {} patients (ids {}), {} courses ({} maintenance), {} sessions, {} follow-up "
            "assessments, {} alerts\n",
            summary.patients.size(), ids.dump(), summary.courses, summary.maintenance,
            summary.sessions, summary.assessments, summary.alerts);
        for (const auto& story : summary.stories) {
          fmt::print("  {}\n", story);
        }
      }
      return {};
    });
  });
}

}  // namespace

void add_record_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                         Runners& runners) {
  auto o = std::make_shared<RecordOptions>();

  add_report_command(clinic_app, global, o, runners);

  CLI::App* audit = clinic_app.add_subcommand("audit", "Audit log");
  audit->require_subcommand(1);
  audit->fallthrough();
  add_audit_verify_command(*audit, global, o, runners);

  add_grant_command(clinic_app, global, o, runners);

  add_demo_command(clinic_app, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
