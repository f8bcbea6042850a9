// ClinicService::import_record: a patient with a history from another system, in one
// transaction (clinic/domain/external_record.h, docs/fhir.md "Import").

#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/check.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::size_t kMaxRatings = 10000;
constexpr std::size_t kMaxParts = 1000;  // diagnoses, weights
constexpr std::size_t kMaxText = 2000;   // as record_assessment

// Runs a check and names the part's source in its refusal.
core::Status from(const std::string& source, core::Status checked) {
  if (!checked) {
    return std::unexpected(core::with_context(checked.error(), source));
  }
  return {};
}

}  // namespace

core::Result<ImportResult> ClinicService::import_record(ExternalRecord r) {
  const Timestamp now = clock_();
  const Date today = day_of(now);
  if (r.ratings.size() > kMaxRatings || r.weights.size() > kMaxParts ||
      r.diagnoses.size() > kMaxParts) {
    return core::fail(ErrorCode::Validation,
                      "import: at most {} ratings and {} diagnoses or weights (got {}, {}, {})",
                      kMaxRatings, kMaxParts, r.ratings.size(), r.diagnoses.size(),
                      r.weights.size());
  }
  Patient p = std::move(r.patient);
  p.weights.clear();
  p.diagnoses.clear();
  KETAPATH_TRY(from(r.patient_source, validate_patient(p, today, limits_)));
  for (const auto& [d, source] : r.diagnoses) {
    KETAPATH_TRY(from(source, validate_diagnosis(d, today)));
    KETAPATH_TRY(from(source, check_date("diagnosed_on", d.diagnosed_on, p.birth_date, today,
                                         "not before birth, not in the future")));
    p.diagnoses.push_back(d);
  }
  for (const auto& [w, source] : r.weights) {
    KETAPATH_TRY(from(source, validate_weight(w, today, limits_, "weight")));
    KETAPATH_TRY(from(source, check_date("measured_on", w.measured_on, p.birth_date, today,
                                         "not before birth, not in the future")));
    p.weights.push_back(w);
  }
  std::vector<Assessment> assessments;
  std::vector<ScaleRating> ratings;
  const std::string note =
      fmt::format("external history: imported from {}", core::excerpt(r.origin, 200));
  for (auto& [rating, source] : r.ratings) {
    auto total = score_items(rating.scale, rating.items);
    if (!total) {
      return std::unexpected(core::with_context(total.error(), source));
    }
    rating.total = *total;
    if (rating.rated_at > now) {
      return core::fail(ErrorCode::Validation, "{}: rated_at must not be in the future (got {})",
                        source, format_timestamp(rating.rated_at));
    }
    KETAPATH_TRY(from(source, check_date("rated_at", day_of(rating.rated_at), p.birth_date, today,
                                         "not before birth, not in the future")));
    if (rating.rater.size() > kMaxText) {
      return core::fail(ErrorCode::Validation, "{}: rater: at most {} characters (got {})", source,
                        kMaxText, rating.rater.size());
    }
    Assessment a;
    a.rating = rating;
    a.timing = rating_timing(rating.rated_at, {});  // no dose given here
    a.notes = note;
    a.recorded_by = actor_;
    a.recorded_at = now;
    assessments.push_back(std::move(a));
    ratings.push_back(rating);
  }
  p.created_at = now;

  auto tx = KETAPATH_TRY(store_.begin());
  const User user = KETAPATH_TRY(authorize(*tx, Permission::RegisterPatient));
  const std::pair<bool, Permission> needs[] = {
      {!p.diagnoses.empty(), Permission::Diagnose},
      {!p.weights.empty(), Permission::RecordObservation},
      {!assessments.empty(), Permission::RecordSession},
  };
  for (const auto& [needed, permission] : needs) {
    if (needed) {
      if (auto ok = check_permission(user, permission); !ok) {
        return std::unexpected(core::with_context(ok.error(), "import"));
      }
    }
  }
  ImportResult result;
  p.id = KETAPATH_TRY(tx->patients().add(p));
  result.patient = p.id;
  Json stored = Json::array();
  for (Assessment& a : assessments) {
    a.patient = p.id;
    a.id = KETAPATH_TRY(tx->assessments().add(a));
    stored.push_back(to_json(a));
  }
  result.alerts = evaluate_ratings(p.id, ratings);
  Json alerts_json = Json::array();
  for (Alert& alert : result.alerts) {
    alert.id = KETAPATH_TRY(tx->alerts().add(alert));
    alerts_json.push_back(to_json(alert));
  }
  KETAPATH_TRY(tx->append_audit(audit_record("patient.import",
                                             fmt::format("patient/{}", p.id.value()), "null",
                                             canonical(Json{{"origin", r.origin},
                                                            {"patient", to_json(p)},
                                                            {"assessments", stored},
                                                            {"alerts", alerts_json},
                                                            {"not_imported", r.not_imported}}))));
  KETAPATH_TRY(tx->commit());
  result.assessments = std::move(assessments);
  result.not_imported = std::move(r.not_imported);
  return result;
}

}  // namespace ketapath::clinic
