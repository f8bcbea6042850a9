#pragma once
// A course template as a protocol regimen: the clinic's templates (course_templates.h) are built
// on the protocol's schedules (protocol/schedule.h, the same a trial design uses), so a course and
// a design schedule doses one way, and the model can simulate a planned course like any regimen.
//
// Example:
//   auto regimen = clinic::course_regimen(CourseProtocol::IvLoading, {});
//   // one phase: IV 0.5 mg/kg over 40 min, protocol::loading_schedule(6, 3): days 0 2 4 7 9 11

#include "clinic/domain/course_templates.h"
#include "protocol/regimen.h"

namespace ketapath::clinic {

/// The template's phases on protocol schedules (ascending SC: interval_schedule(1 week, 3); IV
/// loading: loading_schedule(6, 2 or 3); weekly and twice weekly: weekly_schedule(1 or 2,
/// weeks); taper: weekly_schedule(2, 4), weekly_schedule(1, 4), then interval_schedule(2 weeks)),
/// with mg/kg doses and the options' route, dose and IV infusion duration applied. Errors as
/// plan_sessions (Validation naming the option and value).
core::Result<protocol::Regimen> course_regimen(CourseProtocol protocol,
                                               const CoursePlanOptions& options);

}  // namespace ketapath::clinic
