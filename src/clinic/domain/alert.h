#pragma once
// Safety alerts raised by the session rules (safety.h: vital signs, PHQ-9 item 9) and stored with
// the session. A clinician acknowledges an alert with a note saying what was done; the
// acknowledgement is itself an audited write (ClinicService::acknowledge_alert).

#include <optional>
#include <string>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"

namespace ketapath::clinic {

enum class AlertLevel {
  Caution,  ///< pre-dose value above the start threshold: assess before dosing
  Pause,    ///< pause the infusion and recheck
  Stop,     ///< stop the infusion and treat
  Urgent,   ///< same-day clinician assessment before discharge (suicide risk, a severe or serious
            ///< adverse event, an early or unstable discharge); not a pump action
};

struct Alert {
  AlertId id{};
  PatientId patient{};
  std::optional<SessionId> session;
  Timestamp raised_at{};  ///< the time of the triggering measurement
  AlertLevel level = AlertLevel::Caution;
  /// "systolic_bp", "diastolic_bp", "heart_rate", "spo2", "phq9_item9", "cadss",
  /// "adverse_event", "adverse_event_unresolved", "early_discharge", "discharge_vitals"
  std::string measure;
  double value = 0.0;
  std::string unit;  ///< "mmHg", "bpm", "%", "points"
  double threshold = 0.0;
  std::string message;  ///< "systolic BP 185 mmHg > pause threshold 180 mmHg during infusion"
  bool acknowledged = false;
  std::string acknowledged_by;
  std::optional<Timestamp> acknowledged_at;
  std::string acknowledgement_note;  ///< what was done: "C-SSRS screen negative, safety plan given"
};

std::string_view to_string(AlertLevel level);
core::Result<AlertLevel> parse_alert_level(std::string_view text);

}  // namespace ketapath::clinic
