// ClinicService::report_data: what the letter to the care team shows, gathered through the use
// cases (each checks the acting user may read).

#include "clinic/service/report.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {

core::Result<ReportData> ClinicService::report_data(PatientId id) {
  ReportData d;
  d.patient = KETAPATH_TRY(patient(id));
  d.screenings = KETAPATH_TRY(screenings(id));
  d.courses = KETAPATH_TRY(courses(id));
  d.sessions = KETAPATH_TRY(sessions(id));
  d.doses = KETAPATH_TRY(doses(id));
  d.alerts = KETAPATH_TRY(alerts(id));
  d.care_team = KETAPATH_TRY(care_team(id));
  d.plan = KETAPATH_TRY(response_plan(id));
  d.generated_at = now();
  d.generated_by = actor();
  return d;
}

core::Status add_forecast(ClinicService& clinic, ReportData& d, const pd::KetamineModel& model,
                          const ForecastQuery& query) {
  auto f = forecast(clinic, d.patient.id, model, query);
  if (!f && f.error().code == core::ErrorCode::Solver) {
    ClinicForecast failed;
    failed.patient = d.patient.id;
    failed.model = query.model_label;
    failed.sufficient = false;
    failed.insufficient_reason = "the patient's model could not be fitted: " + f.error().message;
    failed.rule = d.plan;
    d.forecast = std::move(failed);
  } else {
    d.forecast = KETAPATH_TRY(std::move(f));
  }
  d.forecast_decisions = KETAPATH_TRY(clinic.forecast_decisions(d.patient.id));
  return {};
}

}  // namespace ketapath::clinic
