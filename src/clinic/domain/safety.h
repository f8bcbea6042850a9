#pragma once
// Vital-sign safety rules: configurable caution (pre-dose), pause and stop thresholds on BP, HR
// and SpO2 (ketamine-pharmacology.md section 6.2). There is no single validated threshold; the
// defaults are common protocol values for the clinic to confirm.

#include <vector>

#include "clinic/domain/alert.h"
#include "clinic/domain/session.h"

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
  // Dissociation: a CADSS total above this raises a Pause alert (1-92).
  double cadss_alert_total = 30.0;
  // Discharge: at least this long after the end of dosing (30-480 min) ...
  double min_observation_minutes = 120.0;
  // ... with the last vitals within these bands of baseline (the last reading before the dose).
  double discharge_systolic_band = 20.0;    ///< mmHg, 5-60
  double discharge_diastolic_band = 15.0;   ///< mmHg, 5-60
  double discharge_heart_rate_band = 20.0;  ///< bpm, 5-60
};

/// Checks the thresholds are ordered (pre <= pause < stop for BP and HR; stop < pause for SpO2)
/// and plausible, and the CADSS and discharge settings within their bounds (see the fields).
/// Errors: Validation naming the field.
core::Status validate_thresholds(const SafetyThresholds& t);

/// The alerts one set of vitals raises: at most one per measure, at its highest level. Alerts
/// carry measured_at as raised_at; patient and session ids are left for the caller to set.
std::vector<Alert> evaluate_vitals(const VitalSigns& vitals, const SafetyThresholds& thresholds);

/// The alerts a session's ratings raise: an Urgent alert for every PHQ-9 whose item 9 (thoughts
/// of death or self-harm) is above 0, the item-level suicidality routing of clinic-practice.md
/// section 6 ("PHQ-9 item 9 > 0: immediate SI workflow"). Not configurable: a clinic may not turn
/// it off. Patient set, session left for the caller.
std::vector<Alert> evaluate_ratings(const Session& session);

/// The same rule for ratings outside a session (follow-ups): session left unset.
std::vector<Alert> evaluate_ratings(PatientId patient, const std::vector<ScaleRating>& ratings);

/// The alerts of a session's adverse events: Urgent for each severe or serious event (the
/// clinician must see it before discharge), and, when a discharge is recorded, one for each event
/// still unresolved then (Urgent if severe or serious, else Caution).
std::vector<Alert> evaluate_adverse_events(const Session& session);

/// The alerts of a session's dissociation ratings: Pause for each CADSS total above
/// thresholds.cadss_alert_total.
std::vector<Alert> evaluate_dissociation(const Session& session,
                                         const SafetyThresholds& thresholds);

/// The session's vitals baseline: the last reading at or before the start of dosing.
const VitalSigns* vitals_baseline(const Session& session);

/// Computes discharge readiness from the record (session.dose_ended_at must be set): ready needs
/// the four typed criteria AND at least min_observation_minutes since the end of dosing AND the
/// last vitals at or before discharge (taken after the dose) within the bands of baseline with
/// SpO2 >= pause_spo2 AND no unresolved adverse event. Missing data counts as not ready. Sets
/// discharge.ready and discharge.not_ready_reasons; returns the Urgent alerts of an early
/// discharge ("early_discharge") and of vitals not back to baseline ("discharge_vitals").
/// Nothing when no discharge is recorded.
std::vector<Alert> assess_discharge(Session& session, const SafetyThresholds& thresholds);

/// All alerts of a session's vitals, ratings (PHQ-9 item 9, CADSS) and adverse events, in time
/// order (not the discharge alerts: assess_discharge).
std::vector<Alert> evaluate_session(const Session& session, const SafetyThresholds& thresholds);

}  // namespace ketapath::clinic
