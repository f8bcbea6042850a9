#pragma once
// Vital-sign safety rules: configurable caution (pre-dose), pause and stop thresholds on BP, HR
// and SpO2 (ketamine-pharmacology.md section 6.2). There is no single validated threshold; the
// defaults are common protocol values for the clinic to confirm.

#include <vector>

#include "clinic/alert.h"
#include "clinic/session.h"

namespace ketapath::clinic {

struct SafetyThresholds {
  // Before dosing: at or above -> Caution (assess or treat before starting).
  double pre_dose_systolic = 140.0;    ///< mmHg
  double pre_dose_diastolic = 90.0;    ///< mmHg
  double pre_dose_heart_rate = 110.0;  ///< bpm
  // During and after dosing: above -> Pause, above stop -> Stop.
  double pause_systolic = 180.0;    ///< mmHg
  double pause_diastolic = 100.0;   ///< mmHg
  double stop_systolic = 200.0;     ///< mmHg
  double stop_diastolic = 115.0;    ///< mmHg (Murrough 2013 dropout at 180/115)
  double pause_heart_rate = 110.0;  ///< bpm
  double stop_heart_rate = 130.0;   ///< bpm
  // SpO2, any phase: below -> Pause / Stop.
  double pause_spo2 = 94.0;  ///< %
  double stop_spo2 = 92.0;   ///< %
};

/// Checks the thresholds are ordered (pre <= pause < stop for BP and HR; stop < pause for SpO2)
/// and plausible. Errors: Validation naming the field.
core::Status validate_thresholds(const SafetyThresholds& t);

/// The alerts one set of vitals raises: at most one per measure, at its highest level. Alerts
/// carry measured_at as raised_at; patient and session ids are left for the caller to set.
std::vector<Alert> evaluate_vitals(const VitalSigns& vitals, const SafetyThresholds& thresholds);

/// The alerts a session's ratings raise: an Urgent alert for every PHQ-9 whose item 9 (thoughts
/// of death or self-harm) is above 0, the item-level suicidality routing of clinic-practice.md
/// section 6 ("PHQ-9 item 9 > 0: immediate SI workflow"). Not configurable: a clinic may not turn
/// it off. Patient set, session left for the caller.
std::vector<Alert> evaluate_ratings(const Session& session);

/// All alerts of a session's vitals and ratings, in time order.
std::vector<Alert> evaluate_session(const Session& session, const SafetyThresholds& thresholds);

}  // namespace ketapath::clinic
