// Follow-up assessments and the care team (issue 9): the records around the sessions.

#include <nlohmann/json.hpp>

#include "clinic/domain/assessment.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

constexpr std::string_view kSelect =
    "SELECT id, patient_id, scale, rated_at, items_json, total, rater, last_dose_session_id, "
    "hours_since_dose, timing, flags_json, notes, recorded_by, recorded_at FROM assessments";
const std::vector<sql::Type> kColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Text,    sql::Type::Text, sql::Type::Text,
    sql::Type::Integer, sql::Type::Text,    sql::Type::Integer, sql::Type::Real, sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,    sql::Type::Text};

}  // namespace

core::Result<clinic::AssessmentId> SqlAssessments::add(const clinic::Assessment& a) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", a.patient.value()));
  if (a.last_dose_session) {
    KETAPATH_TRY(require_row(c, "sessions", "session", a.last_dose_session->value()));
  }
  std::string items;
  std::string flags;
  try {
    items = json(a.rating.items).dump();
    flags = json(a.flags).dump();
  } catch (const json::exception& e) {  // invalid UTF-8: refused, never altered
    return core::fail(core::ErrorCode::Validation, "assessment: cannot store the flags ({})",
                      e.what());
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO assessments (patient_id, scale, rated_at, items_json, total, rater, "
      "last_dose_session_id, hours_since_dose, timing, flags_json, notes, recorded_by, "
      "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {sql::integer(a.patient.value()), sql::text(pd::scale_record_name(a.rating.scale)),
       timestamp(a.rating.rated_at), sql::text(items), sql::integer(a.rating.total),
       sql::text(a.rating.rater),
       a.last_dose_session ? sql::integer(a.last_dose_session->value()) : sql::null(),
       sql::optional_value(a.hours_since_dose), sql::text(clinic::to_string(a.timing)),
       sql::text(flags), sql::text(a.notes), sql::text(a.recorded_by), timestamp(a.recorded_at)},
      {sql::Type::Integer}));
  return clinic::AssessmentId(row->integer(0));
}

core::Result<clinic::Assessment> SqlAssessments::load(const sql::Row& row) {
  clinic::Assessment a;
  a.id = clinic::AssessmentId(row.integer(0));
  a.patient = clinic::PatientId(row.integer(1));
  a.rating.scale = KETAPATH_TRY(read_enum(row, 2, "assessments.scale", clinic::parse_scale));
  a.rating.rated_at = KETAPATH_TRY(read_timestamp(row, 3, "assessments.rated_at"));
  try {
    a.rating.items = json::parse(row.text(4)).get<std::vector<int>>();
    a.flags = json::parse(row.text(10)).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage,
                      "store: assessments: stored items or flags cannot be read back ({})",
                      e.what());
  }
  a.rating.total = static_cast<int>(row.integer(5));
  a.rating.rater = row.text(6);
  if (auto v = row.optional_integer(7)) {
    a.last_dose_session = clinic::SessionId(*v);
  }
  a.hours_since_dose = row.optional_real(8);
  a.timing = KETAPATH_TRY(read_enum(row, 9, "assessments.timing", clinic::parse_rating_timing));
  a.notes = row.text(11);
  a.recorded_by = row.text(12);
  a.recorded_at = KETAPATH_TRY(read_timestamp(row, 13, "assessments.recorded_at"));
  const auto amendments = KETAPATH_TRY(amendments_of(
      *state_.connection, clinic::AmendedKind::Assessment, "record_id", a.id.value()));
  KETAPATH_TRY(clinic::apply_amendments(a, amendments));
  return a;
}

core::Result<clinic::Assessment> SqlAssessments::get(clinic::AssessmentId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "assessment {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::Assessment>> SqlAssessments::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("{} WHERE patient_id = $1 ORDER BY rated_at, id", kSelect),
      {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::Assessment> out;
  for (const auto& row : rows) {
    out.push_back(KETAPATH_TRY(load(row)));
  }
  return out;
}

}  // namespace ketapath::store::repositories

namespace ketapath::store::repositories {

core::Result<clinic::CareTeamId> SqlCareTeam::add(const clinic::CareTeamMember& m) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", m.patient.value()));
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO care_team (patient_id, role, name, practice, contact, added_at, added_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {sql::integer(m.patient.value()), sql::text(clinic::to_string(m.role)), sql::text(m.name),
       sql::text(m.practice), sql::text(m.contact), timestamp(m.added_at), sql::text(m.added_by)},
      {sql::Type::Integer}));
  return clinic::CareTeamId(row->integer(0));
}

core::Result<std::vector<clinic::CareTeamMember>> SqlCareTeam::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      "SELECT id, patient_id, role, name, practice, contact, added_at, added_by FROM care_team "
      "WHERE patient_id = $1 ORDER BY id",
      {sql::integer(patient.value())},
      {sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text,
       sql::Type::Text, sql::Type::Text, sql::Type::Text}));
  std::vector<clinic::CareTeamMember> out;
  for (const auto& row : rows) {
    clinic::CareTeamMember m;
    m.id = clinic::CareTeamId(row.integer(0));
    m.patient = clinic::PatientId(row.integer(1));
    m.role = KETAPATH_TRY(read_enum(row, 2, "care_team.role", clinic::parse_care_role));
    m.name = row.text(3);
    m.practice = row.text(4);
    m.contact = row.text(5);
    m.added_at = KETAPATH_TRY(read_timestamp(row, 6, "care_team.added_at"));
    m.added_by = row.text(7);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace ketapath::store::repositories
