// The text values the CLI parses itself (not CLI11): doses with units (`--dose 0.5mg/kg`), dates
// and times, the audit anchor, and the enumerations (route, sex, scale, ...). Every parser gets
// the whole input as its value.
#include <string>

#include "clinic/domain/alert.h"
#include "clinic/domain/audit.h"
#include "clinic/domain/course.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/dose_calculator.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/scales.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "clinic/domain/time.h"
#include "fuzz/fuzz_support.h"

namespace {

template <class Result>
void refused_cleanly(const Result& r, std::string_view field) {
  if (!r) {
    ketapath::fuzz::check_refusal(r.error(), field);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  const std::string_view text = fuzz::as_text(data, size);
  refused_cleanly(clinic::parse_dose_per_kg(text, "--dose"), "--dose");
  refused_cleanly(clinic::parse_date(text, "--on"), "--on");
  refused_cleanly(clinic::parse_timestamp(text, "--at"), "--at");
  (void)clinic::parse_audit_anchor(text);
  (void)clinic::parse_clinic_route(text);
  (void)clinic::parse_sex(text);
  (void)clinic::parse_disorder(text);
  (void)clinic::parse_treatment_kind(text);
  (void)clinic::parse_trial_outcome(text);
  (void)clinic::parse_scale(text);
  (void)clinic::parse_phase(text);
  (void)clinic::parse_severity(text);
  (void)clinic::parse_alert_level(text);
  (void)clinic::parse_course_protocol(text);
  (void)clinic::parse_planned_status(text);
  (void)clinic::parse_course_status(text);
  (void)clinic::parse_limit_level(text);
  (void)clinic::parse_eligibility(text);
  (void)clinic::parse_resistance_definition(text);
  return 0;
}
