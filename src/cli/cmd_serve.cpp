// `ketapath serve --db URL [--listen HOST:PORT] [--tls-cert F --tls-key F] [--insecure-http]`:
// the clinic's JSON API over HTTP(S) (src/server; docs/clinic.md "The server").
//
// --setup-admin NAME prints a one-time setup token for NAME (creating NAME as the first admin when
// the database has no users yet): the token, not a password, is printed once; the admin chooses
// a password with POST /api/v1/auth/setup.

#include <filesystem>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "cli/command.h"
#include "io/model_file.h"
#include "server/server.h"

namespace ketapath::cli {
namespace {

struct ServeOptions {
  clinic_cli::GlobalOptions global;
  std::string listen = "127.0.0.1:8080";
  server::ServerOptions server;
  std::string setup_admin;
  std::string web;
  std::string model = "ketamine";
};

// The built front end: --web DIR, else web/dist under the data directories ($KETAPATH_DATA,
// <prefix>/share/ketapath where it is installed, the source tree); "" when none is built.
core::Result<std::string> web_root(const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!given.empty()) {
    if (!fs::is_regular_file(fs::path(given) / "index.html", ec)) {
      return core::fail(core::ErrorCode::InvalidArgument, "--web {}: no index.html in it", given);
    }
    return given;
  }
  const auto dirs = io::DataDirectories::standard(std::nullopt, KETAPATH_SOURCE_DATA_DIR);
  for (const auto& dir : dirs.directories) {
    if (fs::is_regular_file(dir / "web" / "dist" / "index.html", ec)) {
      return (dir / "web" / "dist").string();
    }
  }
  return std::string();
}

core::Status run_serve(ServeOptions& o) {
  KETAPATH_TRY(server::parse_listen(o.listen, o.server));
  KETAPATH_TRY(server::check_options(o.server));
  o.server.web_root = KETAPATH_TRY(web_root(o.web));
  {  // the forecast routes' model (clinic/service/forecast.h), as `clinic forecast --model`
    const auto dirs = io::DataDirectories::standard(std::nullopt, KETAPATH_SOURCE_DATA_DIR);
    auto model = std::make_shared<pd::KetamineModel>(KETAPATH_TRY(io::load_model(o.model, dirs)));
    o.server.forecast_model_label = fmt::format("{} (ketapath {})", model->name, KETAPATH_VERSION);
    o.server.forecast_model = std::move(model);
  }
  auto c = KETAPATH_TRY(clinic_cli::open_clinic(o.global));
  if (!o.setup_admin.empty()) {
    auto service = c.service->acting_as(o.setup_admin);
    if (KETAPATH_TRY(c.store->schema_version()) == 0) {
      KETAPATH_TRY(service.initialize());
    }
    // The first user of an empty database may be added by anyone and must be an admin; when
    // users exist, NAME must already be one of them.
    auto added = service.add_user(o.setup_admin, {clinic::Role::Admin});
    if (!added && added.error().code != core::ErrorCode::Conflict &&
        added.error().code != core::ErrorCode::Unauthorized) {
      return std::unexpected(added.error());
    }
    const std::string token = KETAPATH_TRY(service.issue_setup_token(o.setup_admin));
    fmt::print(
        "one-time setup token for {} (valid 30 minutes, shown once):\n  {}\n"
        "choose a password: POST /api/v1/auth/setup {{\"token\": ..., \"password\": ...}}\n",
        o.setup_admin, token);
    std::fflush(stdout);
  }
  const bool tls = !o.server.tls_cert.empty();
  return server::serve(*c.store, o.server, [&](int port) {
    fmt::print("ketapath serve: listening on {}://{}:{} ({}; front end: {})\n",
               tls ? "https" : "http", o.server.host, port, c.description,
               o.server.web_root.empty() ? "not built" : o.server.web_root);
    std::fflush(stdout);
  });
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  app.add_option("--db", o->global.db, "sqlite:PATH or postgresql://... (else $KETAPATH_DB)");
  app.add_option("--password-file", o->global.password_file, "PostgreSQL password file");
  app.add_option("--key-file", o->global.key_file, "The clinic key file (audit head HMAC)");
  app.add_option("--listen", o->listen, "HOST:PORT")->capture_default_str();
  app.add_option("--tls-cert", o->server.tls_cert, "TLS certificate (PEM)");
  app.add_option("--tls-key", o->server.tls_key, "TLS private key (PEM)");
  app.add_flag("--insecure-http", o->server.insecure_http,
               "Allow plain HTTP on a non-loopback address (behind a TLS proxy only)");
  app.add_option("--threads", o->server.threads, "Worker threads")->capture_default_str();
  app.add_option("--read-connections", o->server.read_connections,
                 "Database connections for reads, alongside the one writer (0: reads share it)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  app.add_option("--max-body-bytes", o->server.max_body, "Request body limit (413 above)")
      ->capture_default_str();
  app.add_option("--web", o->web,
                 "The built front end to serve at / (default: web/dist found "
                 "under the data directories)");
  app.add_option("--model", o->model, "The model file or bundled name of the forecast routes")
      ->capture_default_str();
  app.add_option("--forms-per-window", o->server.forms_per_window,
                 "Public consultation requests per client address per 10 minutes (429 above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--setup-admin", o->setup_admin,
                 "Print a one-time password setup token for this admin (created if the database "
                 "has no users)");
  return [o] {
    auto ran = run_serve(*o);
    if (!ran) {
      return report_error(ran.error());
    }
    return static_cast<int>(kExitOk);
  };
}

const Registration kRegistration{"serve", "Serve the clinic's JSON API over HTTP(S)", setup};

}  // namespace
}  // namespace ketapath::cli
