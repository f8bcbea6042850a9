#pragma once
// Internal to the `ketapath clinic` command (cmd_clinic*.cpp): the shared options, the opened
// database and service, and the registration of each group of sub-subcommands. Only
// cmd_clinic.cpp registers a command; the other cmd_clinic_*.cpp files add sub-subcommands.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clinic/service/service.h"
#include "core/error.h"
#include "store/database.h"

namespace ketapath::cli::clinic_cli {

/// Options of `ketapath clinic` itself, shared by every sub-subcommand.
struct GlobalOptions {
  std::string db;             ///< --db, else $KETAPATH_DB
  std::string password_file;  ///< --password-file (PostgreSQL)
  std::string user;
  std::string key_file;
  bool json = false;
};

/// An opened database with the service over it.
struct Clinic {
  std::unique_ptr<store::Database> store;
  std::unique_ptr<clinic::ClinicService> service;
  /// The database for display, without any password (store::Database::describe()).
  std::string description;
};

/// Opens --db for the acting user (--user, $KETAPATH_USER, the login name).
core::Result<Clinic> open_clinic(const GlobalOptions& options);

/// The day given as `option` of `command` (YYYY-MM-DD), or the service's UTC day when the option
/// is absent. Only an absent option means today: `--date ""` is not a date.
core::Result<clinic::Date> date_or_today(const CLI::App& command, std::string_view option,
                                         const std::string& text,
                                         const clinic::ClinicService& service);

/// The acting user as the conventions define it.
std::string acting_user(const GlobalOptions& options);

/// Runs one sub-subcommand body: maps an error to its exit code (cli::report_error).
int run(const std::function<core::Status()>& body);

/// Prints JSON (pretty, with a newline) on stdout.
void print_json(const nlohmann::json& j);

/// Prints a course with its planned sessions, notes and Course::messages (cmd_clinic_care.cpp).
void print_course(const clinic::Course& course);
/// The course's JSON with its messages (what planning or rescheduling moved).
nlohmann::json course_json(const clinic::Course& course);

/// A list of (subcommand, runner) pairs; cmd_clinic.cpp runs the one that was parsed.
using Runners = std::vector<std::pair<CLI::App*, std::function<int()>>>;

void add_patient_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                          Runners& runners);
void add_care_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners);  // screen, dose, course, session, drug
void add_alert_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners);  // alert list, alert ack, schedule
void add_followup_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners);  // assessment, course lifecycle, response
void add_record_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                         Runners& runners);  // report, audit, demo
void add_gate_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners);  // consent record, consent list, clear
void add_order_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners);  // order check, waive, checks, discontinue
void add_forecast_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners);  // forecast (model-informed maintenance)
void add_exchange_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                           Runners& runners);  // export (FHIR, research CSV), import (FHIR)
void add_user_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners);  // user add, disable, enable, list
void add_consultation_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                               Runners& runners);  // consultation list, mark, register
void add_stock_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners);  // stock receive, list, waste, count, report
/// `session record --stock-lot ID` into the session (0: none given); a different stock_lot in
/// the file is a usage error.
core::Status apply_stock_lot(clinic::Session& session, std::int64_t stock_lot);
void add_session_forecast_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                                   Runners& runners);  // session-forecast (PK/PD-aware session)
void add_amendment_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                            Runners& runners);  // amend session|assessment|screening, amendments
void add_medication_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                             Runners& runners);  // medication start, stop, reconcile, list
void add_backup_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                         Runners& runners);  // backup, restore

}  // namespace ketapath::cli::clinic_cli
