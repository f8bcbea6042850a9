#include "clinic/fhir/fhir_export.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "clinic/domain/scales.h"
#include "clinic/domain/time.h"
#include "clinic/fhir/fhir_import.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

using J = nlohmann::ordered_json;

constexpr const char* kUcum = "http://unitsofmeasure.org";
constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kSnomed = "http://snomed.info/sct";
constexpr const char* kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr const char* kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char* kObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr const char* kPatientIdentifier = "https://fhir.ketapath.org/sid/patient";
constexpr const char* kProjectExtension = "https://fhir.ketapath.org/StructureDefinition/";
// RxNorm ingredient ketamine (clinic-practice.md 2.3: 6130, ingredient level).
constexpr const char* kKetamineRxcui = "6130";

// A deterministic urn:uuid (RFC 9562 version 8, "custom") from the patient and the resource's
// local key: the same record exports to the same identifiers, and no two entries share one.
std::string uuid_of(std::int64_t patient, const std::string& key) {
  const auto fnv = [](std::string_view text, std::uint64_t seed) {
    std::uint64_t h = seed;
    for (const char c : text) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    return h;
  };
  const std::string text = fmt::format("ketapath/{}/{}", patient, key);
  const std::uint64_t hi = fnv(text, 14695981039346656037ULL);
  const std::uint64_t lo = fnv(text, hi ^ 0x9e3779b97f4a7c15ULL);
  return fmt::format("urn:uuid:{:08x}-{:04x}-8{:03x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xfff, 0x8000 | ((lo >> 48) & 0x3fff), lo & 0xffffffffffffULL);
}

J coding(const char* system, std::string_view code, std::string_view display) {
  J c{{"system", system}, {"code", code}};
  if (!display.empty()) {
    c["display"] = display;
  }
  return c;
}

J concept_of(std::vector<J> codings, std::string_view text = "") {
  J c{{"coding", std::move(codings)}};
  if (!text.empty()) {
    c["text"] = text;
  }
  return c;
}

J quantity(double value, std::string_view unit, std::string_view ucum) {
  return J{{"value", value}, {"unit", unit}, {"system", kUcum}, {"code", ucum}};
}

J reference(const std::string& urn, std::string_view display = "") {
  J r{{"reference", urn}};
  if (!display.empty()) {
    r["display"] = display;
  }
  return r;
}

J display_only(std::string_view display) {
  return J{{"display", display}};
}

std::string_view gender_of(Sex sex) {
  switch (sex) {
    case Sex::Female:
      return "female";
    case Sex::Male:
      return "male";
    case Sex::Unspecified:
      return "other";
  }
  return "unknown";
}

// SNOMED CT concepts of the disorders, where known (none for "other").
std::optional<J> snomed_of(Disorder disorder) {
  switch (disorder) {
    case Disorder::Gad:
      return coding(kSnomed, "21897009", "Generalized anxiety disorder");
    case Disorder::SocialAnxiety:
      return coding(kSnomed, "25501002", "Social phobia");
    case Disorder::Panic:
      return coding(kSnomed, "371631005", "Panic disorder");
    case Disorder::SpecificPhobia:
    case Disorder::Other:
      return std::nullopt;
  }
  return std::nullopt;
}

J route_of(Route route) {
  switch (route) {
    case Route::Iv:
      return concept_of({coding(kSnomed, "47625008", "Intravenous route")}, "iv");
    case Route::Sc:
      return concept_of({coding(kSnomed, "34206005", "Subcutaneous route")}, "sc");
    case Route::Im:
      return concept_of({coding(kSnomed, "78421000", "Intramuscular route")}, "im");
    case Route::In:
    case Route::Po:
    case Route::Sl:
      // Not clinic routes (kClinicRoutes): a stored session never holds them.
      break;
  }
  return concept_of({}, "unknown");
}

J ketamine() {
  return concept_of({coding(kRxNorm, kKetamineRxcui, "ketamine")}, "ketamine");
}

// The score's code: LOINC where the instrument has a total-score code, else the project's.
J score_code(Scale scale) {
  const ScaleDefinition& def = scale_definition(scale);
  const std::string display = fmt::format("{} total score", def.label);
  if (!def.loinc_total.empty()) {
    return concept_of({coding(kLoinc, def.loinc_total, display)}, display);
  }
  return concept_of(
      {coding(kScoreCodeSystem, fmt::format("{}-total", pd::scale_record_name(scale)), display)},
      display);
}

class BundleBuilder {
 public:
  explicit BundleBuilder(std::int64_t patient) : patient_(patient) {}

  std::string urn(const std::string& key) const { return uuid_of(patient_, key); }

  void add(const std::string& key, J resource) {
    const std::string type = resource.at("resourceType").get<std::string>();
    J with_id{{"resourceType", type}, {"id", fmt::format("{}", key)}};
    for (auto& [name, value] : resource.items()) {
      if (name != "resourceType") {
        with_id[name] = value;
      }
    }
    entries_.push_back(J{{"fullUrl", urn(key)}, {"resource", std::move(with_id)}});
  }

  J bundle(const std::string& timestamp) {
    return J{{"resourceType", "Bundle"},
             {"id", fmt::format("patient-{}-export", patient_)},
             {"type", "collection"},
             {"timestamp", timestamp},
             {"entry", std::move(entries_)}};
  }

 private:
  std::int64_t patient_;
  std::vector<J> entries_;
};

J score_code_system() {
  J concepts = J::array();
  for (const Scale scale : {Scale::HamA, Scale::Lsas, Scale::Fq, Scale::Cadss}) {
    const ScaleDefinition& def = scale_definition(scale);
    concepts.push_back(
        J{{"code", fmt::format("{}-total", pd::scale_record_name(scale))},
          {"display", fmt::format("{} total score", def.label)},
          {"definition", fmt::format("Sum of the {} item answers ({}-{} each), {}-{}", def.items,
                                     def.item_min, def.item_max, 0, def.total_max)}});
  }
  return J{{"resourceType", "CodeSystem"},
           {"url", kScoreCodeSystem},
           {"version", "1"},
           {"name", "KetapathScores"},
           {"title", "Ketapath rating-scale total scores without a LOINC code"},
           {"status", "active"},
           {"experimental", false},
           {"publisher", "Ketapath"},
           {"description",
            "Total scores of rating scales used by the Ketapath clinic that have no LOINC code "
            "(HAM-A, LSAS, FQ, CADSS). GAD-7 and PHQ-9 totals use LOINC 70274-6 and 44261-6."},
           {"caseSensitive", true},
           {"content", "complete"},
           {"count", concepts.size()},
           {"concept", concepts}};
}

class Exporter {
 public:
  explicit Exporter(const FhirExportData& data)
      : d_(data),
        p_(data.record.patient),
        b_(p_.id.value()),
        patient_ref_(reference(b_.urn(patient_key()), p_.name)) {}

  J run() {
    b_.add("codesystem-scores", score_code_system());
    patient();
    conditions();
    consents();
    care_plans();
    int infusion = 0;
    for (const Session& s : d_.record.sessions) {
      session(s, ++infusion);
    }
    for (const Assessment& a : d_.assessments) {
      rating(a.rating, fmt::format("assessment-{}", a.id.value()), std::nullopt, a.amendments,
             "items");
    }
    weights();
    medications();
    alerts();
    return b_.bundle(format_timestamp(d_.record.generated_at));
  }

 private:
  std::string patient_key() const { return fmt::format("patient-{}", p_.id.value()); }

  void patient() {
    b_.add(patient_key(), J{{"resourceType", "Patient"},
                            {"identifier", J::array({J{{"system", kPatientIdentifier},
                                                       {"value", std::to_string(p_.id.value())}}})},
                            {"name", J::array({J{{"text", p_.name}}})},
                            {"gender", gender_of(p_.sex)},
                            {"birthDate", format_date(p_.birth_date)}});
  }

  void conditions() {
    int n = 0;
    for (const Diagnosis& dx : p_.diagnoses) {
      std::vector<J> codings{coding(kIcd10Cm, dx.icd10, "")};
      if (auto snomed = snomed_of(dx.disorder)) {
        codings.push_back(*snomed);
      }
      const std::string key = fmt::format("condition-{}", ++n);
      condition_keys_.push_back(key);
      J condition{
          {"resourceType", "Condition"},
          {"clinicalStatus",
           concept_of({coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                              "Active")})},
          {"verificationStatus",
           concept_of({coding("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                              "confirmed", "Confirmed")})},
          {"category",
           J::array({concept_of({coding("http://terminology.hl7.org/CodeSystem/condition-category",
                                        "problem-list-item", "Problem List Item")})})},
          {"code", concept_of(codings, to_string(dx.disorder))},
          {"subject", patient_ref_},
          {"recordedDate", format_date(dx.diagnosed_on)}};
      if (dx.primary) {  // FHIR has no element for it; the import reads it back
        condition["extension"] =
            J::array({J{{"url", kPrimaryDiagnosisExtension}, {"valueBoolean", true}}});
      }
      b_.add(key, std::move(condition));
    }
  }

  void consents() {
    for (const Consent& c : d_.consents) {
      b_.add(fmt::format("consent-{}", c.id.value()),
             J{{"resourceType", "Consent"},
               {"status", "active"},
               {"scope", concept_of({coding("http://terminology.hl7.org/CodeSystem/consentscope",
                                            "treatment", "Treatment")})},
               {"category", J::array({concept_of({coding(kLoinc, "59284-0", "Patient Consent")})})},
               {"patient", patient_ref_},
               {"dateTime", format_date(c.consented_on)},
               {"policyRule",
                J{{"text", fmt::format("ketamine treatment consent form {}; witnessed by {}",
                                       c.form_version, c.witness)}}}});
    }
  }

  static std::string_view activity_status(PlannedStatus s) {
    switch (s) {
      case PlannedStatus::Planned:
        return "scheduled";
      case PlannedStatus::Done:
        return "completed";
      case PlannedStatus::Missed:
        return "stopped";
      case PlannedStatus::Cancelled:
      case PlannedStatus::Skipped:
        return "cancelled";
    }
    return "unknown";
  }

  void care_plans() {
    for (const Course& c : d_.record.courses) {
      J activities = J::array();
      for (const PlannedSession& s : c.sessions) {
        J detail{{"kind", "MedicationRequest"},
                 {"status", activity_status(s.status)},
                 {"scheduledString", format_date(s.planned_on)},
                 {"productCodeableConcept", ketamine()},
                 {"description",
                  fmt::format("session {}: {} {} mg/kg{}{}", s.number, pd::route_name(s.route),
                              core::display_number(s.dose.value(), 3),
                              s.duration ? fmt::format(" over {} min",
                                                       core::display_number(s.duration->value(), 0))
                                         : "",
                              s.actual_on ? ", given " + format_date(*s.actual_on) : "")}};
        if (!s.note.empty()) {
          detail["statusReason"] = J{{"text", s.note}};
        }
        J activity{{"detail", detail}};
        if (s.session) {
          activity["outcomeReference"] =
              J::array({reference(b_.urn(fmt::format("encounter-{}", s.session->value())))});
        }
        activities.push_back(std::move(activity));
      }
      Date end = c.start;
      for (const PlannedSession& s : c.sessions) {
        end = std::max(end, s.actual_on.value_or(s.planned_on));
      }
      J plan{{"resourceType", "CarePlan"},
             {"status", c.status == CourseStatus::Active      ? "active"
                        : c.status == CourseStatus::Cancelled ? "revoked"
                                                              : "completed"},
             {"intent", "plan"},
             {"title", fmt::format("Ketamine course {}: {}", c.id.value(), to_string(c.protocol))},
             {"subject", patient_ref_},
             {"period", J{{"start", format_date(c.start)}, {"end", format_date(end)}}},
             {"author", display_only(c.created_by)},
             {"activity", activities}};
      if (!condition_keys_.empty()) {
        J addresses = J::array();
        for (const std::string& key : condition_keys_) {
          addresses.push_back(reference(b_.urn(key)));
        }
        plan["addresses"] = addresses;
      }
      if (!c.status_reason.empty()) {
        plan["note"] = J::array({J{{"text", c.status_reason}}});
      }
      b_.add(fmt::format("careplan-{}", c.id.value()), std::move(plan));
    }
  }

  /// An amended record's resource: status "amended" and one note per amendment of `fields`
  /// (the original value, who, when and why), so the original stays visible in the export.
  static void mark_amended(J& resource, const std::vector<Amendment>& amendments,
                           const std::vector<std::string>& fields) {
    for (const Amendment& a : amendments) {
      if (std::find(fields.begin(), fields.end(), a.field) == fields.end()) {
        continue;
      }
      resource["status"] = "amended";
      if (!resource.contains("note")) {
        resource["note"] = J::array();
      }
      resource["note"].push_back(
          J{{"authorString", a.amended_by},
            {"time", format_timestamp(a.amended_at)},
            {"text", fmt::format("amended {}: original {}, amended {} ({})", a.field, a.original,
                                 a.amended, a.reason)}});
    }
  }

  J vital(const std::string& code, const std::string& display, const Timestamp at,
          const std::optional<std::string>& encounter) const {
    J o{{"resourceType", "Observation"},
        {"status", "final"},
        {"category",
         J::array({concept_of({coding(kObservationCategory, "vital-signs", "Vital Signs")},
                              "Vital Signs")})},
        {"code", concept_of({coding(kLoinc, code, display)}, display)},
        {"subject", patient_ref_},
        {"effectiveDateTime", format_timestamp(at)}};
    if (encounter) {
      o["encounter"] = reference(*encounter);
    }
    return o;
  }

  static J absent() {
    return concept_of({coding("http://terminology.hl7.org/CodeSystem/data-absent-reason",
                              "not-performed", "Not Performed")});
  }

  void vitals(const Session& s, const std::string& encounter) {
    int n = 0;
    for (const VitalSigns& v : s.vitals) {
      ++n;
      const std::string key = fmt::format("session-{}-vitals-{}", s.id.value(), n);
      const auto fields = [&](std::initializer_list<const char*> members) {
        std::vector<std::string> out;
        for (const char* m : members) {
          out.push_back(fmt::format("vitals.{}.{}", n, m));
        }
        return out;
      };
      if (v.systolic || v.diastolic) {
        J bp = vital("85354-9", "Blood pressure panel with all children optional", v.measured_at,
                     encounter);
        const auto component = [&](const auto& value, const char* code, const char* display) {
          J c{{"code", concept_of({coding(kLoinc, code, display)}, display)}};
          if (value) {
            c["valueQuantity"] = quantity(value->value(), "mmHg", "mm[Hg]");
          } else {
            c["dataAbsentReason"] = absent();
          }
          return c;
        };
        bp["component"] = J::array({component(v.systolic, "8480-6", "Systolic blood pressure"),
                                    component(v.diastolic, "8462-4", "Diastolic blood pressure")});
        mark_amended(bp, s.amendments, fields({"systolic", "diastolic"}));
        b_.add(key + "-bp", std::move(bp));
      }
      if (v.heart_rate) {
        J hr = vital("8867-4", "Heart rate", v.measured_at, encounter);
        hr["valueQuantity"] = quantity(v.heart_rate->value(), "beats/minute", "/min");
        mark_amended(hr, s.amendments, fields({"heart_rate"}));
        b_.add(key + "-hr", std::move(hr));
      }
      if (v.spo2_percent) {
        J o = vital("2708-6", "Oxygen saturation in Arterial blood", v.measured_at, encounter);
        o["code"]["coding"].push_back(
            coding(kLoinc, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"));
        o["valueQuantity"] = quantity(*v.spo2_percent, "%", "%");
        mark_amended(o, s.amendments, fields({"spo2"}));
        b_.add(key + "-spo2", std::move(o));
      }
    }
  }

  /// `amendments` and `items_field`: the record's amendments and the field name of this rating's
  /// items ("ratings.2.items" in a session, "items" in an assessment).
  void rating(const ScaleRating& r, const std::string& key,
              const std::optional<std::string>& encounter, const std::vector<Amendment>& amendments,
              const std::string& items_field) {
    J items = J::array();
    for (std::size_t i = 0; i < r.items.size(); ++i) {
      items.push_back(J{{"linkId", std::to_string(i + 1)},
                        {"answer", J::array({J{{"valueInteger", r.items[i]}}})}});
    }
    J qr{{"resourceType", "QuestionnaireResponse"},
         {"questionnaire", fmt::format("https://fhir.ketapath.org/Questionnaire/{}",
                                       pd::scale_record_name(r.scale))},
         {"status", "completed"},
         {"subject", patient_ref_},
         {"authored", format_timestamp(r.rated_at)},
         {"item", items}};
    if (encounter) {
      qr["encounter"] = reference(*encounter);
    }
    if (!r.rater.empty()) {
      qr["author"] = display_only(r.rater);
    }
    mark_amended(qr, amendments, {items_field});
    b_.add(key + "-answers", std::move(qr));
    J o{{"resourceType", "Observation"},
        {"status", "final"},
        {"category", J::array({concept_of({coding(kObservationCategory, "survey", "Survey")})})},
        {"code", score_code(r.scale)},
        {"subject", patient_ref_},
        {"effectiveDateTime", format_timestamp(r.rated_at)},
        {"valueQuantity", quantity(r.total, "{score}", "{score}")},
        {"derivedFrom", J::array({reference(b_.urn(key + "-answers"))})}};
    if (encounter) {
      o["encounter"] = reference(*encounter);
    }
    if (!r.rater.empty()) {
      o["performer"] = J::array({display_only(r.rater)});
    }
    mark_amended(o, amendments, {items_field});
    b_.add(key + "-total", std::move(o));
  }

  void session(const Session& s, int infusion) {
    const std::string encounter_key = fmt::format("encounter-{}", s.id.value());
    const std::string encounter = b_.urn(encounter_key);
    J enc{
        {"resourceType", "Encounter"},
        {"status", "finished"},
        {"class", coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory")},
        {"type", J::array({J{{"text", fmt::format("ketamine treatment session (infusion {})",
                                                  infusion)}}})},
        {"subject", patient_ref_},
        {"period",
         J{{"start", format_timestamp(s.started_at)}, {"end", format_timestamp(s.ended_at)}}}};
    if (!condition_keys_.empty()) {
      enc["reasonReference"] = J::array({reference(b_.urn(condition_keys_.front()))});
    }
    b_.add(encounter_key, std::move(enc));
    const std::string administration_key = fmt::format("administration-{}", s.id.value());
    const Timestamp dose_end = s.dose_ended_at.value_or(s.started_at);
    J dosage{{"text", fmt::format("{} {} mg/kg = {} mg", pd::route_name(s.route),
                                  core::display_number(s.dose_per_kg.value(), 3),
                                  core::display_number(s.dose.value()))},
             {"route", route_of(s.route)},
             {"dose", quantity(s.dose.value(), "mg", "mg")}};
    const double hours =
        std::chrono::duration<double, std::ratio<3600>>(dose_end - s.started_at).count();
    if (s.route == Route::Iv && hours > 0) {
      dosage["rateRatio"] = J{{"numerator", quantity(s.dose.value() / hours, "mg", "mg")},
                              {"denominator", quantity(1, "h", "h")}};
    }
    J administration{{"resourceType", "MedicationAdministration"},
                     {"status", "completed"},
                     {"medicationCodeableConcept", ketamine()},
                     {"subject", patient_ref_},
                     {"context", reference(encounter)},
                     {"effectivePeriod", J{{"start", format_timestamp(s.started_at)},
                                           {"end", format_timestamp(dose_end)}}},
                     {"dosage", dosage}};
    if (!s.recorded_by.empty()) {
      administration["performer"] = J::array({J{{"actor", display_only(s.recorded_by)}}});
    }
    b_.add(administration_key, std::move(administration));
    vitals(s, encounter);
    int n = 0;
    for (const ScaleRating& r : s.ratings) {
      ++n;
      rating(r, fmt::format("session-{}-rating-{}", s.id.value(), n), encounter, s.amendments,
             fmt::format("ratings.{}.items", n));
    }
    n = 0;
    for (const AdverseEvent& e : s.adverse_events) {
      J event{
          {"resourceType", "AdverseEvent"},
          {"actuality", "actual"},
          {"event", J{{"text", e.description}}},
          {"subject", patient_ref_},
          {"encounter", reference(encounter)},
          {"date", format_timestamp(e.onset_at)},
          {"seriousness",
           concept_of({coding("http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
                              e.serious ? "serious" : "non-serious",
                              e.serious ? "Serious" : "Non-serious")})},
          {"severity",
           concept_of({coding("http://terminology.hl7.org/CodeSystem/adverse-event-severity",
                              to_string(e.severity), "")})},
          {"outcome",
           concept_of(
               {coding("http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                       e.resolved ? "resolved" : "ongoing", e.resolved ? "Resolved" : "Ongoing")},
               e.outcome)},
          {"suspectEntity", J::array({J{{"instance", reference(b_.urn(administration_key))}}})}};
      ++n;
      if (!e.action.empty()) {
        event["extension"] =
            J::array({J{{"url", std::string(kProjectExtension) + "adverse-event-action"},
                        {"valueString", e.action}}});
      }
      // AdverseEvent has no status or note in R4: each amendment is an extension.
      const std::string prefix = fmt::format("adverse_events.{}.", n);
      for (const Amendment& a : s.amendments) {
        if (a.field.starts_with(prefix)) {
          if (!event.contains("extension")) {
            event["extension"] = J::array();
          }
          event["extension"].push_back(
              J{{"url", std::string(kProjectExtension) + "amendment"},
                {"valueString", fmt::format("amended {} at {} by {}: original {}, amended {} ({})",
                                            a.field, format_timestamp(a.amended_at), a.amended_by,
                                            a.original, a.amended, a.reason)}});
        }
      }
      b_.add(fmt::format("session-{}-adverse-event-{}", s.id.value(), n), std::move(event));
    }
  }

  /// The medications taken on the export's day (medication.h), one MedicationStatement each;
  /// dateAsserted is the last reconciliation, when there was one.
  void medications() {
    const Date today = day_of(d_.record.generated_at);
    const auto reconciled = last_reconciled(p_.medications, today);
    int n = 0;
    for (const ActiveMedication& m : active_medications(p_.medications, today)) {
      J statement{{"resourceType", "MedicationStatement"},
                  {"status", "active"},
                  {"medicationCodeableConcept", J{{"text", m.name}}},
                  {"subject", patient_ref_},
                  {"effectivePeriod", J{{"start", format_date(m.started_on)}}}};
      std::string dosage = m.dose;
      if (!m.frequency.empty()) {
        dosage += (dosage.empty() ? "" : " ") + m.frequency;
      }
      if (!dosage.empty()) {
        statement["dosage"] = J::array({J{{"text", dosage}}});
      }
      if (reconciled) {
        statement["dateAsserted"] = format_date(*reconciled);
      }
      b_.add(fmt::format("medication-{}", ++n), std::move(statement));
    }
  }

  void weights() {
    int n = 0;
    for (const WeightRecord& w : p_.weights) {
      J o{{"resourceType", "Observation"},
          {"status", "final"},
          {"category",
           J::array({concept_of({coding(kObservationCategory, "vital-signs", "Vital Signs")},
                                "Vital Signs")})},
          {"code", concept_of({coding(kLoinc, "29463-7", "Body weight")}, "Body weight")},
          {"subject", patient_ref_},
          {"effectiveDateTime", format_date(w.measured_on)},
          {"valueQuantity", quantity(w.weight.value(), "kg", "kg")}};
      if (w.estimated) {
        o["extension"] = J::array({J{{"url", kEstimatedWeightExtension}, {"valueBoolean", true}}});
        o["note"] = J::array({J{{"text", "estimated or patient-stated, not weighed"}}});
      }
      b_.add(fmt::format("weight-{}", ++n), std::move(o));
    }
  }

  static std::string_view issue_severity(AlertLevel level) {
    switch (level) {
      case AlertLevel::Urgent:
      case AlertLevel::Stop:
        return "high";
      case AlertLevel::Pause:
        return "moderate";
      case AlertLevel::Caution:
        return "low";
    }
    return "low";
  }

  void alerts() {
    for (const Alert& a : d_.record.alerts) {
      J issue{{"resourceType", "DetectedIssue"},
              {"status", "final"},
              {"code", J{{"text", a.measure}}},
              {"severity", issue_severity(a.level)},
              {"patient", patient_ref_},
              {"identifiedDateTime", format_timestamp(a.raised_at)},
              {"detail", fmt::format("{} ({})", a.message, to_string(a.level))}};
      if (a.session) {
        issue["implicated"] =
            J::array({reference(b_.urn(fmt::format("encounter-{}", a.session->value())))});
      }
      if (a.acknowledged) {
        J mitigation{
            {"action", J{{"text", a.acknowledgement_note.empty() ? std::string("acknowledged")
                                                                 : a.acknowledgement_note}}},
            {"author", display_only(a.acknowledged_by)}};
        if (a.acknowledged_at) {
          mitigation["date"] = format_timestamp(*a.acknowledged_at);
        }
        issue["mitigation"] = J::array({mitigation});
      }
      b_.add(fmt::format("alert-{}", a.id.value()), std::move(issue));
    }
  }

  const FhirExportData& d_;
  const Patient& p_;
  BundleBuilder b_;
  J patient_ref_;
  std::vector<std::string> condition_keys_;
};

}  // namespace

core::Result<FhirExportData> fhir_export_data(ClinicService& service, PatientId id) {
  FhirExportData d;
  d.record = KETAPATH_TRY(service.report_data(id));
  d.consents = KETAPATH_TRY(service.consents(id));
  d.assessments = KETAPATH_TRY(service.assessments(id));
  return d;
}

nlohmann::ordered_json fhir_bundle(const FhirExportData& data) {
  return Exporter(data).run();
}

nlohmann::ordered_json fhir_searchset(nlohmann::ordered_json bundle) {
  bundle["type"] = "searchset";
  int matches = 0;
  for (auto& entry : bundle["entry"]) {
    const bool match = entry.at("resource").at("resourceType") == "Patient";
    matches += match ? 1 : 0;
    entry["search"] = J{{"mode", match ? "match" : "include"}};
  }
  // Bundle.total follows type (R4 orders elements as: resourceType, id, type, total, ...).
  J out{{"resourceType", "Bundle"},
        {"id", bundle.at("id")},
        {"type", "searchset"},
        {"total", matches}};
  for (auto& [name, value] : bundle.items()) {
    if (!out.contains(name)) {
      out[name] = std::move(value);
    }
  }
  return out;
}

}  // namespace ketapath::clinic
