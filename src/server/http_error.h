#pragma once
// The one mapping of the project's error codes to HTTP (conventions.md "Server and web"):
//   InvalidArgument, InvalidData -> 400 usage      Validation, LimitExceeded -> 422 refused
//   NotFound -> 404 not_found                      Conflict -> 409 conflict
//   Storage, Integrity -> 500 storage              Unauthorized -> 403 forbidden (signed in,
//   Solver, Io, Internal -> 500 internal           but the role does not allow it)
// plus the server's own: 401 unauthenticated, 413 too_large, 429 rate_limited.
// A 5xx never carries the underlying message (it may hold SQL or a path): the client gets a fixed
// text and the server log the detail.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace ketapath::server {

struct HttpError {
  int status = 500;
  std::string code;     ///< usage, refused, not_found, conflict, storage, internal, ...
  std::string field;    ///< the JSON path or header at fault, "" when none
  std::string message;  ///< safe to show
};

/// The HTTP status and code for an error code (the one mapping).
int http_status_for(core::ErrorCode code);
std::string_view http_code_for(core::ErrorCode code);

/// The client-facing error of a service error; 5xx messages are replaced by a fixed text.
HttpError to_http_error(const core::Error& error, std::string field = "");

HttpError unauthenticated(std::string message);
HttpError forbidden(std::string message, std::string field = "");
HttpError too_large(std::string message);
HttpError rate_limited(std::string message);

/// {"error": {"code", "field" (null when none), "message"}}
nlohmann::json error_body(const HttpError& error);

}  // namespace ketapath::server
