#include "clinic/fhir/fhir_import.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "clinic/domain/time.h"
#include "clinic/fhir/fhir_export.h"
#include "clinic/json/json.h"
#include "core/check.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

using Json = nlohmann::json;
using core::ErrorCode;

constexpr std::string_view kUcum = "http://unitsofmeasure.org";
constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr std::string_view kWeightLoinc = "29463-7";
constexpr std::string_view kQuestionnairePrefix = "https://fhir.ketapath.org/Questionnaire/";
constexpr std::size_t kMaxItems = 200;

constexpr Scale kScales[] = {Scale::HamA, Scale::Gad7, Scale::Fq,
                             Scale::Lsas, Scale::Phq9, Scale::Cadss};

// The disorder an ICD-10-CM code records (validation.cpp validate_diagnosis holds the codes).
Disorder disorder_of(std::string_view code) {
  if (code == "F41.1") {
    return Disorder::Gad;
  }
  if (code == "F40.10" || code == "F40.11") {
    return Disorder::SocialAnxiety;
  }
  if (code == "F41.0") {
    return Disorder::Panic;
  }
  if (code.substr(0, 5) == "F40.2") {
    return Disorder::SpecificPhobia;
  }
  return Disorder::Other;
}

class Importer {
 public:
  Importer(const Json& bundle, std::string_view where) : bundle_(bundle), where_(where) {}

  core::Result<ExternalRecord> run() {
    KETAPATH_TRY(envelope());
    KETAPATH_TRY(index());
    KETAPATH_TRY(patient());
    for (std::size_t i = 0; i < entries_->size(); ++i) {
      const Json& r = resource(i);
      const std::string type = r.at("resourceType").get<std::string>();
      if (type == "Patient") {
        continue;
      }
      if (type == "Condition") {
        KETAPATH_TRY(condition(i));
      } else if (type == "Observation") {
        KETAPATH_TRY(observation(i));
      } else if (type != "QuestionnaireResponse") {
        skip(type, reason_for(type));
      }
    }
    for (std::size_t i = 0; i < entries_->size(); ++i) {
      if (resource(i).at("resourceType") == "QuestionnaireResponse" && !used_.contains(i)) {
        skip("QuestionnaireResponse", "answers without a score Observation derived from them");
      }
    }
    for (const auto& [what, count] : skipped_) {
      out_.not_imported.push_back(fmt::format("{} {}", count, what));
    }
    return std::move(out_);
  }

 private:
  // --- errors and small readers ------------------------------------------------------------

  template <class... Args>
  core::Error error(ErrorCode code, std::size_t i, std::string_view element,
                    fmt::format_string<Args...> problem, Args&&... args) const {
    return core::Error{code, fmt::format("{}: {}: {}", label(i), element,
                                         fmt::format(problem, std::forward<Args>(args)...))};
  }

  std::string label(std::size_t i) const {
    const Json& r = resource(i);
    const Json* id = r.contains("id") ? &r.at("id") : nullptr;
    return fmt::format("{}: entry[{}] {}/{}", where_, i, r.at("resourceType").get<std::string>(),
                       id != nullptr && id->is_string() ? core::excerpt(id->get<std::string>(), 64)
                                                        : std::string("(no id)"));
  }

  const Json& resource(std::size_t i) const { return (*entries_)[i].at("resource"); }

  // An optional string element; a value of another JSON type is refused.
  core::Result<std::optional<std::string>> text(std::size_t i, const Json& parent,
                                                std::string_view key, std::string_view path) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      return std::optional<std::string>();
    }
    if (!it->is_string()) {
      return std::unexpected(
          error(ErrorCode::InvalidData, i, path, "must be a string (got {})", describe_json(*it)));
    }
    return std::optional<std::string>(it->get<std::string>());
  }

  core::Result<std::string> required_text(std::size_t i, const Json& parent, std::string_view key,
                                          std::string_view path, std::string_view needed) const {
    auto value = KETAPATH_TRY(text(i, parent, key, path));
    if (!value) {
      return std::unexpected(error(ErrorCode::Validation, i, path, "is required ({})", needed));
    }
    return *value;
  }

  // An array element (absent: empty); another JSON type is refused.
  core::Result<const Json*> array(std::size_t i, const Json& parent, std::string_view key,
                                  std::string_view path) const {
    static const Json kEmpty = Json::array();
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      return &kEmpty;
    }
    if (!it->is_array()) {
      return std::unexpected(
          error(ErrorCode::InvalidData, i, path, "must be an array (got {})", describe_json(*it)));
    }
    return &*it;
  }

  core::Result<const Json*> object(std::size_t i, const Json& parent, std::string_view key,
                                   std::string_view path) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      return nullptr;
    }
    if (!it->is_object()) {
      return std::unexpected(
          error(ErrorCode::InvalidData, i, path, "must be an object (got {})", describe_json(*it)));
    }
    return &*it;
  }

  // The codes of a CodeableConcept with this system ("" when none).
  core::Result<std::vector<std::string>> codes(std::size_t i, const Json& concept_,
                                               std::string_view path,
                                               std::string_view system) const {
    std::vector<std::string> out;
    const Json* codings =
        KETAPATH_TRY(array(i, concept_, "coding", fmt::format("{}.coding", path)));
    for (std::size_t k = 0; k < codings->size(); ++k) {
      const std::string at = fmt::format("{}.coding[{}]", path, k);
      const Json& c = (*codings)[k];
      if (!c.is_object()) {
        return std::unexpected(
            error(ErrorCode::InvalidData, i, at, "must be an object (got {})", describe_json(c)));
      }
      const auto sys = KETAPATH_TRY(text(i, c, "system", at + ".system"));
      const auto code = KETAPATH_TRY(text(i, c, "code", at + ".code"));
      if (sys && *sys == system && code) {
        out.push_back(*code);
      }
    }
    return out;
  }

  core::Result<std::optional<bool>> extension_flag(std::size_t i, const Json& r,
                                                   std::string_view url) const {
    const Json* extensions = KETAPATH_TRY(array(i, r, "extension", "extension"));
    for (std::size_t k = 0; k < extensions->size(); ++k) {
      const Json& e = (*extensions)[k];
      if (e.is_object() && e.value("url", "") == url) {
        const auto it = e.find("valueBoolean");
        if (it == e.end() || !it->is_boolean()) {
          return std::unexpected(error(ErrorCode::InvalidData, i,
                                       fmt::format("extension[{}].valueBoolean", k),
                                       "must be true or false for {}", url));
        }
        return std::optional<bool>(it->get<bool>());
      }
    }
    return std::optional<bool>();
  }

  // FHIR dateTime / instant: seconds resolution (fractions dropped), an offset or Z required
  // by FHIR when there is a time; a bare date is not a time of a rating.
  core::Result<Timestamp> instant(std::size_t i, const std::string& value,
                                  std::string_view path) const {
    std::string t = value.substr(0, 64);
    if (const auto dot = t.find('.'); dot != std::string::npos && dot > 10) {
      std::size_t end = dot + 1;
      while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end])) != 0) {
        ++end;
      }
      t.erase(dot, end - dot);
    }
    auto at = parse_timestamp(t, path);
    if (!at) {
      return std::unexpected(error(ErrorCode::InvalidData, i, path,
                                   "must be a FHIR dateTime with a time, "
                                   "YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm) (got \"{}\")",
                                   core::excerpt(value)));
    }
    return *at;
  }

  core::Result<Date> day(std::size_t i, const std::string& value, std::string_view path) const {
    auto d = parse_date(std::string_view(value).substr(0, 10), path);
    if (!d || (value.size() > 10 && value[10] != 'T')) {
      return std::unexpected(error(ErrorCode::InvalidData, i, path,
                                   "must be a full date YYYY-MM-DD or a dateTime (got \"{}\")",
                                   core::excerpt(value)));
    }
    return *d;
  }

  // The subject must be the Bundle's Patient (a Bundle about two people is refused).
  core::Status about_the_patient(std::size_t i, const Json& r, std::string_view key) const {
    const Json* subject = KETAPATH_TRY(object(i, r, key, key));
    const auto ref =
        subject == nullptr
            ? std::optional<std::string>()
            : KETAPATH_TRY(text(i, *subject, "reference", fmt::format("{}.reference", key)));
    if (!ref || !patient_refs_.contains(*ref)) {
      return std::unexpected(
          error(ErrorCode::Validation, i, fmt::format("{}.reference", key),
                "must refer to the Bundle's Patient ({}) (got {})",
                patient_refs_.empty() ? std::string("which has neither fullUrl nor id")
                                      : core::excerpt(*patient_refs_.begin()),
                ref ? fmt::format("\"{}\"", core::excerpt(*ref)) : std::string("nothing")));
    }
    return {};
  }

  void skip(const std::string& type, std::string_view why) {
    ++skipped_[fmt::format("{} ({})", type, why)];
  }

  static std::string_view reason_for(const std::string& type) {
    if (type == "Encounter" || type == "MedicationAdministration") {
      return "sessions and doses given elsewhere are not doses given here";
    }
    if (type == "CodeSystem") {
      return "terminology, not the record";
    }
    if (type == "Consent") {
      return "consent given elsewhere does not clear treatment here";
    }
    return "not part of what the import takes";
  }

  // --- the Bundle -----------------------------------------------------------------------------

  core::Status envelope() {
    if (!bundle_.is_object() || bundle_.value("resourceType", Json()) != "Bundle") {
      return core::fail(ErrorCode::InvalidData, "{}: resourceType: must be \"Bundle\" (got {})",
                        where_,
                        bundle_.is_object() && bundle_.contains("resourceType")
                            ? describe_json(bundle_.at("resourceType"))
                            : describe_json(bundle_));
    }
    static const std::set<std::string> kTypes = {"collection", "searchset", "document",
                                                 "transaction", "batch"};
    const Json type = bundle_.value("type", Json());
    if (!type.is_string() || !kTypes.contains(type.get<std::string>())) {
      return core::fail(ErrorCode::Validation,
                        "{}: type: must be collection, searchset, document, transaction or batch "
                        "(got {})",
                        where_, describe_json(type));
    }
    const auto it = bundle_.find("entry");
    if (it == bundle_.end() || !it->is_array()) {
      return core::fail(ErrorCode::InvalidData, "{}: entry: must be an array of entries (got {})",
                        where_, it == bundle_.end() ? "nothing" : describe_json(*it));
    }
    if (it->size() > kMaxFhirImportEntries) {
      return core::fail(ErrorCode::InvalidData, "{}: entry: at most {} entries (got {})", where_,
                        kMaxFhirImportEntries, it->size());
    }
    entries_ = &*it;
    const Json id = bundle_.value("id", Json());
    out_.origin =
        fmt::format("FHIR Bundle {}", id.is_string() ? core::excerpt(id.get<std::string>(), 64)
                                                     : std::string("(no id)"));
    return {};
  }

  core::Status index() {
    for (std::size_t i = 0; i < entries_->size(); ++i) {
      const Json& e = (*entries_)[i];
      const auto r = e.is_object() ? e.find("resource") : e.end();
      if (!e.is_object() || r == e.end() || !r->is_object() || !r->contains("resourceType") ||
          !r->at("resourceType").is_string()) {
        return core::fail(ErrorCode::InvalidData,
                          "{}: entry[{}]: must be an object with a resource that has a "
                          "resourceType (got {})",
                          where_, i, describe_json(e));
      }
      const std::string type = r->at("resourceType").get<std::string>();
      if (const auto url = e.find("fullUrl"); url != e.end()) {
        if (!url->is_string()) {
          return core::fail(ErrorCode::InvalidData,
                            "{}: entry[{}].fullUrl: must be a string (got {})", where_, i,
                            describe_json(*url));
        }
        KETAPATH_TRY(remember(url->get<std::string>(), i, "fullUrl"));
      }
      if (const auto id = r->find("id"); id != r->end()) {
        if (!id->is_string()) {
          return std::unexpected(error(ErrorCode::InvalidData, i, "id", "must be a string (got {})",
                                       describe_json(*id)));
        }
        KETAPATH_TRY(remember(type + "/" + id->get<std::string>(), i, "id"));
      }
    }
    return {};
  }

  core::Status remember(const std::string& key, std::size_t i, std::string_view element) {
    const auto [it, fresh] = refs_.emplace(key, i);
    if (!fresh && it->second != i) {
      return std::unexpected(error(ErrorCode::Validation, i, element,
                                   "\"{}\" is also entry[{}]: references would be ambiguous",
                                   core::excerpt(key), it->second));
    }
    return {};
  }

  // --- resources ------------------------------------------------------------------------------

  core::Status patient() {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < entries_->size(); ++i) {
      if (resource(i).at("resourceType") == "Patient") {
        if (found) {
          return std::unexpected(error(ErrorCode::Validation, i, "resourceType",
                                       "a second Patient (entry[{}] is the first): one patient "
                                       "per import",
                                       *found));
        }
        found = i;
      }
    }
    if (!found) {
      return core::fail(ErrorCode::Validation, "{}: entry: the Bundle holds no Patient", where_);
    }
    const std::size_t i = *found;
    const Json& r = resource(i);
    for (const auto& [key, index] : refs_) {
      if (index == i) {
        patient_refs_.insert(key);
      }
    }
    Patient& p = out_.patient;
    const Json* names = KETAPATH_TRY(array(i, r, "name", "name"));
    for (std::size_t k = 0; k < names->size() && p.name.empty(); ++k) {
      const std::string at = fmt::format("name[{}]", k);
      const Json& n = (*names)[k];
      if (!n.is_object()) {
        return std::unexpected(
            error(ErrorCode::InvalidData, i, at, "must be an object (got {})", describe_json(n)));
      }
      if (auto t = KETAPATH_TRY(text(i, n, "text", at + ".text"))) {
        p.name = *t;
        continue;
      }
      const Json* given = KETAPATH_TRY(array(i, n, "given", at + ".given"));
      for (std::size_t g = 0; g < given->size(); ++g) {
        if (!(*given)[g].is_string()) {
          return std::unexpected(error(ErrorCode::InvalidData, i,
                                       fmt::format("{}.given[{}]", at, g),
                                       "must be a string (got {})", describe_json((*given)[g])));
        }
        p.name += (p.name.empty() ? "" : " ") + (*given)[g].get<std::string>();
      }
      if (auto family = KETAPATH_TRY(text(i, n, "family", at + ".family"))) {
        p.name += (p.name.empty() ? "" : " ") + *family;
      }
    }
    if (p.name.empty()) {
      return std::unexpected(
          error(ErrorCode::Validation, i, "name", "is required (text, or given and family)"));
    }
    const std::string birth =
        KETAPATH_TRY(required_text(i, r, "birthDate", "birthDate", "YYYY-MM-DD"));
    auto born = parse_date(birth, "birthDate");
    if (!born) {
      return std::unexpected(error(ErrorCode::Validation, i, "birthDate",
                                   "a full date YYYY-MM-DD is needed (got \"{}\")",
                                   core::excerpt(birth)));
    }
    p.birth_date = *born;
    const std::string gender =
        KETAPATH_TRY(required_text(i, r, "gender", "gender", "female, male or other"));
    if (gender == "female") {
      p.sex = Sex::Female;
    } else if (gender == "male") {
      p.sex = Sex::Male;
    } else if (gender == "other") {
      p.sex = Sex::Unspecified;
    } else {
      return std::unexpected(error(ErrorCode::Validation, i, "gender",
                                   "must be female, male or other (got \"{}\"); dosing needs "
                                   "the sex the clinic records",
                                   core::excerpt(gender)));
    }
    out_.patient_source = label(i);
    return {};
  }

  // A status CodeableConcept: the code of its coding with `system`, if any.
  core::Result<std::optional<std::string>> status_code(std::size_t i, const Json& r,
                                                       std::string_view key,
                                                       std::string_view system) const {
    const Json* concept_ = KETAPATH_TRY(object(i, r, key, key));
    if (concept_ == nullptr) {
      return std::optional<std::string>();
    }
    const auto found = KETAPATH_TRY(codes(i, *concept_, key, system));
    return found.empty() ? std::optional<std::string>() : std::optional<std::string>(found[0]);
  }

  core::Status condition(std::size_t i) {
    const Json& r = resource(i);
    KETAPATH_TRY(about_the_patient(i, r, "subject"));
    if (const auto s = KETAPATH_TRY(status_code(
            i, r, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical"))) {
      if (*s != "active" && *s != "recurrence" && *s != "relapse") {
        return std::unexpected(
            error(ErrorCode::Validation, i, "clinicalStatus",
                  "only current diagnoses are imported (active, recurrence, relapse; got \"{}\")",
                  core::excerpt(*s)));
      }
    }
    if (const auto s = KETAPATH_TRY(
            status_code(i, r, "verificationStatus",
                        "http://terminology.hl7.org/CodeSystem/condition-ver-status"))) {
      if (*s == "refuted" || *s == "entered-in-error") {
        return std::unexpected(error(ErrorCode::Validation, i, "verificationStatus",
                                     "a {} diagnosis is not imported", *s));
      }
    }
    const Json* code = KETAPATH_TRY(object(i, r, "code", "code"));
    const auto icd = code == nullptr ? std::vector<std::string>()
                                     : KETAPATH_TRY(codes(i, *code, "code", kIcd10Cm));
    if (icd.empty()) {
      return std::unexpected(error(ErrorCode::Validation, i, "code.coding",
                                   "an ICD-10-CM coding (system {}) is needed", kIcd10Cm));
    }
    Diagnosis d;
    d.icd10 = icd.front();
    d.disorder = disorder_of(d.icd10);
    if (const auto label_text = KETAPATH_TRY(text(i, *code, "text", "code.text"))) {
      if (auto named = parse_disorder(*label_text)) {
        d.disorder = *named;  // the export names the clinic's disorder
      }
    }
    std::optional<std::string> when = KETAPATH_TRY(text(i, r, "recordedDate", "recordedDate"));
    std::string path = "recordedDate";
    if (!when) {
      when = KETAPATH_TRY(text(i, r, "onsetDateTime", "onsetDateTime"));
      path = "onsetDateTime";
    }
    if (!when) {
      return std::unexpected(error(ErrorCode::Validation, i, "recordedDate",
                                   "the diagnosis date is needed (recordedDate or onsetDateTime)"));
    }
    d.diagnosed_on = KETAPATH_TRY(day(i, *when, path));
    d.primary = KETAPATH_TRY(extension_flag(i, r, kPrimaryDiagnosisExtension)).value_or(false);
    out_.diagnoses.push_back({d, label(i)});
    return {};
  }

  core::Status final_status(std::size_t i, const Json& r) const {
    const std::string status = KETAPATH_TRY(required_text(i, r, "status", "status", "final"));
    if (status != "final" && status != "amended" && status != "corrected") {
      return std::unexpected(error(ErrorCode::Validation, i, "status",
                                   "only final results are imported (final, amended, corrected; "
                                   "got \"{}\")",
                                   core::excerpt(status)));
    }
    return {};
  }

  core::Result<double> quantity_value(std::size_t i, const Json& r) const {
    const Json* q = KETAPATH_TRY(object(i, r, "valueQuantity", "valueQuantity"));
    if (q == nullptr) {
      return std::unexpected(
          error(ErrorCode::Validation, i, "valueQuantity", "is required (a number with its unit)"));
    }
    const auto v = q->find("value");
    if (v == q->end() || !v->is_number()) {
      return std::unexpected(error(ErrorCode::Validation, i, "valueQuantity.value",
                                   "must be a number (got {})",
                                   v == q->end() ? "nothing" : describe_json(*v)));
    }
    return v->get<double>();
  }

  core::Status observation(std::size_t i) {
    const Json& r = resource(i);
    const Json* code = KETAPATH_TRY(object(i, r, "code", "code"));
    if (code == nullptr) {
      return std::unexpected(error(ErrorCode::Validation, i, "code", "is required"));
    }
    const auto loinc = KETAPATH_TRY(codes(i, *code, "code", kLoinc));
    const auto project = KETAPATH_TRY(codes(i, *code, "code", kScoreCodeSystem));
    const auto has = [&](std::string_view c) {
      return std::find(loinc.begin(), loinc.end(), c) != loinc.end();
    };
    if (has(kWeightLoinc)) {
      return weight(i, r);
    }
    std::optional<Scale> scale;
    for (const Scale s : kScales) {
      const std::string_view total = scale_definition(s).loinc_total;
      if (!total.empty() && has(total)) {
        scale = s;
      }
    }
    for (const std::string& c : project) {
      const std::string_view name = std::string_view(c).substr(0, c.rfind("-total"));
      auto parsed = parse_scale(name);
      if (!parsed || c.size() < 7 || c.substr(c.size() - 6) != "-total") {
        return std::unexpected(error(ErrorCode::Validation, i, "code.coding",
                                     "\"{}\" is not a code of {}", core::excerpt(c),
                                     kScoreCodeSystem));
      }
      scale = *parsed;
    }
    if (!scale) {
      skip("Observation", "vital signs of sessions and other observations");
      return {};
    }
    return score(i, r, *scale);
  }

  core::Status weight(std::size_t i, const Json& r) {
    KETAPATH_TRY(final_status(i, r));
    KETAPATH_TRY(about_the_patient(i, r, "subject"));
    const double value = KETAPATH_TRY(quantity_value(i, r));
    const Json& q = r.at("valueQuantity");
    const auto system = KETAPATH_TRY(text(i, q, "system", "valueQuantity.system"));
    const auto unit = KETAPATH_TRY(text(i, q, "code", "valueQuantity.code"));
    if (!system || *system != kUcum || !unit) {
      return std::unexpected(error(ErrorCode::Validation, i, "valueQuantity",
                                   "a UCUM unit is needed (system {} and code kg, g or [lb_av])",
                                   kUcum));
    }
    double kg = value;
    if (*unit == "g") {
      kg = value / 1000.0;
    } else if (*unit == "[lb_av]") {
      kg = value * 0.45359237;
    } else if (*unit != "kg") {
      return std::unexpected(error(ErrorCode::Validation, i, "valueQuantity.code",
                                   "must be kg, g or [lb_av] (UCUM) (got \"{}\")",
                                   core::excerpt(*unit)));
    }
    const std::string when = KETAPATH_TRY(
        required_text(i, r, "effectiveDateTime", "effectiveDateTime", "the day it was measured"));
    WeightRecord w;
    w.weight = core::Kilograms(kg);
    w.measured_on = KETAPATH_TRY(day(i, when, "effectiveDateTime"));
    w.estimated = KETAPATH_TRY(extension_flag(i, r, kEstimatedWeightExtension)).value_or(false);
    out_.weights.push_back({w, label(i)});
    return {};
  }

  core::Status score(std::size_t i, const Json& r, Scale scale) {
    KETAPATH_TRY(final_status(i, r));
    KETAPATH_TRY(about_the_patient(i, r, "subject"));
    const double value = KETAPATH_TRY(quantity_value(i, r));
    const std::string when = KETAPATH_TRY(
        required_text(i, r, "effectiveDateTime", "effectiveDateTime", "the time it was rated"));
    ScaleRating rating;
    rating.scale = scale;
    rating.rated_at = KETAPATH_TRY(instant(i, when, "effectiveDateTime"));
    // The item answers: the QuestionnaireResponse the total is derived from.
    const Json* derived = KETAPATH_TRY(array(i, r, "derivedFrom", "derivedFrom"));
    std::optional<std::size_t> answers;
    for (std::size_t k = 0; k < derived->size() && !answers; ++k) {
      const Json& d = (*derived)[k];
      const std::string at = fmt::format("derivedFrom[{}].reference", k);
      if (!d.is_object()) {
        return std::unexpected(
            error(ErrorCode::InvalidData, i, at, "must be a Reference (got {})", describe_json(d)));
      }
      const auto ref = KETAPATH_TRY(text(i, d, "reference", at));
      const auto target = ref ? refs_.find(*ref) : refs_.end();
      if (target == refs_.end()) {
        return std::unexpected(error(ErrorCode::Validation, i, at,
                                     "does not resolve within the Bundle (got {})",
                                     ref ? "\"" + core::excerpt(*ref) + "\"" : "nothing"));
      }
      if (resource(target->second).at("resourceType") == "QuestionnaireResponse") {
        answers = target->second;
      }
    }
    if (!answers) {
      return std::unexpected(error(ErrorCode::Validation, i, "derivedFrom",
                                   "the item answers are needed: a QuestionnaireResponse in the "
                                   "Bundle (a total alone is not a rating the clinic can store)"));
    }
    rating.items = KETAPATH_TRY(items(*answers, scale));
    used_.insert(*answers);
    auto total = score_items(scale, rating.items);
    if (!total) {
      return std::unexpected(core::with_context(total.error(), label(*answers) + ": item.answer"));
    }
    if (value != static_cast<double>(*total)) {
      return std::unexpected(error(ErrorCode::Validation, i, "valueQuantity.value",
                                   "{} differs from the sum of the item answers in {} ({})",
                                   core::display_number(value), label(*answers), *total));
    }
    rating.total = *total;
    if (const Json* performers = KETAPATH_TRY(array(i, r, "performer", "performer"));
        !performers->empty() && (*performers)[0].is_object()) {
      rating.rater =
          KETAPATH_TRY(text(i, (*performers)[0], "display", "performer[0].display")).value_or("");
    }
    out_.ratings.push_back({rating, label(i)});
    return {};
  }

  core::Result<std::vector<int>> items(std::size_t q, Scale scale) const {
    const Json& r = resource(q);
    KETAPATH_TRY(about_the_patient(q, r, "subject"));
    if (const auto url = KETAPATH_TRY(text(q, r, "questionnaire", "questionnaire"))) {
      if (url->starts_with(kQuestionnairePrefix) &&
          url->substr(kQuestionnairePrefix.size()) != pd::scale_record_name(scale)) {
        return std::unexpected(error(ErrorCode::Validation, q, "questionnaire",
                                     "\"{}\" is not the {} of the score it answers",
                                     core::excerpt(*url), scale_definition(scale).label));
      }
    }
    const Json* list = KETAPATH_TRY(array(q, r, "item", "item"));
    if (list->size() > kMaxItems) {
      return std::unexpected(error(ErrorCode::Validation, q, "item", "at most {} items (got {})",
                                   kMaxItems, list->size()));
    }
    std::map<int, int> by_number;
    for (std::size_t k = 0; k < list->size(); ++k) {
      const std::string at = fmt::format("item[{}]", k);
      const Json& item = (*list)[k];
      if (!item.is_object()) {
        return std::unexpected(error(ErrorCode::InvalidData, q, at, "must be an object (got {})",
                                     describe_json(item)));
      }
      const std::string link = KETAPATH_TRY(
          required_text(q, item, "linkId", at + ".linkId", "the item number 1, 2, ..."));
      int number = 0;
      const bool numeric =
          !link.empty() && link.size() <= 3 && std::all_of(link.begin(), link.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
          });
      if (numeric) {
        number = std::stoi(link);
      }
      if (number < 1 || static_cast<std::size_t>(number) > list->size() ||
          by_number.contains(number)) {
        return std::unexpected(error(ErrorCode::Validation, q, at + ".linkId",
                                     "must be the item number, 1 to {}, each once (got \"{}\")",
                                     list->size(), core::excerpt(link)));
      }
      const Json* answer = KETAPATH_TRY(array(q, item, "answer", at + ".answer"));
      if (answer->size() != 1 || !(*answer)[0].is_object() ||
          !(*answer)[0].contains("valueInteger") ||
          !(*answer)[0].at("valueInteger").is_number_integer()) {
        return std::unexpected(error(ErrorCode::Validation, q, at + ".answer",
                                     "must be one answer with a valueInteger (got {})",
                                     describe_json(*answer)));
      }
      const auto v = (*answer)[0].at("valueInteger").get<std::int64_t>();
      if (v < -1000 || v > 1000) {
        return std::unexpected(error(ErrorCode::Validation, q, at + ".answer[0].valueInteger",
                                     "is out of any scale's range (got {})", v));
      }
      by_number[number] = static_cast<int>(v);
    }
    std::vector<int> out;
    for (const auto& [number, value] : by_number) {
      out.push_back(value);
    }
    return out;
  }

  const Json& bundle_;
  std::string where_;
  const Json* entries_ = nullptr;
  std::map<std::string, std::size_t> refs_;  // fullUrl and Type/id -> entry index
  std::set<std::string> patient_refs_;
  std::set<std::size_t> used_;  // QuestionnaireResponses that gave a rating its items
  std::map<std::string, int> skipped_;
  ExternalRecord out_;
};

}  // namespace

core::Result<ExternalRecord> external_record_from_fhir(const nlohmann::json& bundle,
                                                       std::string_view where) {
  return Importer(bundle, where).run();
}

}  // namespace ketapath::clinic
