// The HTTP server (server.h) on cpp-httplib: registration of the route table, the request
// pipeline (session, CSRF, roles, body), the error mapping's use, headers and the access log.

#include "server/server.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>

#include "clinic/json/json.h"
#include "clinic/service/chart_access_log.h"
#include "server/http_error.h"
#include "server/routes.h"
#include "server/serialized_store.h"
#include "server/server_state.h"

namespace ketapath::server {
namespace {

using core::ErrorCode;

constexpr std::string_view kAnonymous = "anonymous";

bool is_hex_token(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

/// The session id of the request's Cookie header ("" when absent or malformed).
std::string session_cookie(const httplib::Request& req) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') {
      part.remove_prefix(1);
    }
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == kSessionCookie) {
      const std::string_view value = part.substr(eq + 1);
      return is_hex_token(value) ? std::string(value) : std::string();
    }
  }
  return {};
}

void write_error(httplib::Response& res, const HttpError& error) {
  res.status = error.status;
  res.set_content(error_body(error).dump(), "application/json");
}

}  // namespace

struct Server::Impl {
  Impl(clinic::ClinicStore& inner, ServerOptions o)
      : options(std::move(o)),
        store(inner, static_cast<std::size_t>(std::max(0, options.read_connections))),
        chart_log(std::make_shared<clinic::ChartAccessLog>(
            store, clinic::ChartAccessLog::Mode::Grouped, options.chart_log_batch)),
        anonymous(store, std::string(kAnonymous), options.clock),
        tls(!options.tls_cert.empty()) {
    anonymous.sign_in_policy() = options.sign_in_policy;
    anonymous.set_chart_access_log(chart_log);  // every acting_as copy records to it
    state.forms_per_window = options.forms_per_window;
    state.forecast_model = options.forecast_model;
    state.forecast_model_label = options.forecast_model_label;
  }

  ServerOptions options;
  SerializedStore store;
  std::shared_ptr<clinic::ChartAccessLog> chart_log;
  clinic::ClinicService anonymous;
  ServerState state;
  bool tls;
  std::unique_ptr<httplib::Server> http;
  std::atomic<bool> stopped{false};   ///< the server no longer serves (stop(), or run() ended)
  std::atomic<bool> stopping{false};  ///< stop() was called

  void configure();
  void dispatch(const Route& route, const httplib::Request& req, httplib::Response& res);
};

void Server::Impl::configure() {
  if (tls) {
    http = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  } else {
    http = std::make_unique<httplib::Server>();
  }
  const std::size_t threads = static_cast<std::size_t>(std::max(1, options.threads));
  http->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  http->set_read_timeout(options.read_timeout_s, 0);
  http->set_write_timeout(options.write_timeout_s, 0);
  http->set_keep_alive_timeout(options.keep_alive_timeout_s);
  http->set_keep_alive_max_count(100);
  // Small JSON responses on kept-alive connections: without TCP_NODELAY, Nagle's algorithm meets
  // the client's delayed ACK and every response waits ~40 ms (measured: p50 44 ms, flat).
  http->set_tcp_nodelay(true);
  http->set_payload_max_length(options.max_body);
  httplib::Headers headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  };
  if (tls) {
    headers.emplace("Strict-Transport-Security", "max-age=31536000");
  }
  http->set_default_headers(headers);
  http->set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        if (res.status == 413) {
          write_error(res, too_large(fmt::format("request body: larger than the limit of {} bytes",
                                                 options.max_body)));
        } else if (res.status == 404) {
          write_error(res, {404, "not_found", "", "no such route"});
        } else if (res.status == 414 || res.status == 431) {
          write_error(res, too_large("request line or headers too large"));
        } else if (res.status >= 500) {
          write_error(res, {res.status, "internal", "", "internal error"});
        } else {
          write_error(res, {res.status, "usage", "", "malformed request"});
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  http->set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                 std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    fmt::print(stderr, "ketapath serve: internal error on {} {}: {}\n", req.method, req.path, what);
    write_error(res, {500, "internal", "", "internal error"});
  });
  if (options.access_log) {
    http->set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // Method, path without the query string, status and size: no cookies, tokens or bodies.
      fmt::print(
          stderr,
          "{{\"remote\":\"{}\",\"method\":\"{}\",\"path\":{},\"status\":{},\"bytes\":{}}}\n",
          req.remote_addr, req.method,
          nlohmann::json(req.path).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          res.status, res.body.size());
    });
  }
  if (!options.web_root.empty()) {
    // The built front end (web/dist): GET and HEAD only, httplib refuses ".." and paths outside
    // the folder; an API path that is no file falls through to the route table.
    http->set_mount_point("/", options.web_root);
  }
  for (const Route& route : route_table()) {
    const std::string pattern = path_regex(route.path);
    auto handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
      dispatch(route, req, res);
    };
    switch (route.method) {
      case Method::Get:
        http->Get(pattern, handler);
        break;
      case Method::Post:
        http->Post(pattern, handler);
        break;
      case Method::Put:
        http->Put(pattern, handler);
        break;
    }
  }
}

void Server::Impl::dispatch(const Route& route, const httplib::Request& req,
                            httplib::Response& res) {
  const auto fail = [&](const core::Error& e, std::string field = "") {
    if (http_status_for(e.code) >= 500) {
      fmt::print(stderr, "ketapath serve: {} {} failed: {}\n", req.method, req.path, e.message);
    }
    write_error(res, to_http_error(e, std::move(field)));
  };
  const std::string session_id = session_cookie(req);
  std::optional<clinic::User> user;
  if (route.audience != Audience::Public) {
    if (session_id.empty()) {
      write_error(res, unauthenticated("sign in first (POST /api/v1/auth/sign-in)"));
      return;
    }
    auto resumed = anonymous.resume(session_id);
    if (!resumed) {
      if (resumed.error().code == ErrorCode::Unauthorized) {
        write_error(res, unauthenticated(resumed.error().message));
      } else {
        fail(resumed.error());
      }
      return;
    }
    user = std::move(*resumed);
    const bool changes_state = route.method != Method::Get;
    if (changes_state &&
        !clinic::csrf_matches(session_id, req.get_header_value(std::string(kCsrfHeader)))) {
      write_error(res, forbidden("missing or wrong CSRF token (send the csrf_token of sign-in "
                                 "in the X-CSRF-Token header)",
                                 std::string(kCsrfHeader)));
      return;
    }
    if (route.audience == Audience::Roles && options.route_role_check &&
        std::none_of(route.roles.begin(), route.roles.end(),
                     [&](clinic::Role r) { return user->has(r); })) {
      std::string allowed;
      for (const auto r : route.roles) {
        allowed += allowed.empty() ? "" : ", ";
        allowed += clinic::to_string(r);
      }
      write_error(res, forbidden(fmt::format("{} {} needs one of the roles {}",
                                             to_string(route.method), route.path, allowed)));
      return;
    }
  }
  Json body = nullptr;
  if (route.method != Method::Get) {
    body = Json::object();
    if (!req.body.empty()) {
      const std::string type = req.get_header_value("Content-Type");
      if (type.rfind("application/json", 0) != 0) {
        write_error(res, {400, "usage", "Content-Type",
                          "request body: Content-Type must be application/json"});
        return;
      }
      auto parsed = clinic::parse_json(req.body, "body");
      if (!parsed) {
        fail(parsed.error(), "body");
        return;
      }
      body = std::move(*parsed);
    }
  }
  clinic::ClinicService service = user ? anonymous.acting_as(user->name) : anonymous;
  Request request{service, {}, body, {}, session_id, req.remote_addr, tls, &state};
  for (std::size_t i = 1; i < req.matches.size(); ++i) {
    request.params.push_back(req.matches[i].str());
  }
  request.query = [&req](std::string_view key) -> std::optional<std::string> {
    const std::string k(key);
    if (!req.has_param(k.c_str())) {
      return std::nullopt;
    }
    return req.get_param_value(k.c_str());
  };
  auto reply = route.handler(request);
  if (!reply) {
    fail(reply.error());
    return;
  }
  res.status = reply->status;
  for (const auto& c : reply->set_cookies) {
    res.set_header("Set-Cookie", c);
  }
  if (!reply->text.empty()) {
    res.set_content(reply->text, reply->content_type);
  } else {
    res.set_content(reply->body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  }
}

core::Status parse_listen(std::string_view text, ServerOptions& options) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return core::fail(ErrorCode::InvalidArgument,
                      "--listen: expected HOST:PORT, e.g. 127.0.0.1:8080 (got \"{}\")",
                      text.substr(0, 80));
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  const std::string_view digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port < 0 || port > 65535) {
    return core::fail(ErrorCode::InvalidArgument, "--listen: port must be 0-65535 (got \"{}\")",
                      digits.substr(0, 20));
  }
  options.host = std::string(host);
  options.port = port;
  return {};
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

core::Status check_options(const ServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return core::fail(ErrorCode::InvalidArgument,
                      "serve: --tls-cert and --tls-key go together (got only one)");
  }
  if (options.tls_cert.empty() && !is_loopback(options.host) && !options.insecure_http) {
    return core::fail(ErrorCode::InvalidArgument,
                      "serve: refusing plain HTTP on the non-loopback address {}: give "
                      "--tls-cert and --tls-key, or --insecure-http if a TLS proxy in front "
                      "terminates TLS",
                      options.host);
  }
  if (options.threads < 1 || options.threads > 4096) {
    return core::fail(ErrorCode::InvalidArgument, "serve: --threads must be 1-4096 (got {})",
                      options.threads);
  }
  if (options.read_connections < 0 || options.read_connections > 64) {
    return core::fail(ErrorCode::InvalidArgument, "serve: --read-connections must be 0-64 (got {})",
                      options.read_connections);
  }
  return {};
}

Server::Server(clinic::ClinicStore& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {
  impl_->configure();
}

Server::~Server() = default;

core::Result<int> Server::bind() {
  KETAPATH_TRY(check_options(impl_->options));
  if (!impl_->http->is_valid()) {
    return core::fail(ErrorCode::InvalidArgument,
                      "serve: cannot load the TLS certificate {} or key {}",
                      impl_->options.tls_cert, impl_->options.tls_key);
  }
  if (impl_->options.port == 0) {
    const int port = impl_->http->bind_to_any_port(impl_->options.host);
    if (port < 0) {
      return core::fail(ErrorCode::Io, "serve: cannot listen on {}", impl_->options.host);
    }
    return port;
  }
  if (!impl_->http->bind_to_port(impl_->options.host, impl_->options.port)) {
    return core::fail(ErrorCode::Io, "serve: cannot listen on {}:{} (in use, or not allowed)",
                      impl_->options.host, impl_->options.port);
  }
  return impl_->options.port;
}

core::Status Server::run() {
  // The chart-access log's writer: one transaction per group of reads, at least once per
  // interval, and once more after the last request.
  std::thread writer([this] {
    const auto interval =
        std::chrono::milliseconds(std::max(10, impl_->options.chart_log_interval_ms));
    while (!impl_->stopped) {
      impl_->chart_log->wait(interval);
      if (auto written = flush_chart_access(); !written) {
        fmt::print(stderr, "ketapath serve: chart-access log not written yet: {}\n",
                   written.error().message);
      }
    }
  });
  const bool listened = impl_->http->listen_after_bind();
  impl_->stopped = true;
  impl_->chart_log->stop();
  writer.join();
  auto last = flush_chart_access();
  if (!listened && !impl_->stopping) {
    return core::fail(ErrorCode::Io, "serve: the listening socket failed");
  }
  return last;
}

core::Status Server::flush_chart_access() {
  return impl_->chart_log->flush(impl_->options.clock());
}

void Server::stop() {
  impl_->stopping = true;
  impl_->stopped = true;
  impl_->http->stop();
}

core::Status serve(clinic::ClinicStore& store, const ServerOptions& options,
                   const std::function<void(int port)>& ready) {
  KETAPATH_TRY(check_options(options));
  // Block SIGTERM/SIGINT in every thread (the workers inherit the mask); one thread waits for
  // them and stops the server, which lets in-flight requests finish.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Server server(store, options);
  const int port = KETAPATH_TRY(server.bind());
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    const timespec tick{0, 200'000'000};
    while (!done) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) {
        fmt::print(stderr, "ketapath serve: stopping (finishing requests in flight)\n");
        server.stop();
        return;
      }
    }
  });
  ready(port);
  auto ran = server.run();
  done = true;
  waiter.join();
  return ran;
}

}  // namespace ketapath::server
