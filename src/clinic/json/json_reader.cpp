#include "clinic/json/json_reader.h"

#include <cmath>
#include <limits>

#include "clinic/json/json.h"

namespace ketapath::clinic::detail {

using core::ErrorCode;

core::Result<JsonReader> JsonReader::open(const nlohmann::json& j, std::string path) {
  if (!j.is_object()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected an object (got {})", path,
                      describe_json(j));
  }
  return JsonReader(j, std::move(path));
}

std::string JsonReader::at(std::string_view key) const {
  return fmt::format("{}.{}", path_, key);
}

const nlohmann::json* JsonReader::find(std::string_view key) {
  used_.insert(std::string(key));
  const auto it = json_->find(key);
  if (it == json_->end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

const nlohmann::json* JsonReader::child(std::string_view key) {
  return find(key);
}

core::Result<std::optional<double>> JsonReader::number(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::optional<double>{};
  }
  if (!v->is_number()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected a number (got {})", at(key),
                      describe_json(*v));
  }
  const double d = v->get<double>();
  if (!std::isfinite(d)) {
    return core::fail(ErrorCode::InvalidData, "{}: expected a finite number", at(key));
  }
  return std::optional<double>(d);
}

core::Result<std::optional<long long>> JsonReader::integer(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::optional<long long>{};
  }
  if (!v->is_number_integer()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected a whole number (got {})", at(key),
                      describe_json(*v));
  }
  if (v->is_number_unsigned() &&
      v->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
    return core::fail(ErrorCode::InvalidData, "{}: whole number {} is out of range", at(key),
                      describe_json(*v));
  }
  return std::optional<long long>(v->get<long long>());
}

core::Result<std::optional<std::string>> JsonReader::string(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::optional<std::string>{};
  }
  if (!v->is_string()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected a string (got {})", at(key),
                      describe_json(*v));
  }
  return std::optional<std::string>(v->get<std::string>());
}

core::Result<std::optional<bool>> JsonReader::boolean(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    return std::optional<bool>{};
  }
  if (!v->is_boolean()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected true or false (got {})", at(key),
                      describe_json(*v));
  }
  return std::optional<bool>(v->get<bool>());
}

core::Result<std::optional<Timestamp>> JsonReader::timestamp(std::string_view key) {
  auto text = KETAPATH_TRY(string(key));
  if (!text) {
    return std::optional<Timestamp>{};
  }
  auto t = parse_timestamp(*text, at(key));
  if (!t) {
    return core::fail(ErrorCode::InvalidData, "{}", t.error().message);
  }
  return std::optional<Timestamp>(*t);
}

core::Result<std::optional<Date>> JsonReader::date(std::string_view key) {
  auto text = KETAPATH_TRY(string(key));
  if (!text) {
    return std::optional<Date>{};
  }
  auto d = parse_date(*text, at(key));
  if (!d) {
    return core::fail(ErrorCode::InvalidData, "{}", d.error().message);
  }
  return std::optional<Date>(*d);
}

core::Status JsonReader::finish() const {
  for (const auto& [key, value] : json_->items()) {
    if (!used_.contains(key)) {
      return core::fail(ErrorCode::InvalidData, "{}: unknown key \"{}\"", path_, key);
    }
  }
  return {};
}

}  // namespace ketapath::clinic::detail
