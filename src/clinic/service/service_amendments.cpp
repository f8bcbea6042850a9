// ClinicService: amendments of signed records (amendment.h; issue 15 item 6). The stored rows
// keep the original; each amended field is one appended amendment row, applied on every read.

#include <algorithm>

#include "clinic/domain/screen.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::size_t kMaxChanges = 50;

/// An alert is new when no stored alert of the record has the same measure, time and level.
std::vector<Alert> not_yet_raised(std::vector<Alert> candidates, const std::vector<Alert>& stored,
                                  std::optional<SessionId> session) {
  std::erase_if(candidates, [&](const Alert& c) {
    return std::any_of(stored.begin(), stored.end(), [&](const Alert& s) {
      return s.session == session && s.measure == c.measure && s.raised_at == c.raised_at &&
             s.level == c.level;
    });
  });
  return candidates;
}

Json amendments_json(const std::vector<Amendment>& amendments) {
  Json out = Json::array();
  for (const Amendment& a : amendments) {
    out.push_back(to_json(a));
  }
  return out;
}

}  // namespace

core::Result<AmendmentResult> ClinicService::amend(AmendmentRequest request) {
  KETAPATH_TRY(validate_amendment_reason(request.reason));
  if (request.changes.empty() || request.changes.size() > kMaxChanges) {
    return core::fail(ErrorCode::Validation,
                      "amend: name 1 to {} fields to correct (--set FIELD=VALUE; got {})",
                      kMaxChanges, request.changes.size());
  }
  const Timestamp now = clock_();
  const SafetyThresholds thresholds = KETAPATH_TRY(safety_thresholds());
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, request.kind == AmendedKind::Screening ? Permission::RecordObservation
                                                                     : Permission::RecordSession));
  AmendmentResult result;
  Json before;
  Json after;
  PatientId patient{};
  // Each change is applied to the working copy in order; its original is the value just before.
  const auto record_change = [&](const FieldChange& change, std::string original) {
    Amendment a;
    a.patient = patient;
    a.kind = request.kind;
    a.record = request.record;
    a.field = change.field;
    a.original = std::move(original);
    a.amended = change.value;
    a.reason = request.reason;
    a.amended_by = actor_;
    a.amended_at = now;
    result.amendments.push_back(std::move(a));
  };
  std::vector<Alert> candidates;
  std::optional<SessionId> alert_session;
  switch (request.kind) {
    case AmendedKind::Session: {
      Session s = KETAPATH_TRY(tx->sessions().get(SessionId(request.record)));
      patient = s.patient;
      before = to_json(s);
      for (const FieldChange& change : request.changes) {
        auto original = amend_session_field(s, change.field, change.value, limits_);
        if (!original) {
          return std::unexpected(
              core::with_context(original.error(), fmt::format("amend session {}", s.id.value())));
        }
        record_change(change, std::move(*original));
      }
      candidates = evaluate_session(s, thresholds);
      Session reassessed = s;
      for (Alert& a : assess_discharge(reassessed, thresholds)) {
        a.patient = s.patient;
        candidates.push_back(std::move(a));
      }
      if (s.discharge && reassessed.discharge &&
          s.discharge->ready != reassessed.discharge->ready) {
        result.warnings.push_back(fmt::format(
            "discharge readiness was assessed on the recorded values ({}); with the amended "
            "values it would be {}{}",
            s.discharge->ready ? "ready" : "not ready",
            reassessed.discharge->ready ? "ready" : "not ready: ",
            fmt::join(reassessed.discharge->not_ready_reasons, "; ")));
      }
      alert_session = s.id;
      result.session = std::move(s);
      break;
    }
    case AmendedKind::Assessment: {
      Assessment a = KETAPATH_TRY(tx->assessments().get(AssessmentId(request.record)));
      patient = a.patient;
      before = to_json(a);
      for (const FieldChange& change : request.changes) {
        auto original = amend_assessment_field(a, change.field, change.value);
        if (!original) {
          return std::unexpected(core::with_context(
              original.error(), fmt::format("amend assessment {}", a.id.value())));
        }
        record_change(change, std::move(*original));
      }
      candidates = evaluate_ratings(a.patient, {a.rating});
      result.assessment = std::move(a);
      break;
    }
    case AmendedKind::Screening: {
      const ScreeningRecord original =
          KETAPATH_TRY(tx->screenings().get(ScreeningId(request.record)));
      patient = original.patient;
      before = to_json(original);
      for (const ScreeningRecord& s : KETAPATH_TRY(tx->screenings().list_for_patient(patient))) {
        if (s.amends == original.id) {
          return core::fail(ErrorCode::Validation,
                            "amend screening {}: it was already amended by screening {}; amend "
                            "that one",
                            original.id.value(), s.id.value());
        }
      }
      ScreeningRecord amended;
      amended.patient = patient;
      amended.performed_at = now;
      amended.performed_by = actor_;
      amended.screened_on = screening_day(original);  // a correction never extends validity
      amended.input = original.input;
      amended.amends = original.id;
      for (const FieldChange& change : request.changes) {
        auto was = amend_screening_field(amended.input, change.field, change.value);
        if (!was) {
          return std::unexpected(core::with_context(
              was.error(), fmt::format("amend screening {}", original.id.value())));
        }
        record_change(change, std::move(*was));
      }
      const Patient p = KETAPATH_TRY(tx->patients().get(patient));
      amended.result = clinic::screen(p, amended.input, *amended.screened_on);
      amended.id = KETAPATH_TRY(tx->screenings().add(amended));
      if (amended.result.eligibility != original.result.eligibility) {
        result.warnings.push_back(
            fmt::format("re-evaluated: the screening of {} is now {} (was {})",
                        format_date(*amended.screened_on), to_string(amended.result.eligibility),
                        to_string(original.result.eligibility)));
      }
      if (amended.result.eligibility == Eligibility::NeedsReview) {
        result.warnings.push_back(
            "a prescriber's clearance of the amended screening is needed again (a clearance "
            "does not carry over to an amendment)");
      }
      for (Amendment& a : result.amendments) {
        a.replacement = amended.id;
      }
      result.screening = std::move(amended);
      break;
    }
  }
  for (Amendment& a : result.amendments) {
    a.id = KETAPATH_TRY(tx->amendments().add(a));
  }
  if (result.session) {
    result.session->amendments.insert(result.session->amendments.end(), result.amendments.begin(),
                                      result.amendments.end());
    after = to_json(*result.session);
  } else if (result.assessment) {
    result.assessment->amendments.insert(result.assessment->amendments.end(),
                                         result.amendments.begin(), result.amendments.end());
    after = to_json(*result.assessment);
  } else {
    result.screening->amendments = result.amendments;
    after = to_json(*result.screening);
  }
  const auto stored = KETAPATH_TRY(tx->alerts().list_for_patient(patient));
  Json alerts_json = Json::array();
  for (Alert& a : not_yet_raised(std::move(candidates), stored, alert_session)) {
    a.patient = patient;
    a.session = alert_session;
    a.id = KETAPATH_TRY(tx->alerts().add(a));
    alerts_json.push_back(to_json(a));
    result.alerts.push_back(std::move(a));
  }
  const std::string kind(to_string(request.kind));
  KETAPATH_TRY(tx->append_audit(
      audit_record(kind + ".amend", fmt::format("{}/{}", kind, request.record), canonical(before),
                   canonical(Json{{"record", after},
                                  {"amendments", amendments_json(result.amendments)},
                                  {"alerts", alerts_json}}))));
  KETAPATH_TRY(tx->commit());
  return result;
}

core::Result<std::vector<Amendment>> ClinicService::amendments(PatientId id) {
  return chart_read(id, "amendments", [&]() -> core::Result<std::vector<Amendment>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->amendments().list_for_patient(id);
  });
}

}  // namespace ketapath::clinic
