#pragma once
// Safety alerts raised by vital-sign rules (safety.h) and stored with the session.

#include <optional>
#include <string>

#include "clinic/ids.h"
#include "clinic/time.h"

namespace ketapath::clinic {

enum class AlertLevel {
  Caution,  ///< pre-dose value above the start threshold: assess before dosing
  Pause,    ///< pause the infusion and recheck
  Stop,     ///< stop the infusion and treat
};

struct Alert {
  AlertId id{};
  PatientId patient{};
  std::optional<SessionId> session;
  Timestamp raised_at{};  ///< the time of the triggering measurement
  AlertLevel level = AlertLevel::Caution;
  std::string measure;  ///< "systolic_bp", "diastolic_bp", "heart_rate", "spo2"
  double value = 0.0;
  std::string unit;  ///< "mmHg", "bpm", "%"
  double threshold = 0.0;
  std::string message;  ///< "systolic BP 185 mmHg > pause threshold 180 mmHg during infusion"
  bool acknowledged = false;
  std::string acknowledged_by;
};

std::string_view to_string(AlertLevel level);
core::Result<AlertLevel> parse_alert_level(std::string_view text);

}  // namespace ketapath::clinic
