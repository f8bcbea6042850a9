#pragma once
// A rating outside a treatment session: a follow-up (a GAD-7 at 24 h and 7 days after an
// infusion), a rating between visits or before the first one. Any scale, item level, with the
// same validation as a session rating (scales.h score_items) and its own audit entry; linked to
// the patient and to the latest dose before it (hours since that dose's start).

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/amendment.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/response.h"
#include "clinic/domain/scales.h"

namespace ketapath::clinic {

struct Assessment {
  AssessmentId id{};
  PatientId patient{};
  ScaleRating rating;
  // Derived when recorded (ClinicService::record_assessment) from the patient's sessions:
  std::optional<SessionId> last_dose_session;  ///< the latest dosed session started before it
  std::optional<double> hours_since_dose;      ///< from that session's started_at
  RatingTiming timing = RatingTiming::Trough;  ///< response.h definitions
  std::vector<std::string> flags;              ///< e.g. the recall-period flag
  std::string notes;
  std::string recorded_by;
  Timestamp recorded_at{};
  /// The amendments applied on read, oldest first (amendment.h); never written with the record.
  std::vector<Amendment> amendments;
};

std::string_view to_string(RatingTiming timing);  ///< "trough", "acute"
core::Result<RatingTiming> parse_rating_timing(std::string_view text);

}  // namespace ketapath::clinic
