// ClinicService::report_data: what the letter to the care team shows, gathered through the use
// cases (each checks the acting user may read).

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

}  // namespace ketapath::clinic
