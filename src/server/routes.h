#pragma once
// The server's ONE route table: method, path, who may call it, and the handler. The server
// registers exactly these routes (server.cpp), the OpenAPI document (openapi.json) lists exactly
// these, and the authorization test (tests/server) walks every route x every role from it.
//
// Who may call a route:
//   Audience::Public   -- no session (sign-in, setup, the consultation form, the API document);
//   Audience::SignedIn -- any signed-in user (sign-out, who am I);
//   Audience::Roles    -- a signed-in user holding one of `roles` (403 otherwise, nothing stored).
// The clinic service checks its own permission table again inside the write transaction
// (clinic/access.cpp); the route's roles are never wider than the service's.
//
// Handlers only translate: JSON body -> domain value -> ClinicService call -> JSON. No clinic
// rules live here.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinic/service/service.h"
#include "clinic/domain/user.h"
#include "core/error.h"

namespace ketapath::server {

using Json = nlohmann::json;

enum class Method { Get, Post, Put };
enum class Audience { Public, SignedIn, Roles };

std::string_view to_string(Method method);

class ServerState;

/// What a handler sees of one request.
struct Request {
  clinic::ClinicService& clinic;    ///< acting as the signed-in user (or anonymous)
  std::vector<std::string> params;  ///< the path's {placeholders}, in order
  const Json& body;                 ///< the parsed JSON body (null for GET)
  std::function<std::optional<std::string>(std::string_view)> query;  ///< ?key=value
  std::string session_id;  ///< the cookie's session id ("" when none)
  std::string client;      ///< the client address
  bool tls = false;
  ServerState* state = nullptr;
};

struct Reply {
  int status = 200;
  Json body = Json::object();
  std::vector<std::string> set_cookies;
  std::string content_type = "application/json";
  std::string text;  ///< a non-JSON body (text/markdown) when content_type is not JSON
};

using Handler = core::Result<Reply> (*)(Request& request);

struct Route {
  Method method;
  std::string_view path;  ///< "/api/v1/patients/{id}": {id} is digits, {name} [a-z0-9._-]
  Audience audience;
  std::vector<clinic::Role> roles;  ///< for Audience::Roles
  std::string_view summary;
  Handler handler;
};

const std::vector<Route>& route_table();

/// The regex a path pattern is registered with (placeholders captured).
std::string path_regex(std::string_view pattern);

/// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "ketapath_session";
/// The header carrying the CSRF token on every state-changing request.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

}  // namespace ketapath::server
