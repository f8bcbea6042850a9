// ClinicService: informed consent, clearance of a screening, and the one dose check that every
// path planning or writing a ketamine dose goes through (service.h check_dose; docs/clinic.md
// "Gates").

#include <algorithm>
#include <array>
#include <cmath>

#include "clinic/domain/calendar.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/domain/dose_interval.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

template <class Duration>
std::string hours_text(Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d);
  return core::display_number(static_cast<double>(s.count()) / 3600.0, 1);
}

// The validity of the order a dose record is (order.h OrderTerms): the treatment day only, a
// date range up to kMaxOrderDays, or an active course of the patient.
core::Result<OrderTerms> order_terms(Transaction& tx, const DoseOrder& order) {
  OrderTerms terms;
  terms.valid_from = order.on;
  if (order.course) {
    if (order.valid_until) {
      return core::fail(ErrorCode::Validation,
                        "dose: an order is valid for a course or until a date, not both");
    }
    const Course c = KETAPATH_TRY(tx.courses().get(*order.course));
    if (c.patient != order.patient) {
      return core::fail(ErrorCode::Validation, "dose: course {} belongs to patient {}, not {}",
                        c.id.value(), c.patient.value(), order.patient.value());
    }
    if (c.status != CourseStatus::Active) {
      return core::fail(ErrorCode::Validation, "dose: course {} is {}, not active", c.id.value(),
                        to_string(c.status));
    }
    terms.course = order.course;
    return terms;
  }
  terms.valid_until = order.valid_until.value_or(order.on);
  KETAPATH_TRY(check_date("dose: valid until", *terms.valid_until, order.on,
                          order.on + std::chrono::days(kMaxOrderDays),
                          "from the treatment day, at most 90 days"));
  return terms;
}

}  // namespace

const std::vector<std::string_view>& dose_writing_use_cases() {
  static const std::vector<std::string_view> cases = {"dose", "session record", "course plan",
                                                      "forecast accept"};
  return cases;
}

core::Result<DosingPolicy> ClinicService::dosing_policy_in(Transaction& tx) {
  auto text = KETAPATH_TRY(tx.settings().get("dosing_policy"));
  if (!text) {
    return core::fail(ErrorCode::Storage,
                      "clinic setting dosing_policy is missing (run `ketapath clinic init`)");
  }
  const Json j = KETAPATH_TRY(parse_json(*text, "setting dosing_policy"));
  return dosing_policy_from_json(j, "setting dosing_policy");
}

core::Result<ClearanceRecords> ClinicService::clearance_records(Transaction& tx, PatientId id) {
  ClearanceRecords records;
  records.consents = KETAPATH_TRY(tx.clearances().consents(id));
  records.screenings = KETAPATH_TRY(tx.screenings().list_for_patient(id));
  records.clearances = KETAPATH_TRY(tx.clearances().clearances(id));
  return records;
}

core::Result<Consent> ClinicService::record_consent(PatientId id, Date consented_on,
                                                    std::string form_version, std::string witness) {
  const Timestamp now = clock_();
  KETAPATH_TRY(core::check_required_text("consent: version", form_version));
  KETAPATH_TRY(core::check_required_text("consent: witness", witness));
  if (consented_on > day_of(now)) {
    return core::fail(ErrorCode::Validation, "consent: date {} is in the future (today is {})",
                      format_date(consented_on), format_date(day_of(now)));
  }
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordConsent));
  const Patient p = KETAPATH_TRY(tx->patients().get(id));
  if (consented_on < p.birth_date) {
    return core::fail(ErrorCode::Validation, "consent: date {} is before the birth date {}",
                      format_date(consented_on), format_date(p.birth_date));
  }
  Consent c;
  c.patient = id;
  c.consented_on = consented_on;
  c.form_version = std::move(form_version);
  c.witness = std::move(witness);
  c.recorded_at = now;
  c.recorded_by = actor_;
  c.id = KETAPATH_TRY(tx->clearances().add_consent(c));
  KETAPATH_TRY(tx->append_audit(audit_record(
      "consent.record", fmt::format("consent/{}", c.id.value()), "null", canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<std::vector<Consent>> ClinicService::consents(PatientId id) {
  return chart_read(id, "consents", [&]() -> core::Result<std::vector<Consent>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->clearances().consents(id);
  });
}

core::Result<Clearance> ClinicService::clear_screening(ScreeningId id, std::string reason) {
  KETAPATH_TRY(core::check_required_text("clear: reason", reason));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Clear));
  const ScreeningRecord s = KETAPATH_TRY(tx->screenings().get(id));
  KETAPATH_TRY(check_clearable(s));
  for (const Clearance& existing : KETAPATH_TRY(tx->clearances().clearances(s.patient))) {
    if (existing.screening == id) {
      return core::fail(ErrorCode::Conflict, "clear: screening {} was already cleared by {} at {}",
                        id.value(), existing.cleared_by, format_timestamp(existing.cleared_at));
    }
  }
  Clearance c;
  c.patient = s.patient;
  c.screening = id;
  c.reason = std::move(reason);
  c.cleared_at = clock_();
  c.cleared_by = actor_;
  c.id = KETAPATH_TRY(tx->clearances().add_clearance(c));
  KETAPATH_TRY(
      tx->append_audit(audit_record("screening.clear", fmt::format("clearance/{}", c.id.value()),
                                    "null", canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<ClearanceBasis> ClinicService::clearance(PatientId id, Date day) {
  return chart_read(id, "clearance", [&]() -> core::Result<ClearanceBasis> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    const DosingPolicy policy = KETAPATH_TRY(dosing_policy_in(*tx));
    const ClearanceRecords records = KETAPATH_TRY(clearance_records(*tx, id));
    return check_clearance(records, day, policy.screening_validity_days, "clearance");
  });
}

// Gate 3 of check_dose. An administration is checked at its recorded start. An order names a
// clinic day: it is refused when no time of that day keeps the interval to every recorded dose, and
// warns when only part of the day does (the administration is checked again at its time).
core::Status ClinicService::check_interval(Transaction& tx, const DoseRequest& request,
                                           DoseCheck& check) {
  const DoseOrder& order = request.order;
  const std::chrono::hours interval(check.policy.min_dose_interval_hours);
  const auto sessions = KETAPATH_TRY(tx.sessions().list_for_patient(order.patient));
  if (request.administered_at) {
    const Timestamp at = *request.administered_at;
    for (const Session& s : sessions) {
      const auto gap = s.started_at > at ? s.started_at - at : at - s.started_at;
      if (gap < interval) {
        return core::fail(ErrorCode::Validation,
                          "{}: patient {} was given ketamine at {} (session {}), {} h {} {}; the "
                          "minimum interval between two doses is {} h",
                          request.use_case, order.patient.value(), format_timestamp(s.started_at),
                          s.id.value(), hours_text(gap), s.started_at > at ? "after" : "before",
                          format_timestamp(at), check.policy.min_dose_interval_hours);
      }
    }
    return {};
  }
  const ClinicCalendar calendar = KETAPATH_TRY(clinic_calendar_in(tx));
  const TimeWindow day{local_day_start(order.on, calendar),
                       local_day_start(order.on + std::chrono::days(1), calendar)};
  std::vector<Timestamp> given;
  std::string near;  // the administrations whose interval reaches into the day
  for (const Session& s : sessions) {
    given.push_back(s.started_at);
    if (s.started_at + interval > day.from && s.started_at - interval < day.to) {
      near += fmt::format("{}{} (session {})", near.empty() ? "" : ", ",
                          format_timestamp(s.started_at), s.id.value());
    }
  }
  const auto allowed = first_allowed_window(day, given, interval);
  if (!allowed) {
    return core::fail(ErrorCode::Validation,
                      "{}: patient {} was given ketamine at {}; no time on {} ({} to {}) is {} h "
                      "from every dose: the minimum interval between two doses is {} h",
                      request.use_case, order.patient.value(), near, format_date(order.on),
                      format_timestamp(day.from), format_timestamp(day.to),
                      check.policy.min_dose_interval_hours, check.policy.min_dose_interval_hours);
  }
  if (allowed->from != day.from || allowed->to != day.to) {
    check.calculation.warnings.push_back(fmt::format(
        "interval: patient {} was given ketamine at {}; on {} a dose keeps the minimum {} h only "
        "from {} to {} (the administration is checked at its recorded time)",
        order.patient.value(), near, format_date(order.on), check.policy.min_dose_interval_hours,
        format_timestamp(allowed->from), format_timestamp(allowed->to)));
  }
  return {};
}

core::Result<DoseCheck> ClinicService::check_dose(Transaction& tx, const User& user,
                                                  const DoseRequest& request) {
  const DoseOrder& order = request.order;
  const std::string what(request.use_case);
  DoseCheck check;
  check.policy = KETAPATH_TRY(dosing_policy_in(tx));
  check.patient = KETAPATH_TRY(tx.patients().get(order.patient));
  check.drug = KETAPATH_TRY(tx.drugs().find_by_name("ketamine"));

  // 1. Clearance: consent and a current eligible (or cleared) screening on the treatment day.
  const ClearanceRecords records = KETAPATH_TRY(clearance_records(tx, order.patient));
  check.clearance =
      KETAPATH_TRY(check_clearance(records, order.on, check.policy.screening_validity_days, what));

  // 2. The drug library, the weight and the volume (one pure function for every path).
  auto calculation = clinic::calculate_dose(check.patient, check.drug, order, check.policy);
  if (!calculation) {  // its messages start "dose (ketamine iv): ..."; name other paths first
    return std::unexpected(what == "dose" ? calculation.error()
                                          : core::with_context(calculation.error(), what));
  }
  check.calculation = std::move(*calculation);
  if (check.calculation.limit == LimitLevel::Soft && !request.override_ordered) {
    auto allowed = check_permission(user, Permission::OrderDose);
    if (!allowed) {
      return core::fail(ErrorCode::Unauthorized,
                        "{}: {} mg/kg is above the soft limit; only a prescriber may override it "
                        "({}); cite a prescriber's dose record instead",
                        what, core::display_number(order.dose.value(), 3), allowed.error().message);
    }
  }

  // 3. The minimum interval between two administrations (sessions with a dose).
  KETAPATH_TRY(check_interval(tx, request, check));
  // 4. The medication list on the treatment day: interactions and reconciliation (warnings).
  for (std::string& w : medication_warnings(check.patient.medications, order.on)) {
    check.calculation.warnings.push_back(std::move(w));
  }
  return check;
}

core::Result<DoseRecord> ClinicService::dose_order(const DoseOrder& order, bool store) {
  const Timestamp now = clock_();
  const DateLimits dates;
  KETAPATH_TRY(check_date(
      "dose: treatment day", order.on, day_of(now) - std::chrono::days(dates.dose_days_before),
      day_of(now) + std::chrono::days(dates.dose_days_after), "within 30 days of today"));
  auto tx = KETAPATH_TRY(store_.begin());
  const User user =
      KETAPATH_TRY(authorize(*tx, store ? Permission::OrderDose : Permission::PreviewDose));
  DoseRequest request;
  request.order = order;
  const DoseCheck check = KETAPATH_TRY(check_dose(*tx, user, request));
  DoseRecord record;
  record.patient = order.patient;
  record.route = order.route;
  record.drug = check.drug.name;
  record.calculation = check.calculation;
  record.calculated_at = now;
  record.calculated_by = actor_;
  record.order = KETAPATH_TRY(order_terms(*tx, order));
  if (!store) {
    return record;  // a preview: computed and checked exactly as stored, but not stored
  }
  record.id = KETAPATH_TRY(tx->doses().add(record));
  KETAPATH_TRY(tx->append_audit(
      audit_record(record.calculation.limit == LimitLevel::Soft ? "dose.calculate.soft_override"
                                                                : "dose.calculate",
                   fmt::format("dose/{}", record.id.value()), "null", canonical(to_json(record)))));
  KETAPATH_TRY(tx->commit());
  return record;
}

core::Result<DoseRecord> ClinicService::calculate_dose(const DoseOrder& order) {
  return dose_order(order, true);
}

core::Result<DoseRecord> ClinicService::preview_dose(const DoseOrder& order) {
  return dose_order(order, false);
}

core::Result<std::vector<std::string>> ClinicService::clearance_warnings() {
  const Date today = day_of(clock_());
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  const DosingPolicy policy = KETAPATH_TRY(dosing_policy_in(*tx));
  std::vector<std::string> warnings;
  for (const Patient& p : KETAPATH_TRY(tx->patients().list())) {
    std::optional<PlannedSession> next;
    std::optional<CourseId> course;
    for (const Course& c : KETAPATH_TRY(tx->courses().list_for_patient(p.id))) {
      if (c.status != CourseStatus::Active) {
        continue;
      }
      for (const PlannedSession& s : c.sessions) {
        if (s.status == PlannedStatus::Planned && s.planned_on >= today &&
            (!next || s.planned_on < next->planned_on)) {
          next = s;
          course = c.id;
        }
      }
    }
    if (!next) {
      continue;  // no dose ahead: nothing to warn about
    }
    const ClearanceRecords records = KETAPATH_TRY(clearance_records(*tx, p.id));
    auto basis = check_clearance(records, today, policy.screening_validity_days, "today");
    if (!basis) {
      warnings.push_back(fmt::format("patient {} ({}): course {} session {} on {} is blocked: {}",
                                     p.id.value(), p.name, course->value(), next->number,
                                     format_date(next->planned_on), basis.error().message));
      continue;
    }
    const auto left = (basis->valid_until - today).count();
    if (left <= policy.screening_warning_days) {
      warnings.push_back(fmt::format(
          "patient {} ({}): screening {} expires on {} (in {} days); course {} has sessions "
          "planned from {}: screen again before then",
          p.id.value(), p.name, basis->screening.value(), format_date(basis->valid_until), left,
          course->value(), format_date(next->planned_on)));
    }
  }
  return warnings;
}

}  // namespace ketapath::clinic
