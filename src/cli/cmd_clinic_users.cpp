// `ketapath clinic user add|disable|enable|list|reset-password` (registers nothing itself; see
// cmd_clinic.cpp): the clinic's people and their roles (clinic/user.h; docs/clinic.md "People and
// roles").

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct UserOptions {
  std::string name;
  std::vector<std::string> roles;
};

std::string roles_text(const clinic::User& u) {
  std::string out;
  for (const auto r : u.roles) {
    out += out.empty() ? "" : ",";
    out += clinic::to_string(r);
  }
  return out;
}

void print_user(const clinic::User& u) {
  fmt::print("{:<24} {:<32} {:<8} added {} by {}\n", u.name, roles_text(u),
             u.enabled ? "enabled" : "DISABLED", clinic::format_timestamp(u.created_at),
             u.created_by);
}

void add_reset_password_command(CLI::App& user, const std::shared_ptr<GlobalOptions>& global,
                                std::string& name, Runners& runners) {
  CLI::App* reset = user.add_subcommand(
      "reset-password",
      "Print a one-time setup token with which the user chooses a new password (admin; the "
      "first admin's token needs no admin). No password is ever printed.");
  reset->fallthrough();
  reset->add_option("name", name, "Login name")->required();
  runners.emplace_back(reset, [global, &name] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const std::string token = KETAPATH_TRY(c.service->issue_setup_token(name));
      const auto valid = std::chrono::duration_cast<std::chrono::minutes>(
          c.service->sign_in_policy().setup_token_valid);
      if (global->json) {
        print_json({{"user", name}, {"setup_token", token}, {"valid_minutes", valid.count()}});
      } else {
        fmt::print(
            "one-time setup token for {} (valid {} minutes, single use, shown only now):\n  {}\n"
            "with it, {} chooses a password: POST /api/v1/auth/setup {{\"token\", \"password\"}}\n",
            name, valid.count(), token, name);
      }
      return {};
    });
  });
}

void add_access_log_command(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                            Runners& runners) {
  struct Options {
    std::string user;
    std::int64_t patient = 0;
    std::int64_t limit = 100;
  };

  auto o = std::make_shared<Options>();
  CLI::App* log = clinic_app.add_subcommand("access-log",
                                            "Who read whose chart, newest first (admin, auditor)");
  log->fallthrough();
  log->add_option("--user", o->user, "Only this user's reads");
  log->add_option("--patient", o->patient, "Only reads of this patient's records");
  log->add_option("--limit", o->limit, "At most this many (1-10000)")->capture_default_str();
  runners.emplace_back(log, [global, o] {
    return run([&]() -> core::Status {
      clinic::ChartAccessQuery q;
      if (!o->user.empty()) {
        q.user = o->user;
      }
      if (o->patient > 0) {
        q.patient = clinic::PatientId(o->patient);
      }
      q.limit = o->limit;
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto reads = KETAPATH_TRY(c.service->chart_accesses(q));
      Json out = Json::array();
      for (const auto& a : reads) {
        if (global->json) {
          out.push_back({{"user", a.user},
                         {"patient", a.patient.value()},
                         {"what", a.what},
                         {"at", clinic::format_timestamp(a.at)}});
        } else {
          fmt::print("{}  {:<24} patient {:>5}  {}\n", clinic::format_timestamp(a.at), a.user,
                     a.patient.value(), a.what);
        }
      }
      if (global->json) {
        print_json({{"chart_access", out}});
      }
      return {};
    });
  });
}

}  // namespace

void add_user_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                       Runners& runners) {
  auto o = std::make_shared<UserOptions>();
  CLI::App* user = clinic_app.add_subcommand("user", "People and roles: add, disable, list");
  user->require_subcommand(1);
  user->fallthrough();

  CLI::App* add = user->add_subcommand(
      "add", "Add a user with one or more roles (admin; the first user must be an admin)");
  add->fallthrough();
  add->add_option("name", o->name, "Login name, e.g. dr.lee")->required();
  add->add_option("--role", o->roles, "admin, prescriber, nurse, front_desk or auditor (repeat)")
      ->required();
  runners.emplace_back(add, [global, o] {
    return run([&]() -> core::Status {
      std::vector<clinic::Role> roles;
      for (const auto& text : o->roles) {
        roles.push_back(KETAPATH_TRY(clinic::parse_role(text)));
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto u = KETAPATH_TRY(c.service->add_user(o->name, std::move(roles)));
      if (global->json) {
        print_json({{"user", clinic::to_json(u)}});
      } else {
        fmt::print("added user {} ({})\n", u.name, roles_text(u));
      }
      return {};
    });
  });

  for (const bool enable : {false, true}) {
    CLI::App* sub = user->add_subcommand(enable ? "enable" : "disable",
                                         enable ? "Enable a disabled user (admin)"
                                                : "Disable a user: they can no longer act (admin)");
    sub->fallthrough();
    sub->add_option("name", o->name, "Login name")->required();
    runners.emplace_back(sub, [global, o, enable] {
      return run([&]() -> core::Status {
        auto c = KETAPATH_TRY(open_clinic(*global));
        const auto u = KETAPATH_TRY(c.service->set_user_enabled(o->name, enable));
        if (global->json) {
          print_json({{"user", clinic::to_json(u)}});
        } else {
          fmt::print("user {} {}\n", u.name, enable ? "enabled" : "disabled");
        }
        return {};
      });
    });
  }

  add_reset_password_command(*user, global, o->name, runners);
  add_access_log_command(clinic_app, global, runners);

  CLI::App* list = user->add_subcommand("list", "Every user with roles and status");
  list->fallthrough();
  runners.emplace_back(list, [global] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto users = KETAPATH_TRY(c.service->users());
      if (global->json) {
        Json out = Json::array();
        for (const auto& u : users) {
          out.push_back(clinic::to_json(u));
        }
        print_json({{"users", out}});
        return {};
      }
      for (const auto& u : users) {
        print_user(u);
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
