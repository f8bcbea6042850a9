#include "server/http_error.h"

namespace ketapath::server {

using core::ErrorCode;

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidData:
      return 400;
    case ErrorCode::Validation:
    case ErrorCode::LimitExceeded:
      return 422;
    case ErrorCode::Unauthorized:
      return 403;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Conflict:
      return 409;
    case ErrorCode::Storage:
    case ErrorCode::Integrity:
    case ErrorCode::Solver:
    case ErrorCode::Io:
    case ErrorCode::Internal:
      return 500;
  }
  return 500;
}

std::string_view http_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidData:
      return "usage";
    case ErrorCode::Validation:
    case ErrorCode::LimitExceeded:
      return "refused";
    case ErrorCode::Unauthorized:
      return "forbidden";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::Storage:
    case ErrorCode::Integrity:
      return "storage";
    case ErrorCode::Solver:
    case ErrorCode::Io:
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

HttpError to_http_error(const core::Error& error, std::string field) {
  HttpError out;
  out.status = http_status_for(error.code);
  out.code = std::string(http_code_for(error.code));
  out.field = std::move(field);
  out.message = out.status >= 500 ? "the server could not complete the request (see the server log)"
                                  : error.message;
  return out;
}

HttpError unauthenticated(std::string message) {
  return {401, "unauthenticated", "", std::move(message)};
}

HttpError forbidden(std::string message, std::string field) {
  return {403, "forbidden", std::move(field), std::move(message)};
}

HttpError too_large(std::string message) {
  return {413, "too_large", "", std::move(message)};
}

HttpError rate_limited(std::string message) {
  return {429, "rate_limited", "", std::move(message)};
}

nlohmann::json error_body(const HttpError& error) {
  nlohmann::json e = {{"code", error.code}, {"message", error.message}};
  e["field"] = error.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(error.field);
  return {{"error", e}};
}

}  // namespace ketapath::server
