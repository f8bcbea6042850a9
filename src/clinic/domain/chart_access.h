#pragma once
// The chart-access log (issue 11, Deliver 5): who looked at whose chart, and when, for a privacy
// officer. Every read of a patient's clinical records through ClinicService is recorded (the
// chart, each per-patient list, the response, the letter); the work list of open alerts is not a
// chart read. Reads are buffered and written in groups (clinic/service/chart_access_log.h), so a
// read is not a durable write every time.

#include <cstdint>
#include <optional>
#include <string>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"

namespace ketapath::clinic {

struct ChartAccess {
  std::int64_t id = 0;  ///< 0 until stored
  std::string user;     ///< the signed-in / acting user
  PatientId patient{};
  std::string what;  ///< "chart", "sessions", "doses", "report", ...
  Timestamp at{};
};

/// A privacy officer's question; every part optional. Newest first, at most `limit`.
struct ChartAccessQuery {
  std::optional<std::string> user;
  std::optional<PatientId> patient;
  std::optional<Timestamp> from;  ///< inclusive
  std::optional<Timestamp> to;    ///< exclusive
  std::int64_t limit = 1000;
};

}  // namespace ketapath::clinic
