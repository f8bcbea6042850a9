#pragma once
// Internal: a strict reader over one JSON object that names the path in every error and refuses
// keys it was not asked for (a typo like "systolc_mmhg" must not be silently ignored).

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic::detail {

class JsonReader {
 public:
  /// InvalidData unless `j` is an object.
  static core::Result<JsonReader> open(const nlohmann::json& j, std::string path);

  core::Result<std::optional<double>> number(std::string_view key);
  core::Result<std::optional<long long>> integer(std::string_view key);
  core::Result<std::optional<std::string>> string(std::string_view key);
  core::Result<std::optional<bool>> boolean(std::string_view key);
  core::Result<std::optional<Timestamp>> timestamp(std::string_view key);
  core::Result<std::optional<Date>> date(std::string_view key);
  /// The raw child (marked as used), or nullptr when absent or null.
  const nlohmann::json* child(std::string_view key);

  /// A required value: InvalidData "<path>.<key>: is required" when absent.
  template <class T>
  core::Result<T> required(core::Result<std::optional<T>> value, std::string_view key) const {
    if (!value) {
      return std::unexpected(value.error());
    }
    if (!value->has_value()) {
      return core::fail(core::ErrorCode::InvalidData, "{}: is required", at(key));
    }
    return std::move(**value);
  }

  /// InvalidData naming the first key that was never read.
  core::Status finish() const;

  std::string at(std::string_view key) const;

  const std::string& path() const { return path_; }

 private:
  JsonReader(const nlohmann::json& j, std::string path) : json_(&j), path_(std::move(path)) {}

  const nlohmann::json* find(std::string_view key);

  const nlohmann::json* json_;
  std::string path_;
  std::set<std::string, std::less<>> used_;
};

}  // namespace ketapath::clinic::detail
