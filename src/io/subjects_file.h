#pragma once
// Subjects files: a population given subject by subject (`ketapath population DESIGN
// --subjects-file pop.csv`, like mrgsolve's idata). CSV with a header row; one row per subject.
//
//   ID,CL,V1,KA,S_EC50[ng/mL],WT
//   1,79.0,80,4.0,200,70
//   2,95.5,72.1,3.1,260,82.4
//
// - ID: a whole number >= 1, unique. Subject k of the run (endpoints.csv, profiles) is the k-th
//   data row (0-based), in file order.
// - Every other column is one of the workload's parameter names (population/subject_columns.h).
//   A name may carry its unit in brackets (`S_EC50[ng/mL]`, `S_T12[d]`; the spellings
//   io/parameter_units.h accepts); without one, values are in the parameter's canonical unit.
//   Parameters the file leaves out take the workload's typical value.
// - Blank lines are skipped; fields are trimmed of spaces; CRLF line ends are accepted.
// Errors (InvalidData) name the file, line and column: "pop.csv:3: CL must be > 0 L/h (got -1
// L/h)". Bounded: core::limits::kMaxSubjectsFileBytes and kMaxSubjectsFileRows (LimitExceeded).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "population/batch_model.h"
#include "population/subject_columns.h"

namespace ketapath::io {

struct SubjectsTable {
  std::vector<std::int64_t> ids;       ///< per row, in file order
  population::BatchSubjects subjects;  ///< per row, in file order
  std::vector<std::string> given;      ///< the parameter columns the file gave, in file order
};

/// Parses the text of a subjects file; `source` names it in messages.
core::Result<SubjectsTable> parse_subjects_csv(std::string_view text, std::string_view source,
                                               std::span<const population::SubjectColumn> columns,
                                               const population::BatchSubject& typical);

/// Reads and parses `path` (bounded read; NotFound, Io, LimitExceeded as core::read_text_file).
core::Result<SubjectsTable> read_subjects_file(const std::filesystem::path& path,
                                               std::span<const population::SubjectColumn> columns,
                                               const population::BatchSubject& typical);

}  // namespace ketapath::io
