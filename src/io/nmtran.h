#pragma once
// NM-TRAN data sets (NONMEM's CSV event records): reading into pk::SubjectTimeline, validating
// every record with a one-line error that names the file line, the column, the value and the
// problem, checking a data set against a model, and writing NM-TRAN CSV back so it reads back
// exactly. The rules are listed in docs/nmtran.md; they follow NM-TRAN where it has one.
//
// Example:
//   auto data = KETAPATH_TRY(io::read_nmtran("doses.csv"));
//   KETAPATH_TRY(io::validate_against(*pk::find_model("one_cmt"), parameters, data));
//   for (const pk::SubjectTimeline& subject : data.subjects) { ... }
//
// Errors look like `doses.csv:3: TIME: "abc" is not a number` (ErrorCode::InvalidData).

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pk/event_timeline.h"
#include "pk/model.h"

namespace ketapath::io {

/// The items of a record the engine does not use but a writer must keep (DV and MDV).
struct NmtranRecordExtras {
  std::optional<double> dv;  ///< DV as read; nullopt when "." or empty
  int mdv = 0;               ///< MDV as read (0, 1, 100 or 101), or derived from EVID

  bool operator==(const NmtranRecordExtras&) const = default;
};

/// A whole NM-TRAN data set.
struct NmtranData {
  /// Name used in messages: the path as given, or the display name of a string.
  std::string source;
  /// Columns other than the standard items, in file order, spelled as in the header. Every
  /// subject's covariate_names equals this list, and Record::covariates follows its order.
  std::vector<std::string> covariate_names;
  /// One timeline per ID, in order of appearance (records of an ID are contiguous).
  std::vector<pk::SubjectTimeline> subjects;
  /// extras[s][r] belongs to subjects[s].records[r].
  std::vector<std::vector<NmtranRecordExtras>> extras;
};

/// Reads and validates the NM-TRAN CSV file at `path`; messages name the path as given.
/// Errors: NotFound (no such file), Io (unreadable), InvalidData (any malformed record).
core::Result<NmtranData> read_nmtran(const std::filesystem::path& path);

/// As read_nmtran, from text in memory; `source_name` stands for the file in messages.
core::Result<NmtranData> parse_nmtran(std::string_view text, std::string_view source_name);

/// Checks the data set against a model and its parameters: every CMT exists in the model (CMT 0
/// is the model's default), RATE=-1 doses have R<n> and RATE=-2 doses have D<n> for their
/// compartment. Errors: InvalidData, "doses.csv:5: CMT: \"3\" model one_cmt has no compartment 3
/// (it has 1 central)".
core::Status validate_against(const pk::ModelSpec& model, const pk::ParameterValues& parameters,
                              const NmtranData& data);

/// The data set as NM-TRAN CSV: header ID,TIME,AMT,RATE,CMT,EVID,MDV,DV,II,ADDL,SS and the
/// covariates; missing values as "."; numbers in shortest round-trip form, so parse_nmtran gives
/// back the same records (only source_line can differ, if the input had comments or blank lines).
std::string format_nmtran(const NmtranData& data);

/// Writes format_nmtran(data) to `path`. Errors: Io.
core::Status write_nmtran(const std::filesystem::path& path, const NmtranData& data);

/// Wraps timelines built elsewhere (protocols, populations) for the writer: DV missing, MDV 0 on
/// observations and 1 otherwise. All timelines must share the same covariate_names.
NmtranData make_nmtran_data(std::vector<pk::SubjectTimeline> subjects, std::string source = {});

/// NONMEM's EVID for a record kind (0 to 4).
int nmtran_evid(pk::RecordKind kind);

/// The value of covariate `column` (index into covariate_names) in effect at `time`, as NONMEM
/// uses time-varying data items: next observation carried backward (NOCB). PREDPP advances the
/// state from one record to the next with the data of the later record, so the value in effect on
/// (t[k-1], t[k]] is record k's, and at a time shared by several records it is the first of them
/// in file order. Precisely: the value of the first record, from `first_record` on, whose time is
/// >= `time` and whose value is not missing; if there is none, the last non-missing value from
/// `first_record` on (carried forward past the last record); nullopt if the column has no value.
/// An EVID 3/4 reset restarts the clock, so the search covers one epoch: it starts at
/// `first_record` (0, or the index of a reset record) and stops before the next reset record.
/// Unlike NM-TRAN, which reads "." as 0, a missing covariate is skipped rather than taken as 0.
std::optional<double> covariate_at(const pk::SubjectTimeline& subject, std::size_t column,
                                   core::Hours time, std::size_t first_record = 0);

}  // namespace ketapath::io
