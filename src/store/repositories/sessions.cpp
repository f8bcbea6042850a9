#include <nlohmann/json.hpp>

#include "clinic/domain/session.h"
#include "clinic/json/json.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

constexpr std::string_view kSelect =
    "SELECT id, patient_id, course_id, course_session_number, dose_record_id, route, "
    "dose_mg_per_kg, dose_mg, started_at, ended_at, discharge_json, notes, recorded_by, "
    "recorded_at, dose_ended_at, stock_lot_id FROM sessions";
const std::vector<sql::Type> kColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Integer, sql::Type::Integer,
    sql::Type::Integer, sql::Type::Text,    sql::Type::Real,    sql::Type::Real,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text,    sql::Type::Integer};

// The discharge is stored as the clinic's one JSON form (clinic/json: to_json and
// discharge_from_json) with one difference kept from schema 1, so that stored rows and their
// audit digests stay as they were: the time is under "assessed_at" rather than "at". The derived
// `ready` and `not_ready_reasons` are stored with it and restored as stored (the clinic's reader
// never takes them from input; these are the clinic's own computed values).
constexpr std::string_view kStoredAt = "assessed_at";
constexpr std::string_view kFormAt = "at";
constexpr std::string_view kDischargeColumn = "sessions.discharge_json";

json stored_discharge_json(const clinic::DischargeReadiness& d) {
  json j = clinic::to_json(d);
  j[std::string(kStoredAt)] = std::move(j[std::string(kFormAt)]);
  j.erase(std::string(kFormAt));
  return j;
}

core::Result<clinic::DischargeReadiness> read_stored_discharge(const std::string& text) {
  auto j = clinic::parse_json(text, kDischargeColumn);
  if (!j) {
    return std::unexpected(corrupt(kDischargeColumn, j.error()));
  }
  if (!j->is_object() || !j->contains(std::string(kStoredAt))) {
    return core::fail(core::ErrorCode::Storage, "store: {}: stored value has no {}",
                      kDischargeColumn, kStoredAt);
  }
  json form = *j;
  form[std::string(kFormAt)] = std::move(form[std::string(kStoredAt)]);
  form.erase(std::string(kStoredAt));
  auto d = clinic::discharge_from_json(form, kDischargeColumn);
  if (!d) {
    return std::unexpected(corrupt(kDischargeColumn, d.error()));
  }
  try {
    d->ready = j->at("ready").get<bool>();
    if (j->contains(std::string("not_ready_reasons"))) {  // absent before schema version 5
      d->not_ready_reasons = j->at("not_ready_reasons").get<std::vector<std::string>>();
    }
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage, "store: {}: stored value cannot be read back ({})",
                      kDischargeColumn, e.what());
  }
  return d;
}

template <class Q>
sql::Value optional_quantity(const std::optional<Q>& q) {
  return q ? sql::real(q->value()) : sql::null();
}

}  // namespace

core::Result<clinic::SessionId> SqlSessions::add(const clinic::Session& s) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", s.patient.value()));
  if (s.course) {
    KETAPATH_TRY(require_row(c, "courses", "course", s.course->value()));
  }
  if (s.dose_record) {
    KETAPATH_TRY(require_row(c, "dose_records", "dose record", s.dose_record->value()));
  }
  std::optional<std::string> discharge;
  try {
    if (s.discharge) {
      discharge = stored_discharge_json(*s.discharge).dump();
    }
  } catch (const json::exception& e) {  // invalid UTF-8: refused, never altered
    return core::fail(core::ErrorCode::Validation, "session: cannot store the discharge ({})",
                      e.what());
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO sessions (patient_id, course_id, course_session_number, dose_record_id, route, "
      "dose_mg_per_kg, dose_mg, started_at, ended_at, discharge_json, notes, recorded_by, "
      "recorded_at, dose_ended_at, stock_lot_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11, $12, $13, $14, $15) RETURNING id",
      {sql::integer(s.patient.value()), s.course ? sql::integer(s.course->value()) : sql::null(),
       s.course_session_number ? sql::integer(*s.course_session_number) : sql::null(),
       s.dose_record ? sql::integer(s.dose_record->value()) : sql::null(),
       sql::text(pd::route_name(s.route)), sql::real(s.dose_per_kg.value()),
       sql::real(s.dose.value()), timestamp(s.started_at), timestamp(s.ended_at),
       discharge ? sql::text(*discharge) : sql::null(), sql::text(s.notes),
       sql::text(s.recorded_by), timestamp(s.recorded_at),
       s.dose_ended_at ? timestamp(*s.dose_ended_at) : sql::null(),
       s.stock_lot ? sql::integer(s.stock_lot->value()) : sql::null()},
      {sql::Type::Integer}));
  const std::int64_t id = row->integer(0);

  std::int64_t position = 0;
  for (const auto& v : s.vitals) {
    KETAPATH_TRY(c.execute(
        "INSERT INTO session_vitals (session_id, position, measured_at, phase, systolic_mmhg, "
        "diastolic_mmhg, heart_rate_bpm, spo2_percent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {sql::integer(id), sql::integer(++position), timestamp(v.measured_at),
         sql::text(clinic::to_string(v.phase)), optional_quantity(v.systolic),
         optional_quantity(v.diastolic), optional_quantity(v.heart_rate),
         sql::optional_value(v.spo2_percent)}));
  }
  position = 0;
  for (const auto& r : s.ratings) {
    KETAPATH_TRY(c.execute(
        "INSERT INTO session_ratings (session_id, position, scale, rated_at, items_json, total, "
        "rater) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {sql::integer(id), sql::integer(++position), sql::text(pd::scale_record_name(r.scale)),
         timestamp(r.rated_at), sql::text(json(r.items).dump()), sql::integer(r.total),
         sql::text(r.rater)}));
  }
  if (s.checklist || s.double_check) {  // what was checked before the dose (schema 15)
    std::optional<std::string> checklist;
    try {
      if (s.checklist) {
        checklist = clinic::to_json(*s.checklist).dump();
      }
    } catch (const json::exception& e) {  // invalid UTF-8: refused, never altered
      return core::fail(core::ErrorCode::Validation, "session: cannot store the checklist ({})",
                        e.what());
    }
    KETAPATH_TRY(c.execute(
        "INSERT INTO session_pre_dose (session_id, checklist_json, double_check_id, checked_by) "
        "VALUES ($1, $2, $3, $4)",
        {sql::integer(id), checklist ? sql::text(*checklist) : sql::null(),
         s.double_check ? sql::integer(s.double_check->value()) : sql::null(),
         sql::text(s.checked_by)}));
  }
  position = 0;
  for (const auto& e : s.adverse_events) {
    KETAPATH_TRY(c.execute(
        "INSERT INTO session_adverse_events (session_id, position, onset_at, description, "
        "severity, action, resolved, serious, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9)",
        {sql::integer(id), sql::integer(++position), timestamp(e.onset_at),
         sql::text(e.description), sql::text(clinic::to_string(e.severity)), sql::text(e.action),
         boolean(e.resolved), boolean(e.serious), sql::text(e.outcome)}));
  }
  return clinic::SessionId(id);
}

core::Result<clinic::Session> SqlSessions::load(const sql::Row& row) {
  auto& c = *state_.connection;
  clinic::Session s;
  s.id = clinic::SessionId(row.integer(0));
  s.patient = clinic::PatientId(row.integer(1));
  if (auto v = row.optional_integer(2)) {
    s.course = clinic::CourseId(*v);
  }
  if (auto v = row.optional_integer(3)) {
    s.course_session_number = static_cast<int>(*v);
  }
  if (auto v = row.optional_integer(4)) {
    s.dose_record = clinic::DoseRecordId(*v);
  }
  s.route = KETAPATH_TRY(read_enum(row, 5, "sessions.route", clinic::parse_clinic_route));
  s.dose_per_kg = core::MilligramsPerKilogram(row.real(6));
  s.dose = core::Milligrams(row.real(7));
  s.started_at = KETAPATH_TRY(read_timestamp(row, 8, "sessions.started_at"));
  s.ended_at = KETAPATH_TRY(read_timestamp(row, 9, "sessions.ended_at"));
  if (!row.is_null(10)) {
    s.discharge = KETAPATH_TRY(read_stored_discharge(row.text(10)));
  }
  s.notes = row.text(11);
  s.recorded_by = row.text(12);
  s.recorded_at = KETAPATH_TRY(read_timestamp(row, 13, "sessions.recorded_at"));
  if (!row.is_null(14)) {
    s.dose_ended_at = KETAPATH_TRY(read_timestamp(row, 14, "sessions.dose_ended_at"));
  }
  if (auto v = row.optional_integer(15)) {
    s.stock_lot = clinic::StockLotId(*v);
  }
  const std::vector<sql::Value> key = {sql::integer(s.id.value())};

  auto vitals = KETAPATH_TRY(c.query(
      "SELECT measured_at, phase, systolic_mmhg, diastolic_mmhg, heart_rate_bpm, spo2_percent "
      "FROM session_vitals WHERE session_id = $1 ORDER BY position",
      key,
      {sql::Type::Text, sql::Type::Text, sql::Type::Real, sql::Type::Real, sql::Type::Real,
       sql::Type::Real}));
  for (const auto& v : vitals) {
    clinic::VitalSigns signs;
    signs.measured_at = KETAPATH_TRY(read_timestamp(v, 0, "session_vitals.measured_at"));
    signs.phase = KETAPATH_TRY(read_enum(v, 1, "session_vitals.phase", clinic::parse_phase));
    if (auto x = v.optional_real(2)) {
      signs.systolic = core::MillimetresOfMercury(*x);
    }
    if (auto x = v.optional_real(3)) {
      signs.diastolic = core::MillimetresOfMercury(*x);
    }
    if (auto x = v.optional_real(4)) {
      signs.heart_rate = core::BeatsPerMinute(*x);
    }
    signs.spo2_percent = v.optional_real(5);
    s.vitals.push_back(signs);
  }
  auto ratings = KETAPATH_TRY(c.query(
      "SELECT scale, rated_at, items_json, total, rater FROM session_ratings "
      "WHERE session_id = $1 ORDER BY position",
      key,
      {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Integer, sql::Type::Text}));
  for (const auto& r : ratings) {
    clinic::ScaleRating rating;
    rating.scale = KETAPATH_TRY(read_enum(r, 0, "session_ratings.scale", clinic::parse_scale));
    rating.rated_at = KETAPATH_TRY(read_timestamp(r, 1, "session_ratings.rated_at"));
    try {
      rating.items = json::parse(r.text(2)).get<std::vector<int>>();
    } catch (const json::exception& e) {
      return core::fail(core::ErrorCode::Storage,
                        "store: session_ratings.items_json: stored value cannot be read back ({})",
                        e.what());
    }
    rating.total = static_cast<int>(r.integer(3));
    rating.rater = r.text(4);
    s.ratings.push_back(std::move(rating));
  }
  auto events = KETAPATH_TRY(
      c.query("SELECT onset_at, description, severity, action, resolved, serious, outcome "
              "FROM session_adverse_events WHERE session_id = $1 ORDER BY position",
              key,
              {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
               sql::Type::Integer, sql::Type::Integer, sql::Type::Text}));
  for (const auto& e : events) {
    clinic::AdverseEvent event;
    event.onset_at = KETAPATH_TRY(read_timestamp(e, 0, "session_adverse_events.onset_at"));
    event.description = e.text(1);
    event.severity =
        KETAPATH_TRY(read_enum(e, 2, "session_adverse_events.severity", clinic::parse_severity));
    event.action = e.text(3);
    event.resolved = e.integer(4) != 0;
    event.serious = e.integer(5) != 0;
    event.outcome = e.text(6);
    s.adverse_events.push_back(std::move(event));
  }
  auto pre_dose = KETAPATH_TRY(
      c.query_one("SELECT checklist_json, double_check_id, checked_by FROM session_pre_dose "
                  "WHERE session_id = $1",
                  key, {sql::Type::Text, sql::Type::Integer, sql::Type::Text}));
  if (pre_dose) {
    constexpr std::string_view kColumn = "session_pre_dose.checklist_json";
    if (!pre_dose->is_null(0)) {
      auto j = clinic::parse_json(pre_dose->text(0), kColumn);
      if (!j) {
        return std::unexpected(corrupt(kColumn, j.error()));
      }
      auto checklist = clinic::checklist_from_json(*j, kColumn);
      if (!checklist) {
        return std::unexpected(corrupt(kColumn, checklist.error()));
      }
      s.checklist = std::move(*checklist);
    }
    if (auto v = pre_dose->optional_integer(1)) {
      s.double_check = clinic::OrderCheckId(*v);
    }
    s.checked_by = pre_dose->text(2);
  }
  const auto amendments =
      KETAPATH_TRY(amendments_of(c, clinic::AmendedKind::Session, "record_id", s.id.value()));
  KETAPATH_TRY(clinic::apply_amendments(s, amendments));
  return s;
}

core::Result<clinic::Session> SqlSessions::get(clinic::SessionId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "session {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::Session>> SqlSessions::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("{} WHERE patient_id = $1 ORDER BY started_at, id", kSelect),
      {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::Session> sessions;
  for (const auto& row : rows) {
    sessions.push_back(KETAPATH_TRY(load(row)));
  }
  return sessions;
}

}  // namespace ketapath::store::repositories
