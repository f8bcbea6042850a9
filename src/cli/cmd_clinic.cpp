// `ketapath clinic ...`: the infusion clinic's commands over a SQLite or PostgreSQL database
// (conventions.md "Clinic CLI contract"; docs/clinic.md walks through them).
//
// Exit codes: 0 done, 2 usage or malformed input, 3 refused by validation or a limit, 4 not found,
// 5 storage failure.

#include <cstdlib>

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include "cli/clinic_commands.h"
#include "cli/command.h"
#include "core/private_file.h"
#include "store/open.h"

namespace ketapath::cli {
namespace clinic_cli {

std::string acting_user(const GlobalOptions& options) {
  if (!options.user.empty()) {
    return options.user;
  }
  if (const char* env = std::getenv("KETAPATH_USER"); env != nullptr && *env != '\0') {
    return env;
  }
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* env = std::getenv("USER"); env != nullptr && *env != '\0') {
    return env;
  }
  return "unknown";
}

core::Result<Clinic> open_clinic(const GlobalOptions& options) {
  std::string db = options.db;
  if (db.empty()) {
    if (const char* env = std::getenv("KETAPATH_DB"); env != nullptr && *env != '\0') {
      db = env;
    } else {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "clinic: --db is required (sqlite:PATH or postgresql://...), or set "
                        "$KETAPATH_DB");
    }
  } else if (store::url_has_password(db)) {
    // Still works, but the command line is visible to every user of the machine (ps, /proc).
    fmt::print(stderr,
               "warning: the --db URL contains a password, which other users of this machine can "
               "read in the process list; pass it with --password-file FILE or a PGPASSFILE "
               "(~/.pgpass), or give the whole URL in $KETAPATH_DB instead\n");
  }
  store::OpenOptions open_options;
  if (!options.key_file.empty()) {
    open_options.key_file = options.key_file;
  }
  if (!options.password_file.empty()) {
    open_options.password =
        KETAPATH_TRY(core::read_secret_file(options.password_file, "password file"));
  }
  auto database = KETAPATH_TRY(store::open_database(db, open_options));
  Clinic c;
  c.description = database->describe();
  c.store = std::move(database);
  c.service = std::make_unique<clinic::ClinicService>(*c.store, acting_user(options));
  // Every chart read of a command is recorded at once (one command reads a few charts).
  c.service->set_chart_access_log(
      std::make_shared<clinic::ChartAccessLog>(*c.store, clinic::ChartAccessLog::Mode::Immediate));
  return c;
}

core::Result<clinic::Date> date_or_today(const CLI::App& command, std::string_view option,
                                         const std::string& text,
                                         const clinic::ClinicService& service) {
  if (command.count(std::string(option)) == 0) {
    return clinic::day_of(service.now());
  }
  return clinic::parse_date(text, option);
}

int run(const std::function<core::Status()>& body) {
  const core::Status status = body();
  return status ? kExitOk : report_error(status.error());
}

void print_json(const nlohmann::json& j) {
  fmt::print("{}\n", j.dump(2));
}

}  // namespace clinic_cli

namespace {

Runner setup(CLI::App& app) {
  auto global = std::make_shared<clinic_cli::GlobalOptions>();
  app.add_option("--db", global->db,
                 "Database: sqlite:PATH, sqlite:///abs/path or postgresql://... (default "
                 "$KETAPATH_DB; keep passwords out of it: --password-file or PGPASSFILE)");
  app.add_option("--password-file", global->password_file,
                 "PostgreSQL: a file (mode 600) whose first line is the password");
  app.add_option(
      "--user", global->user,
      "Acting user: an enabled clinic user (default $KETAPATH_USER, then the login name)");
  app.add_option("--key-file", global->key_file,
                 "Clinic key file for the audit head (default $KETAPATH_CLINIC_KEY, then PATH.key "
                 "for SQLite)");
  app.add_flag("--json", global->json, "Machine-readable JSON output");
  app.require_subcommand(1);
  auto runners = std::make_shared<clinic_cli::Runners>();
  CLI::App* init =
      app.add_subcommand("init", "Create or migrate the clinic database and seed the drug library");
  init->fallthrough();
  runners->emplace_back(init, [global] {
    return clinic_cli::run([&]() -> core::Status {
      auto c = KETAPATH_TRY(clinic_cli::open_clinic(*global));
      const int version = KETAPATH_TRY(c.service->initialize());
      if (global->json) {
        clinic_cli::print_json({{"schema_version", version}, {"db", c.description}});
      } else {
        fmt::print("clinic database ready at {} (schema version {})\n", c.description, version);
      }
      return {};
    });
  });
  clinic_cli::add_patient_commands(app, global, *runners);
  clinic_cli::add_care_commands(app, global, *runners);
  clinic_cli::add_alert_commands(app, global, *runners);
  clinic_cli::add_followup_commands(app, global, *runners);
  clinic_cli::add_record_commands(app, global, *runners);
  clinic_cli::add_forecast_commands(app, global, *runners);
  clinic_cli::add_user_commands(app, global, *runners);
  clinic_cli::add_gate_commands(app, global, *runners);
  clinic_cli::add_order_commands(app, global, *runners);
  clinic_cli::add_exchange_commands(app, global, *runners);
  clinic_cli::add_consultation_commands(app, global, *runners);
  clinic_cli::add_stock_commands(app, global, *runners);
  clinic_cli::add_backup_commands(app, global, *runners);
  clinic_cli::add_medication_commands(app, global, *runners);
  clinic_cli::add_amendment_commands(app, global, *runners);
  clinic_cli::add_session_forecast_commands(app, global, *runners);
  return [runners] {
    for (const auto& [sub, runner] : *runners) {
      if (sub->parsed()) {
        return runner();
      }
    }
    return static_cast<int>(kExitUsage);
  };
}

const Registration kRegistration{
    "clinic", "Clinic records: patients, screening, dosing, courses, sessions, audit", setup};

}  // namespace
}  // namespace ketapath::cli
