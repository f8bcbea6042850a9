#pragma once
// A clinician's decision on a model-informed maintenance recommendation (issue 13; docs/clinic.md
// "Model-informed maintenance"): accepted (its proposed sessions became a planned course) or
// rejected with a reason. Stored with the forecast's basis (model, data used, risk, P(loss), the
// proposed dates) so the chart shows what was decided on which evidence; never changed.

#include <optional>
#include <string>
#include <string_view>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

using ForecastDecisionId = core::StrongId<struct ForecastDecisionIdTag>;

enum class ForecastVerdict { Accepted, Rejected };  ///< text form "accepted", "rejected"

struct ForecastDecision {
  ForecastDecisionId id{};
  PatientId patient{};
  ForecastVerdict verdict = ForecastVerdict::Rejected;
  Timestamp decided_at{};
  std::string decided_by;
  std::string reason;              ///< required when rejected; an optional note when accepted
  std::optional<CourseId> course;  ///< the course an acceptance planned
  /// The forecast it was decided on, as canonical JSON (clinic::forecast_basis): model label,
  /// scale, ratings and doses used, risk, P(loss), basis, next date, interval, proposed dates.
  std::string basis_json;
};

inline std::string_view to_string(ForecastVerdict verdict) {
  return verdict == ForecastVerdict::Accepted ? "accepted" : "rejected";
}

inline core::Result<ForecastVerdict> parse_forecast_verdict(std::string_view text) {
  if (text == "accepted") {
    return ForecastVerdict::Accepted;
  }
  if (text == "rejected") {
    return ForecastVerdict::Rejected;
  }
  return core::fail(core::ErrorCode::Validation,
                    "forecast decision: expected accepted or rejected (got \"{}\")", text);
}

}  // namespace ketapath::clinic
