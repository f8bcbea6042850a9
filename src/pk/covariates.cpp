#include "pk/covariates.h"

namespace ketapath::pk {
namespace {

bool is_reset(const Record& record) {
  return record.kind == RecordKind::Reset || record.kind == RecordKind::ResetAndDose;
}

}  // namespace

std::optional<double> covariate_at(const SubjectTimeline& subject, std::size_t column,
                                   core::Hours time, std::size_t first_record) {
  std::optional<double> last;
  for (std::size_t r = first_record; r < subject.records.size(); ++r) {
    const Record& record = subject.records[r];
    if (r > first_record && is_reset(record)) {
      break;  // the next epoch has its own clock
    }
    if (column >= record.covariates.size() || !record.covariates[column]) {
      continue;
    }
    if (record.time >= time) {
      return record.covariates[column];
    }
    last = record.covariates[column];
  }
  return last;
}

std::optional<double> covariate_on_record(const SubjectTimeline& subject, std::size_t column,
                                          std::size_t record) {
  const Record& own = subject.records[record];
  if (column < own.covariates.size() && own.covariates[column])
    return own.covariates[column];
  std::size_t epoch = record;
  while (epoch > 0 && !is_reset(subject.records[epoch]))
    --epoch;
  return covariate_at(subject, column, own.time, epoch);
}

}  // namespace ketapath::pk
