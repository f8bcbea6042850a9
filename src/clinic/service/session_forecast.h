#pragma once
// The PK/PD-aware session for one patient (issue 13 item 4): what the model predicts for a dose
// about to be given (or one already given, to check its recorded vitals): plasma and effect-site
// ketamine, CADSS and the blood-pressure and heart-rate rises with 80% and 95% bands across
// patients like this one (estimation/session_prediction.h), when to take vitals, the predicted
// earliest discharge (never before the clinic's minimum observation) and the recorded readings
// outside the 95% band. Decision support: the clinic's alerts and discharge check still decide.
//
// A use case of the service layer over ClinicService's read use cases (patient, sessions,
// safety thresholds), which check the acting user; read-only (the chart read is logged).
//
// Example:
//   auto p = clinic::forecast_session(service, patient, model,
//                                     {.route = Route::Iv, .dose =
//                                     core::MilligramsPerKilogram(0.5)});

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinic/domain/drug_library.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"
#include "core/units.h"
#include "estimation/session_prediction.h"

namespace ketapath::pd {
struct KetamineModel;
}

namespace ketapath::clinic {

class ClinicService;

struct SessionForecastQuery {
  std::string model_label;  ///< model name and version, shown with the prediction
  /// A recorded session: its dose, and its vitals checked against the bands. Otherwise the dose
  /// about to be given (route, mg/kg, IV duration; the patient's latest weight) as the next
  /// session after every recorded one.
  std::optional<SessionId> session;
  Route route = Route::Iv;
  core::MilligramsPerKilogram dose{0.5};
  core::Minutes duration{40.0};  ///< IV infusion time (the protocol's 40 min)
  std::uint64_t seed = 1;
  int draws = 500;
};

struct ClinicSessionForecast {
  PatientId patient{};
  std::string model;
  std::optional<SessionId> session;
  std::optional<Timestamp> started_at;  ///< of the recorded session
  Route route = Route::Iv;
  core::Milligrams dose{};
  core::Kilograms weight{};
  core::Minutes duration{0.0};
  std::vector<std::string> data_notes;  ///< what the prediction rests on and leaves out
  estimation::SessionPrediction prediction;
  std::vector<estimation::ReadingCheck> readings;  ///< recorded session only
};

/// Errors: NotFound (patient, session of another patient), Validation (no weight on record for a
/// dose to come, a non-positive dose, a recorded session without a dose), the read use cases'
/// Unauthorized; InvalidArgument from the engine.
core::Result<ClinicSessionForecast> forecast_session(ClinicService& clinic, PatientId id,
                                                     const pd::KetamineModel& model,
                                                     const SessionForecastQuery& query);

nlohmann::json to_json(const ClinicSessionForecast& forecast);

}  // namespace ketapath::clinic
