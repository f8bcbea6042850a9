// ClinicService::research_export: the de-identified research CSV (research_export.h), read in
// one transaction that also carries its audit entry.

#include <algorithm>
#include <random>

#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {

core::Result<ResearchCsv> ClinicService::research_export() {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::ExportResearch));
  std::vector<ResearchSubject> subjects;
  for (Patient& p : KETAPATH_TRY(tx->patients().list())) {
    ResearchSubject s;
    s.screenings = KETAPATH_TRY(tx->screenings().list_for_patient(p.id));
    s.consents = KETAPATH_TRY(tx->clearances().consents(p.id));
    s.courses = KETAPATH_TRY(tx->courses().list_for_patient(p.id));
    s.sessions = KETAPATH_TRY(tx->sessions().list_for_patient(p.id));
    s.assessments = KETAPATH_TRY(tx->assessments().list_for_patient(p.id));
    s.patient = std::move(p);
    subjects.push_back(std::move(s));
  }
  // The subject numbers must not follow registration (the patient ids): a random order.
  std::shuffle(subjects.begin(), subjects.end(), std::mt19937_64(std::random_device{}()));
  ResearchCsv csv = research_csv(subjects);
  KETAPATH_TRY(tx->append_audit(audit_record(
      "research.export", "research", "null",
      canonical(
          Json{{"format", "research-csv"}, {"subjects", csv.subjects}, {"rows", csv.rows}}))));
  KETAPATH_TRY(tx->commit());
  return csv;
}

}  // namespace ketapath::clinic
