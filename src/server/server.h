#pragma once
// `ketapath serve`: the clinic's JSON API over HTTP(S) (cpp-httplib; docs/architecture.md
// "Server"). One route table (routes.h) drives registration; every request is read with short
// timeouts and a body limit, answered with security headers, and logged as one line without
// secrets (no cookies, tokens, bodies or query strings).

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "clinic/service/ports.h"
#include "clinic/service/service.h"
#include "core/error.h"

namespace ketapath::pd {
struct KetamineModel;
}

namespace ketapath::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (tests)
  std::string tls_cert;
  std::string tls_key;
  bool insecure_http = false;  ///< allow plain HTTP on a non-loopback address
  int threads = 256;  ///< worker threads: each open connection holds one for <= read_timeout_s
  /// Database connections for requests that only read, alongside the one writer connection
  /// (SQLite WAL readers, PostgreSQL READ ONLY sessions); a read waits while all are busy.
  /// 0: reads wait for the writer like writes do (the store has no pool, or for comparison).
  int read_connections = 4;
  std::size_t max_body = 1 << 20;  ///< bytes; larger bodies get 413
  int read_timeout_s = 5;          ///< per read of headers or body
  int write_timeout_s = 5;
  int keep_alive_timeout_s = 5;
  bool access_log = true;  ///< one line per request on stderr
  /// Chart reads are recorded in groups (clinic/service/chart_access_log.h): written at least
  /// every `chart_log_interval_ms`, or as soon as `chart_log_batch` are waiting, and at shutdown.
  int chart_log_interval_ms = 1000;
  std::size_t chart_log_batch = 256;
  int forms_per_window = 5;  ///< public consultation requests per client address per 10 minutes
  clinic::Clock clock = clinic::system_now;  ///< the service clock (tests move it)
  clinic::SignInPolicy sign_in_policy;       ///< session expiry, lockout (clinic/service/sign_in.h)
  std::string web_root;  ///< the built front end (web/dist) served at "/"; "" serves no files
  /// The route table's role check before a handler runs. Always on in `ketapath serve`; the
  /// authorization test switches it off to show the clinic service refuses the same requests.
  bool route_role_check = true;
  /// The model of the forecast routes (clinic/service/forecast.h), loaded by the front end (the
  /// server reads no files); its label names the model and version in every forecast.
  std::shared_ptr<const pd::KetamineModel> forecast_model;
  std::string forecast_model_label;
};

/// Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:8443", "0.0.0.0:80"). InvalidArgument otherwise.
core::Status parse_listen(std::string_view text, ServerOptions& options);

/// Whether a host is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback(std::string_view host);

/// InvalidArgument for an inconsistent choice: TLS needs both files; plain HTTP on a
/// non-loopback address needs insecure_http.
core::Status check_options(const ServerOptions& options);

class Server {
 public:
  Server(clinic::ClinicStore& store, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; returns the port (the chosen one when options.port is 0).
  core::Result<int> bind();
  /// Serves until stop(); in-flight requests finish before it returns.
  core::Status run();
  /// Thread-safe; also what SIGTERM does in serve().
  void stop();
  /// Writes the chart reads recorded so far (run() does it every chart_log_interval_ms and when it
  /// returns); for tests that compare the audit log before and after a request.
  core::Status flush_chart_access();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Binds, calls `ready(port)`, and serves until SIGTERM or SIGINT, then stops gracefully.
core::Status serve(clinic::ClinicStore& store, const ServerOptions& options,
                   const std::function<void(int port)>& ready);

}  // namespace ketapath::server
