#include "io/subjects_file.h"

#include <charconv>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"
#include "io/parameter_units.h"

namespace ketapath::io {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) {
      return fields;
    }
    start = comma + 1;
  }
}

// One header column: the ID, or a parameter with the factor from the file's unit.
struct HeaderColumn {
  const population::SubjectColumn* parameter = nullptr;  ///< nullptr: the ID column
  double factor = 1.0;
  std::string label;  ///< as the messages name it: "CL", "S_EC50[ng/mL]"
};

std::string accepted_names(std::span<const population::SubjectColumn> columns) {
  std::string names = "ID";
  for (const auto& column : columns) {
    names += ", " + column.name;
  }
  return names;
}

core::Result<HeaderColumn> header_column(std::string_view field, std::string_view where,
                                         std::span<const population::SubjectColumn> columns) {
  std::string_view name = field;
  std::optional<std::string_view> unit;
  if (const auto open = field.find('['); open != std::string_view::npos) {
    if (field.back() != ']') {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: column '{}': a unit is written NAME[unit]", where,
                        core::excerpt(field));
    }
    name = trim(field.substr(0, open));
    unit = trim(field.substr(open + 1, field.size() - open - 2));
  }
  if (name == "ID") {
    if (unit) {
      return core::fail(core::ErrorCode::InvalidData, "{}: column ID has no unit", where);
    }
    return HeaderColumn{nullptr, 1.0, "ID"};
  }
  const population::SubjectColumn* parameter = population::find_subject_column(columns, name);
  if (parameter == nullptr) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: column '{}' is not a parameter of this workload; accepted columns: {}",
                      where, core::excerpt(name), accepted_names(columns));
  }
  double factor = 1.0;
  if (unit) {
    const auto f = unit_factor(parameter->unit, *unit);
    if (!f) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: column {}: unit '{}' is not a unit of {} (canonical {})", where,
                        parameter->name, core::excerpt(*unit), parameter->name, parameter->unit);
    }
    factor = *f;
  }
  return HeaderColumn{parameter, factor, std::string(field)};
}

core::Result<std::vector<HeaderColumn>> parse_header(
    std::string_view line, std::string_view where,
    std::span<const population::SubjectColumn> columns) {
  std::vector<HeaderColumn> header;
  std::unordered_set<const population::SubjectColumn*> seen;
  bool has_id = false;
  for (std::string_view field : split_fields(line)) {
    HeaderColumn column = KETAPATH_TRY(header_column(field, where, columns));
    const bool duplicate = column.parameter == nullptr ? has_id : seen.contains(column.parameter);
    if (duplicate) {
      return core::fail(core::ErrorCode::InvalidData, "{}: column {} appears twice", where,
                        column.parameter == nullptr ? "ID" : column.parameter->name);
    }
    if (column.parameter == nullptr) {
      has_id = true;
    } else {
      seen.insert(column.parameter);
    }
    header.push_back(std::move(column));
  }
  if (!has_id) {
    return core::fail(core::ErrorCode::InvalidData, "{}: the header has no ID column", where);
  }
  return header;
}

core::Result<std::int64_t> parse_id(std::string_view field, std::string_view where) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), id);
  if (ec != std::errc{} || end != field.data() + field.size() || id < 1) {
    return core::fail(core::ErrorCode::InvalidData, "{}: ID must be a whole number >= 1 (got '{}')",
                      where, core::excerpt(field));
  }
  return id;
}

}  // namespace

core::Result<SubjectsTable> parse_subjects_csv(std::string_view text, std::string_view source,
                                               std::span<const population::SubjectColumn> columns,
                                               const population::BatchSubject& typical) {
  SubjectsTable table;
  std::optional<std::vector<HeaderColumn>> header;
  std::unordered_set<std::int64_t> ids;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t newline = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, newline == std::string_view::npos ? text.npos : newline - pos);
    pos = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
    ++line_number;
    if (trim(line).empty()) {
      continue;
    }
    const std::string where = fmt::format("{}:{}", source, line_number);
    if (!header) {
      header = KETAPATH_TRY(parse_header(line, where, columns));
      for (const HeaderColumn& column : *header) {
        if (column.parameter != nullptr) {
          table.given.push_back(column.parameter->name);
        }
      }
      continue;
    }
    const auto fields = split_fields(line);
    if (fields.size() != header->size()) {
      return core::fail(core::ErrorCode::InvalidData, "{}: {} fields, the header has {}", where,
                        fields.size(), header->size());
    }
    if (static_cast<long long>(table.ids.size()) >= core::limits::kMaxSubjectsFileRows) {
      return core::fail(core::ErrorCode::LimitExceeded, "{}: more than {} subjects", source,
                        core::limits::kMaxSubjectsFileRows);
    }
    population::BatchSubject subject = typical;
    std::int64_t id = 0;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const HeaderColumn& column = (*header)[c];
      if (column.parameter == nullptr) {
        id = KETAPATH_TRY(parse_id(fields[c], where));
        continue;
      }
      const std::string field = fmt::format("{}: {}", where, column.label);
      double value = 0.0;
      if (!core::parse_decimal(fields[c], value)) {
        return core::fail(core::ErrorCode::InvalidData, "{}: not a number (got '{}')", field,
                          core::excerpt(fields[c]));
      }
      value *= column.factor;
      KETAPATH_TRY(core::check_range(field, value, column.parameter->unit, column.parameter->range,
                                     core::ErrorCode::InvalidData));
      column.parameter->set(subject, value);
    }
    if (!ids.insert(id).second) {
      return core::fail(core::ErrorCode::InvalidData, "{}: ID {} appears twice", where, id);
    }
    table.ids.push_back(id);
    table.subjects.push_back(subject);
  }
  if (!header) {
    return core::fail(core::ErrorCode::InvalidData, "{}: empty file (expected a header row)",
                      source);
  }
  if (table.ids.empty()) {
    return core::fail(core::ErrorCode::InvalidData, "{}: no subjects after the header", source);
  }
  return table;
}

core::Result<SubjectsTable> read_subjects_file(const std::filesystem::path& path,
                                               std::span<const population::SubjectColumn> columns,
                                               const population::BatchSubject& typical) {
  const std::string text = KETAPATH_TRY(
      core::read_text_file(path, core::limits::kMaxSubjectsFileBytes, "a subjects file"));
  return parse_subjects_csv(text, path.string(), columns, typical);
}

}  // namespace ketapath::io
