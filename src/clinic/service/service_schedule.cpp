// The clinic's day schedule (ClinicService::day_schedule): the planned sessions due on a day.

#include <algorithm>
#include <tuple>

#include "clinic/service/service.h"

namespace ketapath::clinic {

core::Result<std::vector<ScheduledSession>> ClinicService::day_schedule(Date day) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  std::vector<ScheduledSession> due;
  for (const Patient& patient : KETAPATH_TRY(tx->patients().list())) {
    for (const Course& course : KETAPATH_TRY(tx->courses().list_for_patient(patient.id))) {
      if (course.status != CourseStatus::Active) {
        continue;
      }
      for (const PlannedSession& planned : course.sessions) {
        if (planned.status == PlannedStatus::Planned && planned.planned_on == day) {
          due.push_back(ScheduledSession{.patient = patient.id,
                                         .patient_name = patient.name,
                                         .course = course.id,
                                         .protocol = course.protocol,
                                         .of = static_cast<int>(course.sessions.size()),
                                         .session = planned});
        }
      }
    }
  }
  std::ranges::sort(due, [](const ScheduledSession& a, const ScheduledSession& b) {
    return std::tuple(a.patient_name, a.patient.value(), a.course.value(), a.session.number) <
           std::tuple(b.patient_name, b.patient.value(), b.course.value(), b.session.number);
  });
  return due;
}

}  // namespace ketapath::clinic
