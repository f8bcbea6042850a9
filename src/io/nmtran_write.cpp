// Writing NM-TRAN CSV (so that it reads back exactly), the NOCB covariate lookup, and the EVID
// mapping shared with other formats.

#include <cmath>
#include <fstream>

#include "io/nmtran.h"
#include "pk/covariates.h"
#include "io/nmtran_detail.h"

namespace ketapath::io {
namespace {

/// Shortest text that parses back to the same double ("0.1", "1e-07", "100").
std::string number(double value) {
  return fmt::format("{}", value);
}

std::string optional_number(std::optional<double> value) {
  return value ? number(*value) : std::string(".");
}

/// A CSV field, quoted only when it must be.
std::string field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos &&
      (text.empty() || (text.front() != ' ' && text.back() != ' '))) {
    return std::string(text);
  }
  std::string quoted = "\"";
  for (const char c : text) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  quoted += '"';
  return quoted;
}

double rate_item(const pk::DoseSpec& dose) {
  switch (dose.rate_kind) {
    case pk::RateKind::Bolus:
      return 0.0;
    case pk::RateKind::Fixed:
      return dose.rate.value();
    case pk::RateKind::ModelledRate:
      return -1.0;
    case pk::RateKind::ModelledDuration:
      return -2.0;
  }
  return 0.0;
}

int ss_item(pk::SteadyState steady_state) {
  switch (steady_state) {
    case pk::SteadyState::None:
      return 0;
    case pk::SteadyState::Reset:
      return 1;
    case pk::SteadyState::Superpose:
      return 2;
  }
  return 0;
}

}  // namespace

int nmtran_evid(pk::RecordKind kind) {
  switch (kind) {
    case pk::RecordKind::Observation:
      return 0;
    case pk::RecordKind::Dose:
      return 1;
    case pk::RecordKind::Other:
      return 2;
    case pk::RecordKind::Reset:
      return 3;
    case pk::RecordKind::ResetAndDose:
      return 4;
  }
  return 0;
}

std::string format_nmtran(const NmtranData& data) {
  std::string out;
  for (std::size_t i = 0; i < detail::kItemCount; ++i) {
    out += (i == 0 ? "" : ",");
    out += detail::kItemNames[i];
  }
  for (const std::string& name : data.covariate_names) {
    out += ',';
    out += field(name);
  }
  out += '\n';
  for (std::size_t s = 0; s < data.subjects.size(); ++s) {
    const pk::SubjectTimeline& subject = data.subjects[s];
    for (std::size_t r = 0; r < subject.records.size(); ++r) {
      const pk::Record& record = subject.records[r];
      const int evid = nmtran_evid(record.kind);
      const bool dose = evid == 1 || evid == 4;
      NmtranRecordExtras extras{std::nullopt, evid == 0 ? 0 : 1};
      if (s < data.extras.size() && r < data.extras[s].size()) {
        extras = data.extras[s][r];
      }
      const pk::DoseSpec& d = record.dose;
      // ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,II,ADDL,SS
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", field(subject.id),
                         number(record.time.value()), dose ? number(d.amount.value()) : "0",
                         dose ? number(rate_item(d)) : "0",
                         dose ? d.compartment : record.observed_compartment, evid, extras.mdv,
                         optional_number(extras.dv), dose ? number(d.interval.value()) : "0",
                         dose ? d.additional : 0, dose ? ss_item(d.steady_state) : 0);
      for (const std::optional<double>& value : record.covariates) {
        out += ',';
        out += value ? number(*value) : std::string(".");
      }
      out += '\n';
    }
  }
  return out;
}

core::Status write_nmtran(const std::filesystem::path& path, const NmtranData& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return core::fail(core::ErrorCode::Io, "{}: cannot open for writing", path.string());
  }
  const std::string text = format_nmtran(data);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    return core::fail(core::ErrorCode::Io, "{}: write failed", path.string());
  }
  return {};
}

NmtranData make_nmtran_data(std::vector<pk::SubjectTimeline> subjects, std::string source) {
  NmtranData data;
  data.source = std::move(source);
  if (!subjects.empty()) {
    data.covariate_names = subjects.front().covariate_names;
  }
  for (const pk::SubjectTimeline& subject : subjects) {
    KETAPATH_ASSERT(subject.covariate_names == data.covariate_names,
                    "all timelines of one data set share the covariate columns");
    std::vector<NmtranRecordExtras> extras;
    extras.reserve(subject.records.size());
    for (const pk::Record& record : subject.records) {
      extras.push_back({std::nullopt, record.kind == pk::RecordKind::Observation ? 0 : 1});
    }
    data.extras.push_back(std::move(extras));
  }
  data.subjects = std::move(subjects);
  return data;
}

std::optional<double> covariate_at(const pk::SubjectTimeline& subject, std::size_t column,
                                   core::Hours time, std::size_t first_record) {
  return pk::covariate_at(subject, column, time, first_record);
}

}  // namespace ketapath::io
