// ClinicService: the prescriber's order, the independent double check and the pre-dose checklist
// (issue 15 items 2-4; service.h, docs/clinic.md "Order, double check and pre-dose checklist").
// The order is the dose record calculate_dose stores (with its validity, OrderTerms); these use
// cases act on it, and check_administration holds every recorded administration to it.

#include <algorithm>

#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/check.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

std::string validity_text(const OrderTerms& o) {
  if (o.course) {
    return fmt::format("course {} from {}", o.course->value(), format_date(o.valid_from));
  }
  const Date until = o.valid_until.value_or(o.valid_from);
  return until == o.valid_from
             ? format_date(o.valid_from)
             : fmt::format("{} to {}", format_date(o.valid_from), format_date(until));
}

// The last pre-dose reading with both blood-pressure values, at or before the start of dosing.
std::pair<std::optional<double>, std::optional<double>> pre_dose_pressure(const Session& s) {
  std::optional<double> sys;
  std::optional<double> dia;
  std::optional<Timestamp> latest;
  for (const VitalSigns& v : s.vitals) {
    if (v.phase == Phase::Before && v.measured_at <= s.started_at && v.systolic && v.diastolic &&
        (!latest || v.measured_at >= *latest)) {
      latest = v.measured_at;
      sys = v.systolic->value();
      dia = v.diastolic->value();
    }
  }
  return {sys, dia};
}

}  // namespace

core::Result<DoseRecord> ClinicService::active_order(Transaction& tx, DoseRecordId id, Date day,
                                                     std::string_view what) {
  DoseRecord d = KETAPATH_TRY(tx.doses().get(id));
  if (!d.order) {
    return core::fail(ErrorCode::Validation,
                      "{}: dose record {} was calculated before orders existed and is not an "
                      "order; a prescriber orders the dose again (ketapath clinic dose ...)",
                      what, id.value());
  }
  const OrderTerms& o = *d.order;
  if (o.status == OrderStatus::Discontinued) {
    return core::fail(ErrorCode::Validation, "{}: order {} was discontinued by {} at {}: {}", what,
                      id.value(), o.discontinued_by,
                      o.discontinued_at ? format_timestamp(*o.discontinued_at) : "-",
                      o.discontinue_reason);
  }
  const bool inside =
      day >= o.valid_from && (o.course || day <= o.valid_until.value_or(o.valid_from));
  if (!inside) {
    return core::fail(ErrorCode::Validation,
                      "{}: order {} is valid for {}, not for {}; a prescriber orders the dose for "
                      "that day",
                      what, id.value(), validity_text(o), format_date(day));
  }
  if (o.course) {
    const Course c = KETAPATH_TRY(tx.courses().get(*o.course));
    if (c.status != CourseStatus::Active) {
      return core::fail(ErrorCode::Validation,
                        "{}: order {} is for course {}, which is {}: it no longer stands", what,
                        id.value(), c.id.value(), to_string(c.status));
    }
  }
  return d;
}

core::Result<DoseRecord> ClinicService::discontinue_order(DoseRecordId id, std::string reason) {
  if (core::is_blank(reason)) {
    return core::fail(ErrorCode::Validation, "order discontinue: a reason is required");
  }
  KETAPATH_TRY(core::check_required_text("order discontinue: reason", reason));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  DoseRecord d = KETAPATH_TRY(tx->doses().get(id));
  if (!d.order) {
    return core::fail(ErrorCode::Conflict,
                      "order discontinue: dose record {} is a calculation from before orders "
                      "existed, not an order: nothing to discontinue",
                      id.value());
  }
  if (d.order->status == OrderStatus::Discontinued) {
    return core::fail(ErrorCode::Conflict,
                      "order discontinue: order {} was already discontinued "
                      "by {}",
                      id.value(), d.order->discontinued_by);
  }
  const Json before = to_json(d);
  d.order->status = OrderStatus::Discontinued;
  d.order->discontinued_at = clock_();
  d.order->discontinued_by = actor_;
  d.order->discontinue_reason = std::move(reason);
  KETAPATH_TRY(tx->doses().set_order(id, *d.order));
  KETAPATH_TRY(
      tx->append_audit(audit_record("order.discontinue", fmt::format("dose/{}", id.value()),
                                    canonical(before), canonical(to_json(d)))));
  KETAPATH_TRY(tx->commit());
  return d;
}

core::Result<OrderCheck> ClinicService::record_double_check(DoseRecordId order, Date day,
                                                            core::Kilograms weight,
                                                            core::Milligrams dose) {
  KETAPATH_TRY(core::check_range("double check: weight_kg", weight.value(), "kg",
                                 {.low = 20.0, .high = 300.0}));
  KETAPATH_TRY(core::check_range("double check: dose_mg", dose.value(), "mg",
                                 {.low = 0.0, .high = 250.0, .low_open = true}));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordSession));
  const DoseRecord d = KETAPATH_TRY(active_order(*tx, order, day, "double check"));
  OrderCheck c;
  c.order = order;
  c.patient = d.patient;
  c.kind = OrderCheckKind::DoubleCheck;
  c.day = day;
  c.weight = weight;
  c.dose = dose;
  c.recorded_by = actor_;
  c.recorded_at = clock_();
  c.id = KETAPATH_TRY(tx->order_checks().add(c));
  KETAPATH_TRY(tx->append_audit(audit_record("order.double_check",
                                             fmt::format("order_check/{}", c.id.value()), "null",
                                             canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<OrderCheck> ClinicService::waive_checklist_item(DoseRecordId order, Date day,
                                                             ChecklistItem item,
                                                             std::string reason) {
  if (core::is_blank(reason)) {
    return core::fail(ErrorCode::Validation, "checklist waiver: a reason is required");
  }
  KETAPATH_TRY(core::check_required_text("checklist waiver: reason", reason));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::OrderDose));
  const DoseRecord d = KETAPATH_TRY(active_order(*tx, order, day, "checklist waiver"));
  OrderCheck c;
  c.order = order;
  c.patient = d.patient;
  c.kind = OrderCheckKind::Waiver;
  c.day = day;
  c.item = item;
  c.reason = std::move(reason);
  c.recorded_by = actor_;
  c.recorded_at = clock_();
  c.id = KETAPATH_TRY(tx->order_checks().add(c));
  KETAPATH_TRY(
      tx->append_audit(audit_record("checklist.waive", fmt::format("order_check/{}", c.id.value()),
                                    "null", canonical(to_json(c)))));
  KETAPATH_TRY(tx->commit());
  return c;
}

core::Result<std::vector<OrderCheck>> ClinicService::order_checks(DoseRecordId order) {
  PatientId patient{};
  std::vector<OrderCheck> checks;
  {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    patient = KETAPATH_TRY(tx->doses().get(order)).patient;
    checks = KETAPATH_TRY(tx->order_checks().list_for_order(order));
  }
  for (OrderCheck& c : checks) {  // the checker's numbers stay with the check (independence)
    c.weight.reset();
    c.dose.reset();
  }
  KETAPATH_TRY(note_read(patient, "doses"));
  return checks;
}

core::Result<std::vector<OrderCheckId>> ClinicService::check_administration(
    Transaction& tx, Session& s, const std::optional<DoseRecord>& ordered, const DoseCheck& check,
    const SafetyThresholds& thresholds) {
  // The clinic's local day of the dose (setting clinic_calendar): orders, checks and waivers are
  // for clinic days.
  const std::string calendar_text = KETAPATH_TRY(setting_in(tx, "clinic_calendar"));
  const Json calendar_json = KETAPATH_TRY(parse_json(calendar_text, "setting clinic_calendar"));
  const ClinicCalendar calendar =
      KETAPATH_TRY(clinic_calendar_from_json(calendar_json, "setting clinic_calendar"));
  const Date day = local_day(s.started_at, calendar);
  // 1. An active order that matches (patient, route and mg/kg were compared with the session
  //    before check_dose; here: that it is an order, stands, and covers this day and course).
  if (!ordered) {
    return core::fail(ErrorCode::Validation,
                      "session: no order: an administration cites the prescriber's active order "
                      "for this patient, route and dose (dose_record; ketapath clinic dose ...)");
  }
  const DoseRecord order = KETAPATH_TRY(active_order(tx, ordered->id, day, "session"));
  if (order.order->course && s.course != order.order->course) {
    return core::fail(ErrorCode::Validation,
                      "session: order {} is for the sessions of course {}; this session {}",
                      order.id.value(), order.order->course->value(),
                      s.course ? fmt::format("is of course {}", s.course->value())
                               : std::string("names no course"));
  }
  std::vector<OrderCheckId> used;
  std::vector<OrderCheck> checks = KETAPATH_TRY(tx.order_checks().list_for_order(order.id));
  const std::string policy_text = KETAPATH_TRY(setting_in(tx, "medication_safety"));
  const Json policy_json = KETAPATH_TRY(parse_json(policy_text, "setting medication_safety"));
  const MedicationSafetyPolicy policy =
      KETAPATH_TRY(medication_safety_from_json(policy_json, "setting medication_safety"));

  // 2. The independent double check: another user's weight and dose, entered before this one.
  const bool required = double_check_required(policy, s.route);
  if (required && !s.double_check) {
    return core::fail(ErrorCode::Validation,
                      "session: no independent double check: {} doses need a second user's check "
                      "of order {} recorded first (ketapath clinic order check --order {} "
                      "--weight-kg W --dose-mg X), cited as double_check",
                      pd::route_name(s.route), order.id.value(), order.id.value());
  }
  s.checked_by.clear();
  if (s.double_check) {
    const OrderCheck c = KETAPATH_TRY(tx.order_checks().get(*s.double_check));
    if (c.kind != OrderCheckKind::DoubleCheck || c.order != order.id || c.day != day) {
      return core::fail(ErrorCode::Validation,
                        "session: double check {} is not a double check of order {} for {}",
                        c.id.value(), order.id.value(), format_date(day));
    }
    if (c.session) {
      return core::fail(ErrorCode::Conflict,
                        "session: double check {} was already used by "
                        "session {}",
                        c.id.value(), c.session->value());
    }
    if (c.recorded_by == actor_) {
      return core::fail(ErrorCode::Validation,
                        "session: double check {} was recorded by {}, who records this "
                        "administration: the check must be by a second user",
                        c.id.value(), c.recorded_by);
    }
    const double weight = check.calculation.weight.value();
    const bool weight_ok = agrees_to_displayed_precision(c.weight->value(), weight);
    const bool dose_ok = agrees_to_displayed_precision(c.dose->value(), s.dose.value());
    if (!weight_ok || !dose_ok) {
      return core::fail(ErrorCode::Validation,
                        "session: the double check does not match: weight {} kg here, {} kg by "
                        "{} (check {}); dose {} mg here, {} mg by {}; both must agree to 2 "
                        "decimals: find the difference and record a new check",
                        core::display_number(weight), core::display_number(c.weight->value()),
                        c.recorded_by, c.id.value(), core::display_number(s.dose.value()),
                        core::display_number(c.dose->value()), c.recorded_by);
    }
    s.checked_by = c.recorded_by;
    used.push_back(c.id);
  }

  // 3. The pre-dose checklist: every item done, or waived by a prescriber for this order and day.
  ChecklistContext cx;
  cx.sex = check.patient.sex;
  cx.birth_date = check.patient.birth_date;
  cx.started_at = s.started_at;
  cx.min_fasting_hours = policy.min_fasting_hours;
  cx.hold_systolic = thresholds.pre_dose_systolic;
  cx.hold_diastolic = thresholds.pre_dose_diastolic;
  std::tie(cx.systolic, cx.diastolic) = pre_dose_pressure(s);
  if (s.checklist) {
    s.checklist->waivers.clear();  // derived, never taken from input
  }
  std::string unmet;
  std::vector<std::string> waived;
  for (const ChecklistProblem& p : checklist_problems(s.checklist, cx)) {
    const auto waiver = std::find_if(checks.begin(), checks.end(), [&](const OrderCheck& c) {
      return c.kind == OrderCheckKind::Waiver && c.item == p.item && c.day == day && !c.session;
    });
    if (p.waivable && waiver != checks.end()) {
      waived.push_back(fmt::format("{}: {} (waived by {}, check {})", to_string(p.item),
                                   waiver->reason, waiver->recorded_by, waiver->id.value()));
      used.push_back(waiver->id);
      continue;
    }
    unmet += fmt::format("{}{}: {}", unmet.empty() ? "" : "; ", to_string(p.item), p.problem);
  }
  if (!unmet.empty()) {
    return core::fail(ErrorCode::Validation,
                      "session: the pre-dose checklist is not complete: {}; a prescriber may "
                      "waive an item with a reason (ketapath clinic order waive --order {} --item "
                      "ITEM --reason ...)",
                      unmet, order.id.value());
  }
  if (!s.checklist) {
    s.checklist = PreDoseChecklist{};
  }
  s.checklist->waivers = std::move(waived);
  return used;
}

}  // namespace ketapath::clinic
