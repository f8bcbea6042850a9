// The route table and its handlers (routes.h). Each handler reads the request into domain values,
// calls ClinicService once, and writes the clinic's one JSON form (clinic/json.h).

#include "server/routes.h"

#include <charconv>
#include <cmath>

#include "clinic/fhir/fhir_export.h"
#include "clinic/json/json.h"
#include "clinic/json/json_reader.h"
#include "clinic/pdf/letter_pdf.h"
#include "clinic/service/custody_report.h"
#include "clinic/service/forecast.h"
#include "clinic/service/report.h"
#include "clinic/service/session_forecast.h"
#include "core/check.h"
#include "core/svg.h"
#include "server/http_error.h"
#include "server/server_state.h"

namespace ketapath::server {
namespace {

using clinic::Role;
using clinic::detail::JsonReader;
using core::ErrorCode;

// Who may do what over HTTP (issue 11 "Roles"). Clinical detail is for the clinical roles and
// the auditor; the front desk sees demographics and the consultation queue only.
const std::vector<Role> kClinicalReaders = {Role::Admin, Role::Prescriber, Role::Nurse,
                                            Role::Auditor};
const std::vector<Role> kRegistrars = {Role::Prescriber, Role::Nurse, Role::FrontDesk};
const std::vector<Role> kDemographicsReaders = {Role::Admin, Role::Prescriber, Role::Nurse,
                                                Role::FrontDesk, Role::Auditor};
const std::vector<Role> kCarers = {Role::Prescriber, Role::Nurse};
const std::vector<Role> kPrescribers = {Role::Prescriber};
const std::vector<Role> kAdmins = {Role::Admin};
const std::vector<Role> kOverseers = {Role::Admin, Role::Auditor};
const std::vector<Role> kCustodyReaders = {Role::Admin, Role::Prescriber, Role::Auditor};

core::Result<std::int64_t> id_param(const Request& r, std::size_t index, std::string_view what) {
  const std::string& text = r.params.at(index);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return core::fail(ErrorCode::NotFound, "{} {} not found", what, text.substr(0, 24));
  }
  return value;
}

core::Result<clinic::PatientId> patient_param(const Request& r) {
  return clinic::PatientId(KETAPATH_TRY(id_param(r, 0, "patient")));
}

template <class Parse>
auto parse_field(JsonReader& in, std::string_view key, Parse parse)
    -> decltype(parse(std::string_view{})) {
  const std::string text = KETAPATH_TRY(in.required(in.string(key), key));
  auto value = parse(text);
  if (!value) {
    return std::unexpected(core::with_context(value.error(), in.at(key)));
  }
  return value;
}

core::Result<JsonReader> body(const Request& r) {
  return JsonReader::open(r.body, "body");
}

template <class T>
Json array_of(const std::vector<T>& items) {
  Json out = Json::array();
  for (const auto& item : items) {
    out.push_back(clinic::to_json(item));
  }
  return out;
}

Reply ok(Json body, int status = 200) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

core::Result<clinic::Date> date_or_today(Request& r, JsonReader& in, std::string_view key) {
  if (auto d = KETAPATH_TRY(in.date(key))) {
    return *d;
  }
  return clinic::day_of(r.clinic.now());
}

/// The ?date=YYYY-MM-DD of a GET, or the server's UTC day when absent.
core::Result<clinic::Date> query_date_or_today(const Request& r) {
  if (const auto on = r.query("date")) {
    return clinic::parse_date(*on, "date");
  }
  return clinic::day_of(r.clinic.now());
}

std::string cookie(std::string_view value, bool tls, std::int64_t max_age) {
  return fmt::format("{}={}; Path=/api/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                     value, max_age, tls ? "; Secure" : "");
}

Json user_json(const clinic::User& u, std::string_view session_id) {
  Json j = clinic::to_json(u);
  if (!session_id.empty()) {
    j["csrf_token"] = clinic::csrf_token_for(session_id);
  }
  return j;
}

// --- sign-in -----------------------------------------------------------------------------------

/// 429 while this client address is slowed down after failed attempts (sign-in and setup).
std::optional<Reply> refused_while_slowed(const Request& r, std::string_view what) {
  const auto wait = r.state->sign_in_wait(r.client);
  if (!wait) {
    return std::nullopt;
  }
  Reply reply;
  reply.status = 429;
  reply.body = error_body(rate_limited(fmt::format(
      "{}: too many failed attempts from this address; wait {} s", what, wait->count())));
  return reply;
}

/// 401 for a wrong password or token; the failure counts towards the client's slow-down.
Reply refused_credentials(Request& r, const core::Error& error) {
  r.state->sign_in_failed(r.client);
  Reply reply;
  reply.status = 401;
  reply.body = error_body(unauthenticated(error.message));
  return reply;
}

core::Result<Reply> sign_in(Request& r) {
  auto in = KETAPATH_TRY(body(r));
  const std::string user = KETAPATH_TRY(in.required(in.string("user"), "user"));
  const std::string password = KETAPATH_TRY(in.required(in.string("password"), "password"));
  KETAPATH_TRY(in.finish());
  if (auto refused = refused_while_slowed(r, "sign-in")) {
    return *refused;
  }
  auto signed_in = r.clinic.sign_in(user, password, r.client);
  if (!signed_in) {
    if (signed_in.error().code == ErrorCode::Unauthorized) {
      return refused_credentials(r, signed_in.error());
    }
    return std::unexpected(signed_in.error());
  }
  r.state->sign_in_succeeded(r.client);
  const auto acting = r.clinic.acting_as(signed_in->user);
  Reply reply;
  reply.body = {{"user", signed_in->user},
                {"csrf_token", signed_in->csrf_token},
                {"expires_at", clinic::format_timestamp(signed_in->expires_at)}};
  reply.set_cookies.push_back(
      cookie(signed_in->session_id, r.tls,
             std::chrono::duration_cast<std::chrono::seconds>(r.clinic.sign_in_policy().absolute)
                 .count()));
  return reply;
}

core::Result<Reply> setup(Request& r) {
  auto in = KETAPATH_TRY(body(r));
  const std::string token = KETAPATH_TRY(in.required(in.string("token"), "token"));
  const std::string password = KETAPATH_TRY(in.required(in.string("password"), "password"));
  KETAPATH_TRY(in.finish());
  if (auto refused = refused_while_slowed(r, "setup")) {
    return *refused;
  }
  auto user = r.clinic.redeem_setup_token(token, password);
  if (!user && user.error().code == ErrorCode::Unauthorized) {
    return refused_credentials(r, user.error());
  }
  if (!user) {
    return std::unexpected(user.error());
  }
  return ok({{"user", user->name}, {"password_set", true}});
}

core::Result<Reply> sign_out(Request& r) {
  KETAPATH_TRY(r.clinic.sign_out(r.session_id));
  Reply reply = ok({{"signed_out", true}});
  reply.set_cookies.push_back(cookie("", r.tls, 0));
  return reply;
}

core::Result<Reply> me(Request& r) {
  const clinic::User u = KETAPATH_TRY(r.clinic.authorize(clinic::Permission::ReadDemographics));
  return ok(user_json(u, r.session_id));
}

core::Result<Reply> health(Request& /*r*/) {
  return ok({{"status", "ok"}});
}

core::Result<Reply> openapi(Request& r) {
  Reply reply;
  reply.text = std::string(r.state->openapi());
  return reply;
}

// --- patients ----------------------------------------------------------------------------------

core::Result<Reply> list_patients(Request& r) {
  Json out = Json::array();
  for (const auto& p : KETAPATH_TRY(r.clinic.patients())) {
    // Demographics only: the list is also the front desk's.
    out.push_back({{"id", p.id.value()},
                   {"name", p.name},
                   {"birth_date", clinic::format_date(p.birth_date)},
                   {"sex", pd::sex_name(p.sex)}});
  }
  return ok({{"patients", out}});
}

core::Result<Reply> add_patient(Request& r) {
  auto in = KETAPATH_TRY(body(r));
  clinic::Patient p;
  p.name = KETAPATH_TRY(in.required(in.string("name"), "name"));
  p.birth_date = KETAPATH_TRY(in.required(in.date("birth_date"), "birth_date"));
  p.sex = KETAPATH_TRY(parse_field(in, "sex", clinic::parse_sex));
  if (const auto kg = KETAPATH_TRY(in.number("weight_kg"))) {
    clinic::WeightRecord w;
    w.weight = core::Kilograms(*kg);
    w.measured_on = KETAPATH_TRY(date_or_today(r, in, "weighed_on"));
    w.estimated = KETAPATH_TRY(in.boolean("weight_estimated")).value_or(false);
    p.weights.push_back(w);
  }
  KETAPATH_TRY(in.finish());
  const auto id = KETAPATH_TRY(r.clinic.add_patient(p));
  return ok({{"id", id.value()}}, 201);
}

core::Result<Reply> get_patient(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.patient(id))));
}

core::Result<Reply> add_weight(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  clinic::WeightRecord w;
  w.weight = core::Kilograms(KETAPATH_TRY(in.required(in.number("weight_kg"), "weight_kg")));
  w.measured_on = KETAPATH_TRY(date_or_today(r, in, "measured_on"));
  w.estimated = KETAPATH_TRY(in.boolean("estimated")).value_or(false);
  KETAPATH_TRY(in.finish());
  const auto result = KETAPATH_TRY(r.clinic.add_weight(id, w));
  return ok({{"weight", clinic::to_json(w)}, {"warnings", result.warnings}}, 201);
}

// --- consent, screening, clearance --------------------------------------------------------------

core::Result<Reply> list_consents(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto consents = KETAPATH_TRY(r.clinic.consents(id));
  return ok({{"consents", array_of(consents)}});
}

core::Result<Reply> add_consent(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  const auto on = KETAPATH_TRY(date_or_today(r, in, "consented_on"));
  const std::string version = KETAPATH_TRY(in.required(in.string("form_version"), "form_version"));
  const std::string witness = KETAPATH_TRY(in.required(in.string("witness"), "witness"));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.record_consent(id, on, version, witness))), 201);
}

core::Result<Reply> list_screenings(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto screenings = KETAPATH_TRY(r.clinic.screenings(id));
  return ok({{"screenings", array_of(screenings)}});
}

core::Result<Reply> add_screening(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto input = KETAPATH_TRY(clinic::screening_answers_from_json(r.body, "body"));
  clinic::ScreeningChoices choices;
  if (const auto on = r.query("screened_on")) {
    choices.screened_on = KETAPATH_TRY(clinic::parse_date(*on, "screened_on"));
  }
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.screen(id, input, choices))), 201);
}

core::Result<Reply> preview_screening(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto input = KETAPATH_TRY(clinic::screening_answers_from_json(r.body, "body"));
  clinic::ScreeningChoices choices;
  if (const auto on = r.query("screened_on")) {
    choices.screened_on = KETAPATH_TRY(clinic::parse_date(*on, "screened_on"));
  }
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.preview_screening(id, input, choices))));
}

core::Result<Reply> add_diagnosis(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  clinic::Diagnosis d;
  d.disorder = KETAPATH_TRY(parse_field(in, "disorder", clinic::parse_disorder));
  d.icd10 = KETAPATH_TRY(in.required(in.string("icd10"), "icd10"));
  d.diagnosed_on = KETAPATH_TRY(date_or_today(r, in, "diagnosed_on"));
  d.primary = KETAPATH_TRY(in.boolean("primary")).value_or(false);
  KETAPATH_TRY(in.finish());
  KETAPATH_TRY(r.clinic.add_diagnosis(id, d));
  return ok(clinic::to_json(d), 201);
}

core::Result<Reply> add_treatment_history(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto trials = KETAPATH_TRY(clinic::treatment_history_from_json(r.body, "body"));
  KETAPATH_TRY(r.clinic.add_treatment_trials(id, trials));
  return ok({{"treatment_history", array_of(trials)}}, 201);
}

core::Result<Reply> clear_screening(Request& r) {
  const auto id = clinic::ScreeningId(KETAPATH_TRY(id_param(r, 0, "screening")));
  auto in = KETAPATH_TRY(body(r));
  const std::string reason = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.clear_screening(id, reason))), 201);
}

core::Result<Reply> get_clearance(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const clinic::Date day = KETAPATH_TRY(query_date_or_today(r));
  auto basis = r.clinic.clearance(id, day);
  if (!basis && basis.error().code == ErrorCode::Validation) {
    return ok({{"cleared", false}, {"reason", basis.error().message}});
  }
  Json j = clinic::to_json(KETAPATH_TRY(std::move(basis)));
  return ok({{"cleared", true}, {"basis", j}});
}

// --- doses -------------------------------------------------------------------------------------

core::Result<clinic::DoseOrder> dose_order(Request& r) {
  clinic::DoseOrder order;
  order.patient = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  order.route = KETAPATH_TRY(parse_field(in, "route", clinic::parse_clinic_route));
  order.dose = core::MilligramsPerKilogram(
      KETAPATH_TRY(in.required(in.number("dose_mg_per_kg"), "dose_mg_per_kg")));
  if (const auto m = KETAPATH_TRY(in.number("duration_min"))) {
    order.duration = core::Minutes(*m);
  }
  if (const auto c = KETAPATH_TRY(in.number("concentration_mg_per_ml"))) {
    order.concentration = core::MilligramsPerMillilitre(*c);
  }
  order.override_reason = KETAPATH_TRY(in.string("override_reason")).value_or("");
  order.on = KETAPATH_TRY(date_or_today(r, in, "date"));
  order.valid_until = KETAPATH_TRY(in.date("valid_until"));
  if (const auto c = KETAPATH_TRY(in.integer("course"))) {
    order.course = clinic::CourseId(*c);
  }
  KETAPATH_TRY(in.finish());
  return order;
}

core::Result<Reply> preview_dose(Request& r) {
  const auto order = KETAPATH_TRY(dose_order(r));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.preview_dose(order))));
}

core::Result<Reply> order_dose(Request& r) {
  const auto order = KETAPATH_TRY(dose_order(r));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.calculate_dose(order))), 201);
}

core::Result<Reply> list_doses(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto doses = KETAPATH_TRY(r.clinic.doses(id));
  return ok({{"doses", array_of(doses)}});
}

// --- orders: double check, checklist waivers, discontinue (clinic/domain/order.h) ------------

core::Result<Reply> record_double_check(Request& r) {
  const auto id = clinic::DoseRecordId(KETAPATH_TRY(id_param(r, 0, "order")));
  auto in = KETAPATH_TRY(body(r));
  const double weight = KETAPATH_TRY(in.required(in.number("weight_kg"), "weight_kg"));
  const double dose = KETAPATH_TRY(in.required(in.number("dose_mg"), "dose_mg"));
  const auto day = KETAPATH_TRY(date_or_today(r, in, "date"));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.record_double_check(
                id, day, core::Kilograms(weight), core::Milligrams(dose)))),
            201);
}

core::Result<Reply> waive_checklist_item(Request& r) {
  const auto id = clinic::DoseRecordId(KETAPATH_TRY(id_param(r, 0, "order")));
  auto in = KETAPATH_TRY(body(r));
  const auto item = KETAPATH_TRY(parse_field(in, "item", clinic::parse_checklist_item));
  const std::string why = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  const auto day = KETAPATH_TRY(date_or_today(r, in, "date"));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.waive_checklist_item(id, day, item, why))), 201);
}

core::Result<Reply> list_order_checks(Request& r) {
  const auto id = clinic::DoseRecordId(KETAPATH_TRY(id_param(r, 0, "order")));
  const auto checks = KETAPATH_TRY(r.clinic.order_checks(id));
  return ok({{"checks", array_of(checks)}});
}

// --- courses -----------------------------------------------------------------------------------

Json course_json(const clinic::Course& c) {
  Json j = clinic::to_json(c);
  j["messages"] = c.messages;
  return j;
}

core::Result<Reply> list_courses(Request& r) {
  Json out = Json::array();
  const auto id = KETAPATH_TRY(patient_param(r));
  for (const auto& c : KETAPATH_TRY(r.clinic.courses(id))) {
    out.push_back(course_json(c));
  }
  return ok({{"courses", out}});
}

core::Result<Reply> plan_course(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  const auto protocol = KETAPATH_TRY(parse_field(in, "protocol", clinic::parse_course_protocol));
  const auto start = KETAPATH_TRY(in.required(in.date("start"), "start"));
  clinic::CoursePlanOptions options;
  if (const auto route = KETAPATH_TRY(in.string("route"))) {
    options.route = KETAPATH_TRY(clinic::parse_clinic_route(*route));
  }
  if (const auto d = KETAPATH_TRY(in.number("dose_mg_per_kg"))) {
    options.dose = core::MilligramsPerKilogram(*d);
  }
  if (const auto m = KETAPATH_TRY(in.number("duration_min"))) {
    options.duration = core::Minutes(*m);
  }
  if (const auto n = KETAPATH_TRY(in.integer("loading_per_week"))) {
    options.loading_per_week = static_cast<int>(*n);
  }
  if (const auto n = KETAPATH_TRY(in.integer("weeks"))) {
    options.weeks = static_cast<int>(*n);
  }
  options.allow_overlap_reason = KETAPATH_TRY(in.string("allow_overlap_reason")).value_or("");
  const std::string notes = KETAPATH_TRY(in.string("notes")).value_or("");
  KETAPATH_TRY(in.finish());
  return ok(course_json(KETAPATH_TRY(r.clinic.plan_course(id, protocol, start, options, notes))),
            201);
}

core::Result<Reply> get_course(Request& r) {
  const auto id = clinic::CourseId(KETAPATH_TRY(id_param(r, 0, "course")));
  return ok(course_json(KETAPATH_TRY(r.clinic.course(id))));
}

core::Result<std::string> reason(Request& r, bool required) {
  auto in = KETAPATH_TRY(body(r));
  auto text = KETAPATH_TRY(in.string("reason"));
  KETAPATH_TRY(in.finish());
  if (required && !text) {
    return core::fail(ErrorCode::InvalidData, "body.reason: is required");
  }
  return text.value_or("");
}

core::Result<Reply> discontinue_order(Request& r) {
  const auto id = clinic::DoseRecordId(KETAPATH_TRY(id_param(r, 0, "order")));
  const std::string why = KETAPATH_TRY(reason(r, true));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.discontinue_order(id, why))));
}

core::Result<Reply> complete_course(Request& r) {
  const auto id = clinic::CourseId(KETAPATH_TRY(id_param(r, 0, "course")));
  const std::string why = KETAPATH_TRY(reason(r, false));
  return ok(course_json(KETAPATH_TRY(r.clinic.complete_course(id, why))));
}

core::Result<Reply> cancel_course(Request& r) {
  const auto id = clinic::CourseId(KETAPATH_TRY(id_param(r, 0, "course")));
  const std::string why = KETAPATH_TRY(reason(r, true));
  return ok(course_json(KETAPATH_TRY(r.clinic.cancel_course(id, why))));
}

core::Result<Reply> reschedule(Request& r) {
  const auto id = clinic::CourseId(KETAPATH_TRY(id_param(r, 0, "course")));
  const auto number = KETAPATH_TRY(id_param(r, 1, "planned session"));
  auto in = KETAPATH_TRY(body(r));
  const auto to = KETAPATH_TRY(in.required(in.date("to"), "to"));
  const std::string why = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  KETAPATH_TRY(in.finish());
  return ok(course_json(
      KETAPATH_TRY(r.clinic.reschedule_session(id, static_cast<int>(number), to, why))));
}

core::Result<Reply> skip(Request& r) {
  const auto id = clinic::CourseId(KETAPATH_TRY(id_param(r, 0, "course")));
  const auto number = KETAPATH_TRY(id_param(r, 1, "planned session"));
  const std::string why = KETAPATH_TRY(reason(r, true));
  return ok(course_json(KETAPATH_TRY(r.clinic.skip_session(id, static_cast<int>(number), why))));
}

// --- sessions, assessments, alerts, response --------------------------------------------------

core::Result<Reply> list_sessions(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto sessions = KETAPATH_TRY(r.clinic.sessions(id));
  return ok({{"sessions", array_of(sessions)}});
}

core::Result<Reply> record_session(Request& r) {
  auto session = KETAPATH_TRY(clinic::session_from_json(r.body, "body"));
  const auto result = KETAPATH_TRY(r.clinic.record_session(std::move(session)));
  return ok({{"session", clinic::to_json(result.session)},
             {"alerts", array_of(result.alerts)},
             {"warnings", result.warnings}},
            201);
}

core::Result<Reply> preview_session(Request& r) {
  auto session = KETAPATH_TRY(clinic::session_from_json(r.body, "body"));
  const auto result = KETAPATH_TRY(r.clinic.preview_session(std::move(session)));
  return ok({{"session", clinic::to_json(result.session)},
             {"alerts", array_of(result.alerts)},
             {"warnings", result.warnings}});
}

core::Result<Reply> list_assessments(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto assessments = KETAPATH_TRY(r.clinic.assessments(id));
  return ok({{"assessments", array_of(assessments)}});
}

core::Result<Reply> record_assessment(Request& r) {
  clinic::Assessment a;
  a.patient = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  a.rating.scale = KETAPATH_TRY(parse_field(in, "scale", clinic::parse_scale));
  const Json* items = in.child("items");
  if (items == nullptr || !items->is_array()) {
    return core::fail(ErrorCode::InvalidData, "body.items: must be an array of integers");
  }
  for (std::size_t i = 0; i < items->size() && i < 200; ++i) {
    if (!(*items)[i].is_number_integer()) {
      return core::fail(ErrorCode::InvalidData, "body.items[{}]: must be an integer", i);
    }
    a.rating.items.push_back((*items)[i].get<int>());
  }
  a.rating.rater = KETAPATH_TRY(in.string("rater")).value_or("self");
  a.rating.rated_at = KETAPATH_TRY(in.timestamp("rated_at")).value_or(r.clinic.now());
  a.notes = KETAPATH_TRY(in.string("notes")).value_or("");
  KETAPATH_TRY(in.finish());
  const auto result = KETAPATH_TRY(r.clinic.record_assessment(a));
  return ok({{"assessment", clinic::to_json(result.assessment)},
             {"alerts", array_of(result.alerts)},
             {"warnings", result.warnings}},
            201);
}

// The medication log (docs/clinic.md "Medications and interactions"): the list on ?date= with
// its warnings, and an entry (start, stop, reconcile).
core::Result<Reply> list_medications(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto on = KETAPATH_TRY(query_date_or_today(r));
  const auto patient = KETAPATH_TRY(r.clinic.patient(id));
  const auto reconciled = clinic::last_reconciled(patient.medications, on);
  return ok({{"on", clinic::format_date(on)},
             {"medications", array_of(clinic::active_medications(patient.medications, on))},
             {"last_reconciled", reconciled ? Json(clinic::format_date(*reconciled)) : Json()},
             {"warnings", clinic::medication_warnings(patient.medications, on)},
             {"log", array_of(patient.medications)}});
}

core::Result<Reply> record_medication(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  clinic::MedicationEntry entry;
  entry.action = KETAPATH_TRY(parse_field(in, "action", clinic::parse_medication_action));
  entry.name = KETAPATH_TRY(in.string("name")).value_or("");
  entry.dose = KETAPATH_TRY(in.string("dose")).value_or("");
  entry.frequency = KETAPATH_TRY(in.string("frequency")).value_or("");
  entry.note = KETAPATH_TRY(in.string("note")).value_or("");
  entry.on = KETAPATH_TRY(date_or_today(r, in, "on"));
  KETAPATH_TRY(in.finish());
  const auto warnings = KETAPATH_TRY(r.clinic.record_medication(id, entry));
  return ok({{"entry", clinic::to_json(entry)}, {"warnings", warnings}}, 201);
}

// Amendments of signed records (docs/clinic.md "Amendments"): body {"changes": [{"field",
// "value"}], "reason"}.
core::Result<Reply> amend(Request& r, clinic::AmendedKind kind) {
  clinic::AmendmentRequest request;
  request.kind = kind;
  request.record = KETAPATH_TRY(id_param(r, 0, std::string(clinic::to_string(kind))));
  auto in = KETAPATH_TRY(body(r));
  const Json* changes = in.child("changes");
  if (changes == nullptr || !changes->is_array()) {
    return core::fail(ErrorCode::InvalidData,
                      "body.changes: must be an array of {{\"field\", \"value\"}}");
  }
  for (std::size_t i = 0; i < changes->size() && i <= 50; ++i) {
    const Json& c = (*changes)[i];
    if (!c.is_object() || c.size() != 2 || !c.contains("field") || !c.contains("value") ||
        !c["field"].is_string() || !c["value"].is_string()) {
      return core::fail(ErrorCode::InvalidData,
                        "body.changes[{}]: must be {{\"field\": text, \"value\": text}}", i);
    }
    request.changes.push_back({c["field"].get<std::string>(), c["value"].get<std::string>()});
  }
  request.reason = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  KETAPATH_TRY(in.finish());
  const auto result = KETAPATH_TRY(r.clinic.amend(std::move(request)));
  Json record = result.session      ? clinic::to_json(*result.session)
                : result.assessment ? clinic::to_json(*result.assessment)
                                    : clinic::to_json(*result.screening);
  return ok({{"amendments", array_of(result.amendments)},
             {"record", std::move(record)},
             {"alerts", array_of(result.alerts)},
             {"warnings", result.warnings}},
            201);
}

core::Result<Reply> list_amendments(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  return ok({{"amendments", array_of(KETAPATH_TRY(r.clinic.amendments(id)))}});
}

core::Result<Reply> open_alerts(Request& r) {
  const auto alerts = KETAPATH_TRY(r.clinic.open_alerts());
  return ok({{"alerts", array_of(alerts)}});
}

/// The browser sends its local day as ?date= (query_date_or_today).
core::Result<Reply> day_schedule(Request& r) {
  const clinic::Date day = KETAPATH_TRY(query_date_or_today(r));
  const auto sessions = KETAPATH_TRY(r.clinic.day_schedule(day));
  return ok({{"date", clinic::format_date(day)}, {"sessions", array_of(sessions)}});
}

core::Result<Reply> patient_alerts(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto alerts = KETAPATH_TRY(r.clinic.alerts(id));
  return ok({{"alerts", array_of(alerts)}});
}

core::Result<Reply> acknowledge(Request& r) {
  const auto id = clinic::AlertId(KETAPATH_TRY(id_param(r, 0, "alert")));
  auto in = KETAPATH_TRY(body(r));
  const std::string note = KETAPATH_TRY(in.required(in.string("note"), "note"));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.acknowledge_alert(id, note))));
}

core::Result<Reply> response(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.response_plan(id))));
}

core::Result<Reply> report(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const std::string format = r.query("format").value_or("html");
  if (format != "html" && format != "markdown" && format != "pdf") {
    return core::fail(ErrorCode::InvalidArgument,
                      "format: must be html, markdown or pdf (got \"{}\")", format.substr(0, 20));
  }
  auto data = KETAPATH_TRY(r.clinic.report_data(id));
  // The letter carries the model-informed maintenance forecast when the server has the model
  // (the query the forecast route uses with its defaults).
  if (r.state != nullptr && r.state->forecast_model) {
    KETAPATH_TRY(clinic::add_forecast(r.clinic, data, *r.state->forecast_model,
                                      {.model_label = r.state->forecast_model_label}));
  }
  Reply reply;
  if (format == "pdf") {
    reply.text = KETAPATH_TRY(clinic::render_report_pdf(data));
    reply.content_type = "application/pdf";
    return reply;
  }
  const bool html = format == "html";
  reply.text = clinic::render_report(
      data, html ? clinic::ReportFormat::Html : clinic::ReportFormat::Markdown);
  reply.content_type = html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
  return reply;
}

// --- model-informed maintenance (clinic/service/forecast.h) -------------------------------------

core::Result<const pd::KetamineModel*> forecast_model(const Request& r) {
  if (r.state == nullptr || !r.state->forecast_model) {
    return core::fail(ErrorCode::Internal, "forecast: the server was started without a model");
  }
  return r.state->forecast_model.get();
}

// ?risk= / "risk" and ?scale= / "scale": the same query as the CLI's (seed: the default, so a
// forecast shown and the accept's recomputation agree).
core::Result<clinic::ForecastQuery> forecast_query(const Request& r, std::optional<double> risk,
                                                   std::optional<std::string> scale) {
  clinic::ForecastQuery q;
  q.model_label = r.state != nullptr ? r.state->forecast_model_label : "";
  if (risk) {
    q.risk = *risk;
  }
  if (scale) {
    q.scale = KETAPATH_TRY(clinic::parse_scale(*scale));
  }
  return q;
}

core::Result<std::optional<double>> query_number(const Request& r, std::string_view key) {
  const auto text = r.query(key);
  if (!text) {
    return std::nullopt;
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || !std::isfinite(value)) {
    return core::fail(ErrorCode::InvalidArgument, "{}: not a number (got \"{}\")", key,
                      text->substr(0, 20));
  }
  return value;
}

core::Result<Reply> get_forecast(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto* model = KETAPATH_TRY(forecast_model(r));
  const std::string format = r.query("format").value_or("json");
  if (format != "json" && format != "svg") {
    return core::fail(ErrorCode::InvalidArgument, "format: must be json or svg (got \"{}\")",
                      format.substr(0, 20));
  }
  const auto risk = KETAPATH_TRY(query_number(r, "risk"));
  const auto query = KETAPATH_TRY(forecast_query(r, risk, r.query("scale")));
  const auto f = KETAPATH_TRY(clinic::forecast(r.clinic, id, *model, query));
  if (format == "svg") {
    Reply reply;
    reply.text = core::render_svg(clinic::forecast_chart(f));
    reply.content_type = "image/svg+xml";
    return reply;
  }
  Json out = clinic::to_json(f);
  out["decisions"] = array_of(KETAPATH_TRY(r.clinic.forecast_decisions(id)));
  return ok(std::move(out));
}

Json outcome_json(const clinic::ForecastOutcome& o) {
  Json out{{"decision", clinic::to_json(o.decision)}};
  out["course"] = o.course ? course_json(*o.course) : Json(nullptr);
  return out;
}

core::Result<Reply> accept_forecast(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto* model = KETAPATH_TRY(forecast_model(r));
  auto in = KETAPATH_TRY(body(r));
  clinic::ForecastAcceptance seen;
  seen.next_date = KETAPATH_TRY(in.required(in.date("next_date"), "next_date"));
  seen.interval_days =
      static_cast<int>(KETAPATH_TRY(in.required(in.integer("interval_days"), "interval_days")));
  if (const auto n = KETAPATH_TRY(in.integer("ratings_used"))) {
    seen.ratings_used = static_cast<int>(*n);
  }
  if (const auto n = KETAPATH_TRY(in.integer("doses_used"))) {
    seen.doses_used = static_cast<int>(*n);
  }
  seen.note = KETAPATH_TRY(in.string("note")).value_or("");
  seen.allow_overlap_reason = KETAPATH_TRY(in.string("allow_overlap_reason")).value_or("");
  seen.above_risk_reason = KETAPATH_TRY(in.string("above_risk_reason")).value_or("");
  const auto risk = KETAPATH_TRY(in.number("risk"));
  const auto scale = KETAPATH_TRY(in.string("scale"));
  KETAPATH_TRY(in.finish());
  const auto query = KETAPATH_TRY(forecast_query(r, risk, scale));
  const auto outcome = KETAPATH_TRY(clinic::accept_forecast(r.clinic, id, *model, query, seen));
  return ok(outcome_json(outcome), 201);
}

core::Result<Reply> reject_forecast(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto* model = KETAPATH_TRY(forecast_model(r));
  auto in = KETAPATH_TRY(body(r));
  const std::string why = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  const auto risk = KETAPATH_TRY(in.number("risk"));
  const auto scale = KETAPATH_TRY(in.string("scale"));
  KETAPATH_TRY(in.finish());
  const auto query = KETAPATH_TRY(forecast_query(r, risk, scale));
  const auto outcome = KETAPATH_TRY(clinic::reject_forecast(r.clinic, id, *model, query, why));
  return ok(outcome_json(outcome), 201);
}

// The PK/PD-aware session (clinic/service/session_forecast.h; `clinic session-forecast --json`):
// ?session=ID (a recorded session: its dose, its vitals against the bands) or a dose to come
// (?route=iv|sc|im, default iv; ?dose_mg_per_kg=, default 0.5; ?duration_min=, IV, default 40).
core::Result<Reply> get_session_forecast(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto* model = KETAPATH_TRY(forecast_model(r));
  clinic::SessionForecastQuery query;
  query.model_label = r.state != nullptr ? r.state->forecast_model_label : "";
  const auto session = r.query("session");
  const auto dose = KETAPATH_TRY(query_number(r, "dose_mg_per_kg"));
  const auto duration = KETAPATH_TRY(query_number(r, "duration_min"));
  const auto route = r.query("route");
  if (session) {
    if (route || dose || duration) {
      return core::fail(ErrorCode::InvalidArgument,
                        "session: a recorded session gives its own dose; leave out route, "
                        "dose_mg_per_kg and duration_min");
    }
    std::int64_t value = 0;
    const auto [end, ec] =
        std::from_chars(session->data(), session->data() + session->size(), value);
    if (ec != std::errc() || end != session->data() + session->size() || value <= 0) {
      return core::fail(ErrorCode::InvalidArgument,
                        "session: must be a session id, a whole number > 0 (got \"{}\")",
                        session->substr(0, 24));
    }
    query.session = clinic::SessionId(value);
  }
  if (route) {
    query.route = KETAPATH_TRY(clinic::parse_clinic_route(*route));
  }
  if (dose) {
    KETAPATH_TRY(core::check_range("dose_mg_per_kg", *dose, "mg/kg", core::positive()));
    query.dose = core::MilligramsPerKilogram(*dose);
  }
  if (duration) {
    KETAPATH_TRY(core::check_range("duration_min", *duration, "min", {.low = 1.0, .high = 480.0}));
    query.duration = core::Minutes(*duration);
  }
  const auto f = KETAPATH_TRY(clinic::forecast_session(r.clinic, id, *model, query));
  return ok(clinic::to_json(f));
}

// FHIR R4 Patient/$everything: the patient's record as a searchset Bundle (docs/fhir.md).
core::Result<Reply> fhir_everything(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto data = KETAPATH_TRY(clinic::fhir_export_data(r.clinic, id));
  Reply reply;
  reply.text = clinic::fhir_searchset(clinic::fhir_bundle(data))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  reply.content_type = "application/fhir+json";
  return reply;
}

core::Result<Reply> list_care_team(Request& r) {
  const auto id = KETAPATH_TRY(patient_param(r));
  const auto care_team = KETAPATH_TRY(r.clinic.care_team(id));
  return ok({{"care_team", array_of(care_team)}});
}

core::Result<Reply> add_care_team(Request& r) {
  clinic::CareTeamMember m;
  m.patient = KETAPATH_TRY(patient_param(r));
  auto in = KETAPATH_TRY(body(r));
  m.role = KETAPATH_TRY(parse_field(in, "role", clinic::parse_care_role));
  m.name = KETAPATH_TRY(in.required(in.string("name"), "name"));
  m.practice = KETAPATH_TRY(in.string("practice")).value_or("");
  m.contact = KETAPATH_TRY(in.string("contact")).value_or("");
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.add_care_team_member(m))), 201);
}

// --- consultation requests ----------------------------------------------------------------------

core::Result<Reply> submit_consultation(Request& r) {
  if (const auto wait = r.state->admit_form(r.client)) {
    Reply reply;
    reply.status = 429;
    reply.body = error_body(rate_limited(
        fmt::format("consultation request: too many requests from this address; try again in {} s",
                    wait->count())));
    return reply;
  }
  const auto form = KETAPATH_TRY(clinic::consultation_request_from_json(r.body, "body"));
  const auto stored = KETAPATH_TRY(r.clinic.submit_consultation_request(form));
  return ok({{"reference", stored.reference}}, 201);  // nothing else goes back to the public
}

core::Result<Reply> list_consultations(Request& r) {
  std::optional<clinic::ConsultationStatus> status;
  if (const auto text = r.query("status")) {
    status = KETAPATH_TRY(clinic::parse_consultation_status(*text));
  }
  const auto consultation_requests = KETAPATH_TRY(r.clinic.consultation_requests(status));
  return ok({{"consultation_requests", array_of(consultation_requests)}});
}

core::Result<Reply> set_consultation_status(Request& r) {
  const auto id =
      clinic::ConsultationRequestId(KETAPATH_TRY(id_param(r, 0, "consultation request")));
  auto in = KETAPATH_TRY(body(r));
  const auto status = KETAPATH_TRY(parse_field(in, "status", clinic::parse_consultation_status));
  const std::string note = KETAPATH_TRY(in.string("note")).value_or("");
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.set_consultation_status(id, status, note))));
}

core::Result<Reply> convert_consultation(Request& r) {
  const auto id =
      clinic::ConsultationRequestId(KETAPATH_TRY(id_param(r, 0, "consultation request")));
  auto in = KETAPATH_TRY(body(r));
  clinic::Patient p;
  p.name = KETAPATH_TRY(in.string("name")).value_or("");
  p.birth_date = KETAPATH_TRY(in.required(in.date("birth_date"), "birth_date"));
  p.sex = KETAPATH_TRY(parse_field(in, "sex", clinic::parse_sex));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.convert_consultation_request(id, p))), 201);
}

// --- controlled-substance custody (clinic/domain/custody.h)
// ---------------------------------------

core::Result<Reply> list_stock(Request& r) {
  const auto all = KETAPATH_TRY(r.clinic.stock());
  Json out = Json::array();
  for (const auto& b : all) {
    Json j = clinic::to_json(b.lot);
    j["balance_mg"] = clinic::to_milligrams(b.balance).value();
    j["expired"] = b.expired;
    out.push_back(std::move(j));
  }
  return ok({{"stock", std::move(out)}});
}

core::Result<Reply> receive_stock(Request& r) {
  const auto receipt = KETAPATH_TRY(clinic::stock_receipt_from_json(r.body, "body"));
  const auto got = KETAPATH_TRY(r.clinic.receive_stock(receipt));
  Json lot = clinic::to_json(got.lot);
  Json entry = clinic::to_json(got.entry);
  return ok(
      {{"stock_lot", std::move(lot)}, {"entry", std::move(entry)}, {"arithmetic", got.arithmetic}},
      201);
}

core::Result<Reply> waste_stock(Request& r) {
  const auto id = clinic::StockLotId(KETAPATH_TRY(id_param(r, 0, "stock lot")));
  auto in = KETAPATH_TRY(body(r));
  const double mg = KETAPATH_TRY(in.required(in.number("amount_mg"), "amount_mg"));
  const std::string reason = KETAPATH_TRY(in.required(in.string("reason"), "reason"));
  const std::string witness = KETAPATH_TRY(in.required(in.string("witness"), "witness"));
  KETAPATH_TRY(in.finish());
  const auto e = KETAPATH_TRY(r.clinic.waste_stock(id, core::Milligrams(mg), reason, witness));
  return ok(clinic::to_json(e), 201);
}

core::Result<Reply> count_stock(Request& r) {
  const auto id = clinic::StockLotId(KETAPATH_TRY(id_param(r, 0, "stock lot")));
  auto in = KETAPATH_TRY(body(r));
  const double mg = KETAPATH_TRY(in.required(in.number("counted_mg"), "counted_mg"));
  const std::string investigation = KETAPATH_TRY(in.string("investigation")).value_or("");
  KETAPATH_TRY(in.finish());
  const auto e = KETAPATH_TRY(r.clinic.count_stock(id, core::Milligrams(mg), investigation));
  return ok(clinic::to_json(e), 201);
}

core::Result<Reply> custody_log(Request& r) {
  // Without from/to: this month so far (UTC days of the service clock).
  const clinic::Date today = clinic::day_of(r.clinic.now());
  const std::chrono::year_month_day ymd(today);
  const auto from_text = r.query("from");
  const auto to_text = r.query("to");
  const clinic::Date from = from_text
                                ? KETAPATH_TRY(clinic::parse_date(*from_text, "from"))
                                : clinic::Date(std::chrono::sys_days(ymd.year() / ymd.month() / 1));
  const clinic::Date to = to_text ? KETAPATH_TRY(clinic::parse_date(*to_text, "to")) : today;
  const std::string format = r.query("format").value_or("json");
  if (format != "json" && format != "csv" && format != "pdf") {
    return core::fail(ErrorCode::InvalidArgument, "format: must be json, csv or pdf (got \"{}\")",
                      format.substr(0, 20));
  }
  const auto log = KETAPATH_TRY(r.clinic.custody_log(from, to));
  if (format == "json") {
    return ok(clinic::to_json(log));
  }
  Reply reply;
  if (format == "csv") {
    reply.text = clinic::custody_csv(log);
    reply.content_type = "text/csv; charset=utf-8";
    return reply;
  }
  const auto now = r.clinic.now();
  reply.text =
      KETAPATH_TRY(clinic::render_letter_pdf(clinic::custody_letter(log, r.clinic.actor(), now),
                                             r.clinic.actor(), clinic::format_timestamp(now)));
  reply.content_type = "application/pdf";
  return reply;
}

// --- settings, drug library, users, audit ------------------------------------------------------

core::Result<Reply> get_setting(Request& r) {
  const std::string& key = r.params.at(0);
  if (key == "dosing_policy")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.dosing_policy())));
  if (key == "safety_thresholds")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.safety_thresholds())));
  if (key == "screening_policy")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.screening_policy())));
  if (key == "clinic_calendar")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.clinic_calendar())));
  if (key == "response_policy")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.response_policy())));
  if (key == "custody_policy")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.custody_policy())));
  if (key == "medication_safety")
    return ok(clinic::to_json(KETAPATH_TRY(r.clinic.medication_safety())));
  return core::fail(ErrorCode::NotFound, "setting {} not found", key.substr(0, 40));
}

template <class T, class Parse, class Set>
core::Result<Reply> put_one(Request& r, Parse parse, Set set) {
  const T value = KETAPATH_TRY(parse(r.body, "body"));
  KETAPATH_TRY(clinic::check_complete_setting(r.body, clinic::to_json(value), "body"));
  KETAPATH_TRY(set(value));
  return ok(clinic::to_json(value));
}

core::Result<Reply> put_setting(Request& r) {
  const std::string& key = r.params.at(0);
  auto& c = r.clinic;
  if (key == "dosing_policy") {
    return put_one<clinic::DosingPolicy>(r, clinic::dosing_policy_from_json,
                                         [&](const auto& v) { return c.set_dosing_policy(v); });
  }
  if (key == "safety_thresholds") {
    return put_one<clinic::SafetyThresholds>(
        r, clinic::safety_thresholds_from_json,
        [&](const auto& v) { return c.set_safety_thresholds(v); });
  }
  if (key == "screening_policy") {
    return put_one<clinic::ScreeningPolicy>(
        r, clinic::screening_policy_from_json,
        [&](const auto& v) { return c.set_screening_policy(v); });
  }
  if (key == "clinic_calendar") {
    return put_one<clinic::ClinicCalendar>(r, clinic::clinic_calendar_from_json,
                                           [&](const auto& v) { return c.set_clinic_calendar(v); });
  }
  if (key == "response_policy") {
    return put_one<clinic::ResponsePolicy>(r, clinic::response_policy_from_json,
                                           [&](const auto& v) { return c.set_response_policy(v); });
  }
  if (key == "custody_policy") {
    return put_one<clinic::CustodyPolicy>(r, clinic::custody_policy_from_json,
                                          [&](const auto& v) { return c.set_custody_policy(v); });
  }
  if (key == "medication_safety") {
    return put_one<clinic::MedicationSafetyPolicy>(
        r, clinic::medication_safety_from_json,
        [&](const auto& v) { return c.set_medication_safety(v); });
  }
  return core::fail(ErrorCode::NotFound, "setting {} not found", key.substr(0, 40));
}

core::Result<Reply> list_drugs(Request& r) {
  const auto drugs = KETAPATH_TRY(r.clinic.drugs());
  return ok({{"drugs", array_of(drugs)}});
}

core::Result<Reply> save_drug(Request& r) {
  const auto entry = KETAPATH_TRY(clinic::drug_entry_from_json(r.body, "body"));
  KETAPATH_TRY(r.clinic.save_drug(entry));
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.drug(entry.name))));
}

core::Result<Reply> list_users(Request& r) {
  const auto users = KETAPATH_TRY(r.clinic.users());
  return ok({{"users", array_of(users)}});
}

core::Result<Reply> add_user(Request& r) {
  auto in = KETAPATH_TRY(body(r));
  const std::string name = KETAPATH_TRY(in.required(in.string("name"), "name"));
  const Json* roles_json = in.child("roles");
  KETAPATH_TRY(in.finish());
  if (roles_json == nullptr || !roles_json->is_array() || roles_json->size() > 5) {
    return core::fail(ErrorCode::InvalidData, "body.roles: must be an array of 1-5 role names");
  }
  std::vector<Role> roles;
  for (const auto& role : *roles_json) {
    if (!role.is_string()) {
      return core::fail(ErrorCode::InvalidData, "body.roles: must hold role names");
    }
    roles.push_back(KETAPATH_TRY(clinic::parse_role(role.get<std::string>())));
  }
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.add_user(name, roles))), 201);
}

core::Result<Reply> set_enabled(Request& r, bool enabled) {
  auto in = KETAPATH_TRY(body(r));
  KETAPATH_TRY(in.finish());
  return ok(clinic::to_json(KETAPATH_TRY(r.clinic.set_user_enabled(r.params.at(0), enabled))));
}

core::Result<Reply> issue_setup_token(Request& r) {
  const std::string token = KETAPATH_TRY(r.clinic.issue_setup_token(r.params.at(0)));
  return ok({{"user", r.params.at(0)}, {"setup_token", token}}, 201);
}

core::Result<Reply> chart_access(Request& r) {
  clinic::ChartAccessQuery q;
  if (const auto user = r.query("user")) {
    q.user = *user;
  }
  const auto integer = [&](std::string_view key) -> core::Result<std::optional<std::int64_t>> {
    const auto text = r.query(key);
    if (!text) {
      return std::optional<std::int64_t>{};
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 1) {
      return core::fail(ErrorCode::InvalidArgument, "{}: must be a positive integer (got \"{}\")",
                        key, text->substr(0, 24));
    }
    return std::optional<std::int64_t>(value);
  };
  if (const auto id = KETAPATH_TRY(integer("patient"))) {
    q.patient = clinic::PatientId(*id);
  }
  if (const auto limit = KETAPATH_TRY(integer("limit"))) {
    q.limit = *limit;
  }
  if (const auto from = r.query("from")) {
    q.from = KETAPATH_TRY(clinic::parse_timestamp(*from, "from"));
  }
  if (const auto to = r.query("to")) {
    q.to = KETAPATH_TRY(clinic::parse_timestamp(*to, "to"));
  }
  Json out = Json::array();
  for (const auto& a : KETAPATH_TRY(r.clinic.chart_accesses(q))) {
    out.push_back({{"user", a.user},
                   {"patient", a.patient.value()},
                   {"what", a.what},
                   {"at", clinic::format_timestamp(a.at)}});
  }
  return ok({{"chart_access", out}});
}

core::Result<Reply> verify_audit(Request& r) {
  const auto v = KETAPATH_TRY(r.clinic.verify_audit());
  return ok({{"intact", v.intact},
             {"entries", v.entries},
             {"last_sequence", v.last_sequence},
             {"rows_checked", v.rows_checked},
             {"head_hash", v.head_hash},
             {"anchor", clinic::anchor_text(v)},
             {"problems", v.problems}});
}

}  // namespace

std::string_view to_string(Method method) {
  switch (method) {
    case Method::Get:
      return "GET";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
  }
  return "GET";
}

std::string path_regex(std::string_view pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const std::size_t close = pattern.find('}', i);
      const std::string_view name = pattern.substr(i + 1, close - i - 1);
      out += (name == "name" || name == "key") ? "([a-z0-9._-]{1,64})" : "([0-9]{1,18})";
      i = close + 1;
    } else {
      const char c = pattern[i++];
      if (c == '.' || c == '-' || c == '$') {
        out += '\\';
      }
      out += c;
    }
  }
  return out;
}

const std::vector<Route>& route_table() {
  using enum Method;
  using enum Audience;
  static const std::vector<Route> table = {
      // Public.
      {Get, "/api/v1/health", Public, {}, "Liveness", health},
      {Get, "/api/v1/openapi.json", Public, {}, "This API's OpenAPI 3 document", openapi},
      {Post, "/api/v1/auth/sign-in", Public, {}, "Sign in; sets the session cookie", sign_in},
      {Post,
       "/api/v1/auth/setup",
       Public,
       {},
       "Choose a password with a one-time setup token",
       setup},
      {Post,
       "/api/v1/public/consultation-requests",
       Public,
       {},
       "Request a 15-minute consultation (no account; rate-limited; returns a reference)",
       submit_consultation},
      // Any signed-in user.
      {Post, "/api/v1/auth/sign-out", SignedIn, {}, "Sign out (revokes the session)", sign_out},
      {Get, "/api/v1/auth/me", SignedIn, {}, "The signed-in user and the CSRF token", me},
      // Patients.
      {Get, "/api/v1/patients", Roles, kDemographicsReaders, "Patients (demographics)",
       list_patients},
      {Post, "/api/v1/patients", Roles, kRegistrars, "Register a patient", add_patient},
      {Get, "/api/v1/patients/{id}", Roles, kClinicalReaders, "A patient's chart", get_patient},
      {Post, "/api/v1/patients/{id}/weights", Roles, kCarers, "Record a weight", add_weight},
      {Get, "/api/v1/patients/{id}/medications", Roles, kClinicalReaders,
       "The medications on ?date= (default today, UTC), their interaction warnings and the log",
       list_medications},
      {Post, "/api/v1/patients/{id}/medications", Roles, kCarers,
       "Start, stop or reconcile the medication list (audited)", record_medication},
      {Get, "/api/v1/patients/{id}/consents", Roles, kClinicalReaders, "Consents", list_consents},
      {Post, "/api/v1/patients/{id}/consents", Roles, kCarers, "Record informed consent",
       add_consent},
      {Get, "/api/v1/patients/{id}/screenings", Roles, kClinicalReaders, "Screenings",
       list_screenings},
      {Post, "/api/v1/patients/{id}/screenings", Roles, kCarers, "Screen for eligibility",
       add_screening},
      {Post, "/api/v1/patients/{id}/screenings/preview", Roles, kCarers,
       "Evaluate screening answers without storing them (the form's live result)",
       preview_screening},
      {Post, "/api/v1/patients/{id}/diagnoses", Roles, kPrescribers, "Record a diagnosis",
       add_diagnosis},
      {Post, "/api/v1/patients/{id}/treatment-history", Roles, kCarers,
       "Record earlier treatment trials (an array)", add_treatment_history},
      {Post, "/api/v1/screenings/{id}/clearance", Roles, kPrescribers,
       "Clear a needs_review screening", clear_screening},
      {Get, "/api/v1/patients/{id}/clearance", Roles, kClinicalReaders,
       "Whether the patient may be dosed", get_clearance},
      {Post, "/api/v1/patients/{id}/doses/preview", Roles, kCarers,
       "Calculate a dose without storing it", preview_dose},
      {Post, "/api/v1/patients/{id}/doses", Roles, kPrescribers,
       "Order a dose (checked and stored)", order_dose},
      {Get, "/api/v1/patients/{id}/doses", Roles, kClinicalReaders, "Dose records", list_doses},
      {Post, "/api/v1/orders/{id}/checks", Roles, kCarers,
       "A second user's independent double check of an order (weight and dose)",
       record_double_check},
      {Get, "/api/v1/orders/{id}/checks", Roles, kClinicalReaders,
       "An order's double checks (without their numbers) and waivers", list_order_checks},
      {Post, "/api/v1/orders/{id}/waivers", Roles, kPrescribers,
       "Waive one pre-dose checklist item of an order's day", waive_checklist_item},
      {Post, "/api/v1/orders/{id}/discontinue", Roles, kPrescribers, "Discontinue an order",
       discontinue_order},
      {Get, "/api/v1/patients/{id}/courses", Roles, kClinicalReaders, "Courses", list_courses},
      {Post, "/api/v1/patients/{id}/courses", Roles, kPrescribers, "Plan a course", plan_course},
      {Get, "/api/v1/courses/{id}", Roles, kClinicalReaders, "A course", get_course},
      {Post, "/api/v1/courses/{id}/complete", Roles, kPrescribers, "Complete a course",
       complete_course},
      {Post, "/api/v1/courses/{id}/cancel", Roles, kPrescribers, "Cancel a course", cancel_course},
      {Post, "/api/v1/courses/{id}/sessions/{number}/reschedule", Roles, kPrescribers,
       "Reschedule a planned session", reschedule},
      {Post, "/api/v1/courses/{id}/sessions/{number}/skip", Roles, kPrescribers,
       "Skip a planned session", skip},
      {Get, "/api/v1/patients/{id}/sessions", Roles, kClinicalReaders, "Sessions", list_sessions},
      {Post, "/api/v1/sessions", Roles, kCarers, "Record a session", record_session},
      {Post, "/api/v1/sessions/preview", Roles, kCarers,
       "Check a session and evaluate its alerts without storing it", preview_session},
      {Get, "/api/v1/patients/{id}/assessments", Roles, kClinicalReaders, "Follow-up ratings",
       list_assessments},
      {Post, "/api/v1/patients/{id}/assessments", Roles, kCarers, "Record a follow-up rating",
       record_assessment},
      {Post, "/api/v1/sessions/{id}/amendments", Roles, kCarers,
       "Amend a signed session (the original is kept; audited)",
       [](Request& r) {
         return amend(r, clinic::AmendedKind::Session);
       }},
      {Post, "/api/v1/assessments/{id}/amendments", Roles, kCarers,
       "Amend a signed follow-up rating (the original is kept; audited)",
       [](Request& r) {
         return amend(r, clinic::AmendedKind::Assessment);
       }},
      {Post, "/api/v1/screenings/{id}/amendments", Roles, kCarers,
       "Amend a screening's answers: re-evaluated into a screening that amends it (audited)",
       [](Request& r) {
         return amend(r, clinic::AmendedKind::Screening);
       }},
      {Get, "/api/v1/patients/{id}/amendments", Roles, kClinicalReaders,
       "A patient's amendments of signed records", list_amendments},
      {Get, "/api/v1/alerts", Roles, kClinicalReaders, "Open alerts (the work list)", open_alerts},
      {Get, "/api/v1/schedule", Roles, kClinicalReaders,
       "The day schedule: planned sessions due on ?date= (default today, UTC)", day_schedule},
      {Get, "/api/v1/patients/{id}/alerts", Roles, kClinicalReaders, "A patient's alerts",
       patient_alerts},
      {Post, "/api/v1/alerts/{id}/acknowledge", Roles, kCarers, "Acknowledge an alert with a note",
       acknowledge},
      {Get, "/api/v1/patients/{id}/response", Roles, kClinicalReaders,
       "Response and recommendation", response},
      {Get, "/api/v1/patients/{id}/forecast", Roles, kClinicalReaders,
       "Model-informed maintenance: forecast, relapse, recommendation, decisions (?risk=&scale=; "
       "?format=svg: the chart)",
       get_forecast},
      {Post, "/api/v1/patients/{id}/forecast/accept", Roles, kPrescribers,
       "Accept the recommendation: its dates become a maintenance course (gated; 409 if stale)",
       accept_forecast},
      {Post, "/api/v1/patients/{id}/forecast/reject", Roles, kPrescribers,
       "Reject the recommendation with a reason", reject_forecast},
      {Get, "/api/v1/patients/{id}/session-forecast", Roles, kClinicalReaders,
       "PK/PD-aware session: bands, vitals times, discharge (?session= or ?route=&dose_mg_per_kg=)",
       get_session_forecast},
      {Get, "/api/v1/patients/{id}/report", Roles, kClinicalReaders,
       "The letter to the care team (?format=html|markdown|pdf)", report},
      {Get, "/api/v1/patients/{id}/care-team", Roles, kClinicalReaders, "Care team",
       list_care_team},
      {Post, "/api/v1/patients/{id}/care-team", Roles, kCarers, "Add a psychiatrist or PCP",
       add_care_team},
      // FHIR R4 (docs/fhir.md).
      {Get, "/fhir/Patient/{id}/$everything", Roles, kClinicalReaders,
       "The patient's record as a FHIR R4 Bundle (searchset)", fhir_everything},
      // The front desk's queue of consultation requests.
      {Get, "/api/v1/consultation-requests", Roles, kDemographicsReaders,
       "Consultation requests (?status=new|contacted|scheduled|declined|converted)",
       list_consultations},
      {Post, "/api/v1/consultation-requests/{id}/status", Roles, kRegistrars,
       "Mark a request contacted, scheduled or declined", set_consultation_status},
      {Post, "/api/v1/consultation-requests/{id}/patient", Roles, kRegistrars,
       "Register the requester as a patient (demographics)", convert_consultation},
      // Controlled-substance custody (docs/clinic.md "Controlled-substance custody").
      {Get, "/api/v1/stock", Roles, kClinicalReaders, "Stock lots with their ledger balances",
       list_stock},
      {Post, "/api/v1/stock", Roles, kCarers, "Receive a lot of ketamine", receive_stock},
      {Post, "/api/v1/stock/{id}/waste", Roles, kCarers,
       "Waste an amount of a lot, with a reason and a witnessing user", waste_stock},
      {Post, "/api/v1/stock/{id}/counts", Roles, kCarers,
       "Count a lot against its ledger (a discrepancy needs its investigation)", count_stock},
      {Get, "/api/v1/stock-log", Roles, kCustodyReaders,
       "The controlled-substance log (?from=&to= days, default this month; &format=json|csv|pdf)",
       custody_log},
      // Administration.
      {Get, "/api/v1/settings/{key}", Roles, kClinicalReaders, "A clinic setting", get_setting},
      {Put, "/api/v1/settings/{key}", Roles, kAdmins, "Change a clinic setting", put_setting},
      {Get, "/api/v1/drugs", Roles, kClinicalReaders, "The drug library", list_drugs},
      {Put, "/api/v1/drugs", Roles, kAdmins, "Add or replace a drug library entry", save_drug},
      {Get, "/api/v1/users", Roles, kOverseers, "Users and roles", list_users},
      {Post, "/api/v1/users", Roles, kAdmins, "Add a user", add_user},
      {Post, "/api/v1/users/{name}/disable", Roles, kAdmins, "Disable a user",
       [](Request& r) {
         return set_enabled(r, false);
       }},
      {Post, "/api/v1/users/{name}/enable", Roles, kAdmins, "Enable a user",
       [](Request& r) {
         return set_enabled(r, true);
       }},
      {Post, "/api/v1/users/{name}/setup-token", Roles, kAdmins,
       "Issue a one-time password setup token", issue_setup_token},
      {Get, "/api/v1/chart-access", Roles, kOverseers,
       "Who read whose chart (?user=&patient=&from=&to=&limit=), newest first", chart_access},
      {Get, "/api/v1/audit/verify", Roles, kOverseers,
       "Verify the audit log (200 with intact false when broken)", verify_audit},
  };
  return table;
}

}  // namespace ketapath::server
