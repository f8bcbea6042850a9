// Reading NM-TRAN CSV: header, fields, numbers and every per-record rule. The first problem found
// is reported as one line "FILE:LINE: COLUMN: \"value\" problem" (docs/nmtran.md lists them all).

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <fmt/ranges.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/text_file.h"
#include "io/nmtran.h"
#include "io/nmtran_detail.h"

namespace ketapath::io {
namespace {

using detail::Item;
using detail::kItemCount;
using detail::kItemNames;

constexpr std::size_t kMaxShownValue = 40;  // longer field values are cut in messages

std::string shown(std::string_view value) {
  if (value.size() <= kMaxShownValue) {
    return std::string(value);
  }
  return std::string(value.substr(0, kMaxShownValue)) + "...";
}

/// "FILE:LINE: COLUMN: \"value\" problem"
core::Error field_error(std::string_view source, std::size_t line, std::string_view column,
                        std::string_view value, std::string_view problem) {
  return core::Error{core::ErrorCode::InvalidData, fmt::format("{}:{}: {}: \"{}\" {}", source, line,
                                                               column, shown(value), problem)};
}

core::Error line_error(std::string_view source, std::size_t line, std::string_view problem) {
  return core::Error{core::ErrorCode::InvalidData, fmt::format("{}:{}: {}", source, line, problem)};
}

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\r';
  };
  while (!text.empty() && blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

/// Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes); unquoted fields are
/// trimmed. Returns false on an unterminated quote.
bool split_fields(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::size_t i = 0;
  while (true) {
    std::string field;
    // Skip blanks before a possible opening quote.
    std::size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) {
      ++j;
    }
    if (j < line.size() && line[j] == '"') {
      std::size_t k = j + 1;
      bool closed = false;
      while (k < line.size()) {
        if (line[k] == '"') {
          if (k + 1 < line.size() && line[k + 1] == '"') {
            field += '"';
            k += 2;
            continue;
          }
          closed = true;
          ++k;
          break;
        }
        field += line[k++];
      }
      if (!closed) {
        return false;
      }
      const std::size_t comma = line.find(',', k);
      // Anything between the closing quote and the comma other than blanks is kept as written.
      const std::string_view rest = trim(
          line.substr(k, comma == std::string_view::npos ? std::string_view::npos : comma - k));
      field += rest;
      fields.push_back(std::move(field));
      if (comma == std::string_view::npos) {
        return true;
      }
      i = comma + 1;
      continue;
    }
    const std::size_t comma = line.find(',', i);
    fields.emplace_back(
        trim(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i)));
    if (comma == std::string_view::npos) {
      return true;
    }
    i = comma + 1;
  }
}

bool is_missing(std::string_view text) {
  return text.empty() || text == ".";
}

enum class NumberStatus { Ok, Missing, NotNumber, NotFinite, OutOfRange };

/// Locale-independent decimal number (optional sign, exponent). "." and "" are missing.
NumberStatus parse_number(std::string_view text, double& out) {
  if (is_missing(text)) {
    return NumberStatus::Missing;
  }
  std::string_view digits = text;
  if (digits.front() == '+') {
    digits.remove_prefix(1);
    if (digits.empty() || digits.front() == '-' || digits.front() == '+') {
      return NumberStatus::NotNumber;
    }
  }
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, out, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && ptr == end) {
    return NumberStatus::OutOfRange;
  }
  if (ec != std::errc{} || ptr != end) {
    return NumberStatus::NotNumber;
  }
  if (!std::isfinite(out)) {
    return NumberStatus::NotFinite;
  }
  return NumberStatus::Ok;
}

struct Header {
  std::array<std::optional<std::size_t>, kItemCount> column{};  // field index of each item
  std::vector<std::size_t> covariate_columns;
  std::vector<std::string> covariate_names;
  std::vector<std::string> names;  // as written
};

core::Result<Header> parse_header(std::string_view source, std::string_view line) {
  std::vector<std::string> fields;
  if (!split_fields(line, fields)) {
    return std::unexpected(line_error(source, 1, "header: unterminated quoted field"));
  }
  // A leading '#' (as in "#ID,TIME,..." for NM-TRAN's IGNORE=#) is not part of the first name.
  if (!fields.empty() && fields.front().starts_with('#')) {
    fields.front() = std::string(trim(std::string_view(fields.front()).substr(1)));
  }
  Header header;
  std::map<std::string, std::size_t> seen;  // upper-case name -> field index
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i];
    if (name.empty()) {
      return std::unexpected(line_error(
          source, 1, fmt::format("header: column {} has no name (every column needs one)", i + 1)));
    }
    double number = 0;
    if (parse_number(name, number) == NumberStatus::Ok) {
      return std::unexpected(field_error(
          source, 1, "header", name,
          "is a number: line 1 must name the columns (ID,TIME,AMT,...), a header is required"));
    }
    const std::string key = core::ascii_upper(name);
    if (const auto it = seen.find(key); it != seen.end()) {
      return std::unexpected(
          field_error(source, 1, key, name,
                      fmt::format("is a duplicate column name (column {} repeats column {} \"{}\")",
                                  i + 1, it->second + 1, fields[it->second])));
    }
    seen.emplace(key, i);
    const auto item = std::find(kItemNames.begin(), kItemNames.end(), key);
    if (item != kItemNames.end()) {
      header.column[static_cast<std::size_t>(item - kItemNames.begin())] = i;
    } else {
      header.covariate_columns.push_back(i);
      header.covariate_names.push_back(name);
    }
  }
  header.names = std::move(fields);
  for (const Item required : {Item::Id, Item::Time}) {
    if (!header.column[static_cast<std::size_t>(required)]) {
      return std::unexpected(
          line_error(source, 1,
                     fmt::format("{}: required column is missing from the header (found {})",
                                 kItemNames[static_cast<std::size_t>(required)],
                                 fmt::join(header.names, ","))));
    }
  }
  return header;
}

/// One data line's fields with its location, and typed access to them.
class Row {
 public:
  Row(std::string_view source, std::size_t line, const Header& header,
      const std::vector<std::string>& fields)
      : source_(source), line_(line), header_(header), fields_(fields) {}

  /// The field of an item as written; "" when the column is absent.
  [[nodiscard]] std::string_view text(Item item) const {
    const auto& column = header_.column[static_cast<std::size_t>(item)];
    return column ? std::string_view(fields_[*column]) : std::string_view();
  }

  [[nodiscard]] core::Error error(Item item, std::string_view problem) const {
    return field_error(source_, line_, kItemNames[static_cast<std::size_t>(item)], text(item),
                       problem);
  }

  /// Where an item is, for core::check_range: "doses.csv:3: AMT".
  [[nodiscard]] std::string place(Item item) const {
    return fmt::format("{}:{}: {}", source_, line_, kItemNames[static_cast<std::size_t>(item)]);
  }

  /// A number, or nullopt when the field is missing or the column absent.
  [[nodiscard]] core::Result<std::optional<double>> number(Item item) const {
    return number_in(kItemNames[static_cast<std::size_t>(item)], text(item));
  }

  [[nodiscard]] core::Result<std::optional<double>> number_in(std::string_view column,
                                                              std::string_view value) const {
    double out = 0;
    switch (parse_number(value, out)) {
      case NumberStatus::Ok:
        return out;
      case NumberStatus::Missing:
        return std::nullopt;
      case NumberStatus::NotNumber:
        return std::unexpected(field_error(source_, line_, column, value, "is not a number"));
      case NumberStatus::NotFinite:
        return std::unexpected(
            field_error(source_, line_, column, value, "is not a finite number"));
      case NumberStatus::OutOfRange:
        return std::unexpected(field_error(source_, line_, column, value,
                                           "is out of the range of a double-precision number"));
    }
    return std::nullopt;
  }

  /// An integer-valued number (1 and 1.0 are accepted, 1.5 is not), or nullopt when missing.
  [[nodiscard]] core::Result<std::optional<int>> integer(Item item) const {
    const std::optional<double> value = KETAPATH_TRY(number(item));
    if (!value) {
      return std::optional<int>();
    }
    if (std::trunc(*value) != *value || std::fabs(*value) > 1e9) {
      return std::unexpected(error(item, "is not an integer"));
    }
    return std::optional<int>(static_cast<int>(*value));
  }

  [[nodiscard]] std::size_t line() const { return line_; }

  [[nodiscard]] const std::vector<std::string>& fields() const { return fields_; }

 private:
  std::string_view source_;
  std::size_t line_;
  const Header& header_;
  const std::vector<std::string>& fields_;
};

const char* record_name(int evid) {
  switch (evid) {
    case 0:
      return "an observation record (EVID 0)";
    case 1:
      return "a dose record (EVID 1)";
    case 2:
      return "an other-type record (EVID 2)";
    case 3:
      return "a reset record (EVID 3)";
    default:
      return "a reset-and-dose record (EVID 4)";
  }
}

struct ParsedRecord {
  pk::Record record;
  NmtranRecordExtras extras;
};

/// The EVID/MDV/dose-item rules of one record (everything except ID and time order).
core::Result<ParsedRecord> parse_record(const Row& row, double time) {
  ParsedRecord parsed;
  pk::Record& record = parsed.record;
  record.time = core::Hours(time);
  record.source_line = row.line();

  const std::optional<double> amt = KETAPATH_TRY(row.number(Item::Amt));
  const double rate = KETAPATH_TRY(row.number(Item::Rate)).value_or(0.0);
  const double ii = KETAPATH_TRY(row.number(Item::Ii)).value_or(0.0);
  const int cmt = KETAPATH_TRY(row.integer(Item::Cmt)).value_or(0);
  const int addl = KETAPATH_TRY(row.integer(Item::Addl)).value_or(0);
  const int ss = KETAPATH_TRY(row.integer(Item::Ss)).value_or(0);
  const std::optional<int> mdv_given = KETAPATH_TRY(row.integer(Item::Mdv));
  std::optional<int> evid = KETAPATH_TRY(row.integer(Item::Evid));
  parsed.extras.dv = KETAPATH_TRY(row.number(Item::Dv));

  if (mdv_given && *mdv_given != 0 && *mdv_given != 1 && *mdv_given != 100 && *mdv_given != 101) {
    return std::unexpected(row.error(Item::Mdv, "must be 0 or 1 (or 100/101)"));
  }
  const bool dose_items =
      amt.value_or(0.0) != 0.0 || rate != 0.0 || ii != 0.0 || addl != 0 || ss != 0;
  if (!evid) {
    // As NM-TRAN: without EVID, MDV=0 marks an observation, MDV=1 a dose when a dose item is
    // given and an other-type record otherwise; without MDV a dose item makes a dose.
    if (mdv_given) {
      evid = (*mdv_given % 100 == 0) ? 0 : (dose_items ? 1 : 2);
    } else {
      evid = dose_items ? 1 : 0;
    }
  }
  if (*evid < 0 || *evid > 4) {
    return std::unexpected(row.error(
        Item::Evid,
        "is not a valid event type (0 observation, 1 dose, 2 other, 3 reset, 4 reset and dose)"));
  }
  parsed.extras.mdv = mdv_given.value_or(*evid == 0 ? 0 : 1);
  if (*evid != 0 && parsed.extras.mdv % 100 == 0) {
    return std::unexpected(
        row.error(Item::Mdv, fmt::format("must be 1 on {}", record_name(*evid))));
  }
  if (cmt < 0) {
    return std::unexpected(row.error(
        Item::Cmt, "is negative: switching compartments off (negative CMT) is not supported"));
  }

  const bool is_dose = *evid == 1 || *evid == 4;
  if (!is_dose) {
    // Observation, other-type and reset records carry no dose items (NONMEM's rule).
    for (const Item item : {Item::Amt, Item::Rate, Item::Ii, Item::Addl, Item::Ss}) {
      const std::optional<double> value = KETAPATH_TRY(row.number(item));
      if (value.value_or(0.0) != 0.0) {
        return std::unexpected(
            row.error(item, fmt::format("must be 0 or missing on {}", record_name(*evid))));
      }
    }
    record.kind = *evid == 0   ? pk::RecordKind::Observation
                  : *evid == 2 ? pk::RecordKind::Other
                               : pk::RecordKind::Reset;
    record.observed_compartment = cmt;
    return parsed;
  }

  record.kind = *evid == 1 ? pk::RecordKind::Dose : pk::RecordKind::ResetAndDose;
  if (!amt) {
    return std::unexpected(row.error(
        Item::Amt, fmt::format("is missing: {} needs an amount (0 only for a constant infusion)",
                               record_name(*evid))));
  }
  KETAPATH_TRY(core::check_range(row.place(Item::Amt), *amt, "", core::non_negative(),
                                 core::ErrorCode::InvalidData));
  if (rate < 0 && rate != -1.0 && rate != -2.0) {
    return std::unexpected(row.error(
        Item::Rate, "must be >= 0, -1 (rate modelled by R<n>) or -2 (duration modelled by D<n>)"));
  }
  if (ss < 0 || ss > 2) {
    return std::unexpected(row.error(Item::Ss, "must be 0, 1 or 2"));
  }
  KETAPATH_TRY(core::check_range(row.place(Item::Ii), ii, "", core::non_negative(),
                                 core::ErrorCode::InvalidData));
  if (auto addl_ok = core::check_count([&] { return row.place(Item::Addl); }, addl, "", 0,
                                       core::kUnbounded, core::ErrorCode::InvalidData);
      !addl_ok) {
    addl_ok.error().message += " (the empirical steady state is not supported)";
    return std::unexpected(std::move(addl_ok.error()));
  }
  KETAPATH_TRY(core::check_count([&] { return row.place(Item::Addl); }, addl, "additional doses", 0,
                                 core::limits::kMaxAddl, core::ErrorCode::LimitExceeded));
  const bool constant_infusion = ss == 1 && *amt == 0.0 && rate > 0.0 && ii == 0.0;
  if (constant_infusion && addl != 0) {
    return std::unexpected(row.error(
        Item::Addl, "must be 0 on a steady-state constant infusion (SS=1, AMT=0, RATE>0, II=0)"));
  }
  if (*amt == 0.0 && !constant_infusion) {
    if (rate > 0.0) {
      return std::unexpected(row.error(Item::Rate,
                                       "needs AMT > 0 (RATE > 0 with AMT = 0 is valid only as the "
                                       "steady-state constant infusion SS=1, II=0)"));
    }
    if (rate < 0.0) {
      return std::unexpected(row.error(Item::Rate, "needs AMT > 0 (got AMT 0)"));
    }
    return std::unexpected(
        row.error(Item::Amt, fmt::format("must be > 0 on {}", record_name(*evid))));
  }
  if (ss != 0 && ii <= 0.0 && !constant_infusion) {
    return std::unexpected(
        row.error(Item::Ss,
                  "needs II > 0 (got II 0); only the constant infusion AMT=0, RATE>0, SS=1 has "
                  "II=0"));
  }
  if (addl > 0 && ii <= 0.0) {
    return std::unexpected(row.error(Item::Addl, "needs II > 0 (got II 0)"));
  }
  if (ii > 0.0 && addl == 0 && ss == 0) {
    return std::unexpected(
        row.error(Item::Ii, "is given but unused: II needs ADDL > 0 or SS 1/2 on the same record"));
  }

  pk::DoseSpec& dose = record.dose;
  dose.amount = core::Milligrams(*amt);
  dose.compartment = cmt;
  dose.interval = core::Hours(ii);
  dose.additional = addl;
  dose.steady_state = ss == 0   ? pk::SteadyState::None
                      : ss == 1 ? pk::SteadyState::Reset
                                : pk::SteadyState::Superpose;
  if (rate > 0.0) {
    dose.rate_kind = pk::RateKind::Fixed;
    dose.rate = core::MilligramsPerHour(rate);
  } else if (rate == -1.0) {
    dose.rate_kind = pk::RateKind::ModelledRate;
  } else if (rate == -2.0) {
    dose.rate_kind = pk::RateKind::ModelledDuration;
  }
  return parsed;
}

}  // namespace

core::Result<NmtranData> parse_nmtran(std::string_view text, std::string_view source_name) {
  NmtranData data;
  data.source = std::string(source_name);
  const std::string_view source = data.source;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // UTF-8 byte order mark written by spreadsheet programs
  }

  std::size_t line_number = 0;
  std::size_t position = 0;
  const auto next_line = [&](std::string_view& line) {
    if (position >= text.size()) {
      return false;
    }
    const std::size_t end = text.find('\n', position);
    line = text.substr(position,
                       end == std::string_view::npos ? std::string_view::npos : end - position);
    position = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    return true;
  };

  std::string_view line;
  if (!next_line(line) || trim(line).empty()) {
    return std::unexpected(line_error(source, 1, "file is empty (a header line is required)"));
  }
  const Header header = KETAPATH_TRY(parse_header(source, line));
  data.covariate_names = header.covariate_names;

  std::map<double, std::size_t> subject_of_id;  // numeric ID -> index into data.subjects
  std::vector<std::string> fields;
  double previous_time = 0.0;
  std::size_t previous_line = 0;
  long long implied_doses = 0;  // ADDL-implied doses of the current ID
  while (next_line(line)) {
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') {
      continue;  // blank lines and comments (NM-TRAN's default IGNORE=#)
    }
    if (!split_fields(line, fields)) {
      return std::unexpected(line_error(source, line_number, "unterminated quoted field"));
    }
    if (fields.size() != header.names.size()) {
      return std::unexpected(
          line_error(source, line_number,
                     fmt::format("row has {} fields but the header has {} columns", fields.size(),
                                 header.names.size())));
    }
    const Row row(source, line_number, header, fields);

    const std::optional<double> id = KETAPATH_TRY(row.number(Item::Id));
    if (!id) {
      return std::unexpected(row.error(Item::Id, "is missing (every record needs an ID)"));
    }
    const std::optional<double> time = KETAPATH_TRY(row.number(Item::Time));
    if (!time) {
      return std::unexpected(row.error(Item::Time, "is missing (every record needs a TIME)"));
    }
    ParsedRecord parsed = KETAPATH_TRY(parse_record(row, *time));
    for (std::size_t c = 0; c < header.covariate_columns.size(); ++c) {
      const std::size_t column = header.covariate_columns[c];
      const std::optional<double> value =
          KETAPATH_TRY(row.number_in(header.names[column], fields[column]));
      parsed.record.covariates.push_back(value);
    }

    const auto found = subject_of_id.find(*id);
    const bool new_subject = data.subjects.empty() || found == subject_of_id.end();
    if (!new_subject && found->second != data.subjects.size() - 1) {
      return std::unexpected(row.error(
          Item::Id,
          fmt::format("appears again after other IDs (first seen on line {}); records of one ID "
                      "must be contiguous",
                      data.subjects[found->second].records.front().source_line)));
    }
    if (new_subject) {
      implied_doses = 0;
      subject_of_id.emplace(*id, data.subjects.size());
      pk::SubjectTimeline subject;
      subject.id = std::string(row.text(Item::Id));
      subject.covariate_names = header.covariate_names;
      data.subjects.push_back(std::move(subject));
      data.extras.emplace_back();
    } else {
      const bool reset = parsed.record.kind == pk::RecordKind::Reset ||
                         parsed.record.kind == pk::RecordKind::ResetAndDose;
      if (!reset && *time < previous_time) {
        return std::unexpected(row.error(
            Item::Time,
            fmt::format("is earlier than the previous record's time {} (line {}); time must not "
                        "decrease within an ID except on or after an EVID 3 or 4 record",
                        previous_time, previous_line)));
      }
    }
    implied_doses += parsed.record.dose.additional;
    if (implied_doses > core::limits::kMaxImpliedDosesPerSubject) {
      core::Error e = row.error(
          Item::Addl, fmt::format("brings this ID's ADDL-implied doses to {}, more than the {} "
                                  "allowed for one ID (a limit of docs/limits.md)",
                                  implied_doses, core::limits::kMaxImpliedDosesPerSubject));
      e.code = core::ErrorCode::LimitExceeded;
      return std::unexpected(std::move(e));
    }
    previous_time = *time;
    previous_line = line_number;
    data.subjects.back().records.push_back(std::move(parsed.record));
    data.extras.back().push_back(parsed.extras);
  }
  if (data.subjects.empty()) {
    return std::unexpected(
        line_error(source, 1, "header is not followed by any data records (the file has none)"));
  }
  return data;
}

core::Result<NmtranData> read_nmtran(const std::filesystem::path& path) {
  const std::string text = KETAPATH_TRY(
      core::read_text_file(path, core::limits::kMaxNmtranFileBytes, "an NM-TRAN data set"));
  return parse_nmtran(text, path.string());
}

}  // namespace ketapath::io
