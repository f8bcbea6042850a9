#include "clinic/domain/course.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

constexpr std::string_view kSelect =
    "SELECT id, patient_id, protocol, start_on, status, notes, created_at, created_by, "
    "status_reason, overlap_reason FROM courses";
const std::vector<sql::Type> kColumns = {
    sql::Type::Integer, sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text,
    sql::Type::Text,    sql::Type::Text,    sql::Type::Text, sql::Type::Text, sql::Type::Text};

std::vector<sql::Value> planned_values(const clinic::PlannedSession& s) {
  return {sql::text(clinic::format_date(s.planned_on)),
          sql::text(pd::route_name(s.route)),
          sql::real(s.dose.value()),
          s.duration ? sql::real(s.duration->value()) : sql::null(),
          sql::text(clinic::to_string(s.status)),
          s.actual_on ? date(*s.actual_on) : sql::null(),
          s.session ? sql::integer(s.session->value()) : sql::null(),
          sql::text(s.note)};
}

core::Status check_session(sql::Connection& c, const clinic::PlannedSession& s) {
  if (s.session) {
    return require_row(c, "sessions", "session", s.session->value());
  }
  return {};
}

}  // namespace

core::Result<clinic::Course> SqlCourses::load(const sql::Row& row) {
  clinic::Course course;
  course.id = clinic::CourseId(row.integer(0));
  course.patient = clinic::PatientId(row.integer(1));
  course.protocol =
      KETAPATH_TRY(read_enum(row, 2, "courses.protocol", clinic::parse_course_protocol));
  course.start = KETAPATH_TRY(read_date(row, 3, "courses.start_on"));
  course.status = KETAPATH_TRY(read_enum(row, 4, "courses.status", clinic::parse_course_status));
  course.notes = row.text(5);
  course.created_at = KETAPATH_TRY(read_timestamp(row, 6, "courses.created_at"));
  course.created_by = row.text(7);
  course.status_reason = row.text(8);
  course.overlap_reason = row.text(9);
  auto planned = KETAPATH_TRY(state_.connection->query(
      "SELECT number, planned_on, route, dose_mg_per_kg, duration_min, status, actual_on, "
      "session_id, note FROM course_sessions WHERE course_id = $1 ORDER BY position",
      {sql::integer(course.id.value())},
      {sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Real, sql::Type::Real,
       sql::Type::Text, sql::Type::Text, sql::Type::Integer, sql::Type::Text}));
  for (const auto& p : planned) {
    clinic::PlannedSession s;
    s.number = static_cast<int>(p.integer(0));
    s.planned_on = KETAPATH_TRY(read_date(p, 1, "course_sessions.planned_on"));
    s.route = KETAPATH_TRY(read_enum(p, 2, "course_sessions.route", clinic::parse_clinic_route));
    s.dose = core::MilligramsPerKilogram(p.real(3));
    if (auto v = p.optional_real(4)) {
      s.duration = core::Minutes(*v);
    }
    s.status =
        KETAPATH_TRY(read_enum(p, 5, "course_sessions.status", clinic::parse_planned_status));
    s.actual_on = KETAPATH_TRY(read_optional_date(p, 6, "course_sessions.actual_on"));
    if (auto v = p.optional_integer(7)) {
      s.session = clinic::SessionId(*v);
    }
    s.note = p.text(8);
    course.sessions.push_back(s);
  }
  return course;
}

core::Result<clinic::CourseId> SqlCourses::add(const clinic::Course& course) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", course.patient.value()));
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO courses (patient_id, protocol, start_on, status, notes, created_at, "
      "created_by, status_reason, overlap_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING id",
      {sql::integer(course.patient.value()), sql::text(clinic::to_string(course.protocol)),
       date(course.start), sql::text(clinic::to_string(course.status)), sql::text(course.notes),
       timestamp(course.created_at), sql::text(course.created_by), sql::text(course.status_reason),
       sql::text(course.overlap_reason)},
      {sql::Type::Integer}));
  const std::int64_t id = row->integer(0);
  std::int64_t position = 0;
  for (const auto& s : course.sessions) {
    KETAPATH_TRY(check_session(c, s));
    auto values = planned_values(s);
    values.insert(values.begin(),
                  {sql::integer(id), sql::integer(s.number), sql::integer(++position)});
    KETAPATH_TRY(
        c.execute("INSERT INTO course_sessions (course_id, number, position, planned_on, route, "
                  "dose_mg_per_kg, duration_min, status, actual_on, session_id, note) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                  values));
  }
  return clinic::CourseId(id);
}

core::Result<clinic::Course> SqlCourses::get(clinic::CourseId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "course {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::Course>> SqlCourses::list_for_patient(clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(fmt::format("{} WHERE patient_id = $1 ORDER BY id", kSelect),
                               {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::Course> courses;
  for (const auto& row : rows) {
    courses.push_back(KETAPATH_TRY(load(row)));
  }
  return courses;
}

core::Status SqlCourses::update_planned_session(clinic::CourseId course,
                                                const clinic::PlannedSession& session) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "courses", "course", course.value()));
  auto existing = KETAPATH_TRY(c.query_one(
      "SELECT number FROM course_sessions WHERE course_id = $1 AND number = $2",
      {sql::integer(course.value()), sql::integer(session.number)}, {sql::Type::Integer}));
  if (!existing) {
    return core::fail(core::ErrorCode::NotFound, "course {} planned session {} not found",
                      course.value(), session.number);
  }
  KETAPATH_TRY(check_session(c, session));
  auto values = planned_values(session);
  values.push_back(sql::integer(course.value()));
  values.push_back(sql::integer(session.number));
  return c.execute(
      "UPDATE course_sessions SET planned_on = $1, route = $2, dose_mg_per_kg = $3, "
      "duration_min = $4, status = $5, actual_on = $6, session_id = $7, note = $8 "
      "WHERE course_id = $9 AND number = $10",
      values);
}

core::Status SqlCourses::set_status(clinic::CourseId course, clinic::CourseStatus status,
                                    std::string_view reason) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "courses", "course", course.value()));
  return c.execute(
      "UPDATE courses SET status = $1, status_reason = $2 WHERE id = $3",
      {sql::text(clinic::to_string(status)), sql::text(reason), sql::integer(course.value())});
}

}  // namespace ketapath::store::repositories
