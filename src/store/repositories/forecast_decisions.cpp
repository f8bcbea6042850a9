// Decisions on model-informed maintenance recommendations (issue 13; forecast_decision.h):
// appended, never changed.

#include "clinic/domain/forecast_decision.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {

core::Result<clinic::ForecastDecisionId> SqlForecastDecisions::add(
    const clinic::ForecastDecision& d) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", d.patient.value()));
  if (d.course) {
    KETAPATH_TRY(require_row(c, "courses", "course", d.course->value()));
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO forecast_decisions (patient_id, verdict, decided_at, decided_by, reason, "
      "course_id, basis_json) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {sql::integer(d.patient.value()), sql::text(clinic::to_string(d.verdict)),
       timestamp(d.decided_at), sql::text(d.decided_by), sql::text(d.reason),
       d.course ? sql::integer(d.course->value()) : sql::null(), sql::text(d.basis_json)},
      {sql::Type::Integer}));
  return clinic::ForecastDecisionId(row->integer(0));
}

core::Result<std::vector<clinic::ForecastDecision>> SqlForecastDecisions::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      "SELECT id, patient_id, verdict, decided_at, decided_by, reason, course_id, basis_json "
      "FROM forecast_decisions WHERE patient_id = $1 ORDER BY id",
      {sql::integer(patient.value())},
      {sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text,
       sql::Type::Text, sql::Type::Integer, sql::Type::Text}));
  std::vector<clinic::ForecastDecision> out;
  for (const auto& row : rows) {
    clinic::ForecastDecision d;
    d.id = clinic::ForecastDecisionId(row.integer(0));
    d.patient = clinic::PatientId(row.integer(1));
    d.verdict = KETAPATH_TRY(
        read_enum(row, 2, "forecast_decisions.verdict", clinic::parse_forecast_verdict));
    d.decided_at = KETAPATH_TRY(read_timestamp(row, 3, "forecast_decisions.decided_at"));
    d.decided_by = row.text(4);
    d.reason = row.text(5);
    if (auto v = row.optional_integer(6)) {
      d.course = clinic::CourseId(*v);
    }
    d.basis_json = row.text(7);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ketapath::store::repositories
