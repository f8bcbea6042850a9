#pragma once
// The de-identified research export (issue 14 item 5; docs/clinic.md "Research export"): the
// clinic's courses, doses, ratings and adverse events across patients as one CSV for outcome
// studies of its own population. No names, contacts, staff names, identifiers or free text; no
// dates: every day is an offset from the subject's first visit (day 0), every time within a
// session minutes from its dose start; age at the first visit in whole years, 90 and over
// grouped as "90+". Subjects are numbered S1..Sn in an order the caller chooses (the service
// shuffles it, so the numbers say nothing about who came first).

#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/assessment.h"
#include "clinic/domain/clearance.h"
#include "clinic/domain/course.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"

namespace ketapath::clinic {

/// One patient's records as the export reads them.
struct ResearchSubject {
  Patient patient;
  std::vector<ScreeningRecord> screenings;
  std::vector<Consent> consents;
  std::vector<Course> courses;
  std::vector<Session> sessions;
  std::vector<Assessment> assessments;
};

/// Day 0: the earliest day the patient was seen here (a screening visit, the consent, a
/// session); the registration day when there is none yet. Imported history and follow-up
/// ratings are not visits.
Date first_visit(const ResearchSubject& subject);

/// "90+" from 90 years on, else the whole years.
std::string research_age(int years);

inline constexpr std::string_view kResearchCsvHeader =
    "subject,age_at_first_visit,sex,record,day,course,protocol,course_status,infusion,route,"
    "dose_mg_per_kg,dose_mg,infusion_min,scale,total,rating_source,minutes_after_dose_start,"
    "severity,serious,resolved";

struct ResearchCsv {
  std::string text;  ///< header line + one line per record
  int subjects = 0;
  int rows = 0;
};

/// The CSV of `subjects`, numbered S1.. in the given order. One row per course (record
/// `course`), dose given (`dose`, its infusion number counted per subject), rating (`rating`:
/// rating_source `session`, `follow_up` or `external` for imported history) and adverse event
/// (`adverse_event`: severity, serious, resolved; its description is free text and left out).
ResearchCsv research_csv(const std::vector<ResearchSubject>& subjects);

}  // namespace ketapath::clinic
