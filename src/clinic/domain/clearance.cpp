#include "clinic/domain/clearance.h"

#include <algorithm>

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

std::string joined(const std::vector<std::string>& reasons, std::string_view prefix) {
  std::string out;
  for (const auto& r : reasons) {
    if (r.starts_with(prefix)) {
      out += out.empty() ? "" : "; ";
      out += r.substr(prefix.size());
    }
  }
  return out;
}

// Unknown answers block a clearance: a review judges known findings, it cannot stand in for an
// answer nobody gave (an exclusion left unknown, or GAD criteria that cannot be judged). The
// screening itself lists them (ScreeningResult::unknown_answers, input keys).
core::Status check_known_answers(const ScreeningRecord& s) {
  if (s.result.unknown_answers.empty()) {
    return {};
  }
  std::string unknown;
  for (const auto& key : s.result.unknown_answers) {
    unknown += unknown.empty() ? "" : ", ";
    unknown += key;
  }
  const bool exclusion = !s.result.unknown_exclusions.empty();
  return core::fail(ErrorCode::Validation,
                    "clear: screening {} has unanswered items ({}){}; answer them at a new "
                    "screening, a clearance cannot stand in for them",
                    s.id.value(), unknown, exclusion ? ", among them exclusions" : "");
}

}  // namespace

Date screening_day(const ScreeningRecord& screening) {
  return screening.screened_on.value_or(day_of(screening.performed_at));
}

namespace {

bool is_amended(const std::vector<ScreeningRecord>& all, ScreeningId id) {
  return std::any_of(all.begin(), all.end(),
                     [&](const ScreeningRecord& s) { return s.amends == id; });
}

/// The id of the screening first recorded in the chain of amendments ending at `s`.
std::int64_t origin_of(const std::vector<ScreeningRecord>& all, const ScreeningRecord& s) {
  const ScreeningRecord* at = &s;
  for (std::size_t hops = 0; at->amends && hops < all.size(); ++hops) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const ScreeningRecord& x) { return x.id == *at->amends; });
    if (it == all.end()) {
      break;
    }
    at = &*it;
  }
  return at->id.value();
}

}  // namespace

const ScreeningRecord* current_screening(const std::vector<ScreeningRecord>& screenings, Date day) {
  // The latest screening done on or before the day decides (a later one supersedes). An amended
  // screening is replaced by its amendment (amendment.h), which keeps its day and its place among
  // same-day screenings (ordered by the id of the screening first recorded).
  const ScreeningRecord* latest = nullptr;
  std::int64_t latest_origin = 0;
  for (const ScreeningRecord& s : screenings) {
    if (is_amended(screenings, s.id)) {
      continue;
    }
    const Date on = screening_day(s);
    const std::int64_t origin = origin_of(screenings, s);
    if (on <= day && (latest == nullptr || on > screening_day(*latest) ||
                      (on == screening_day(*latest) && origin > latest_origin))) {
      latest = &s;
      latest_origin = origin;
    }
  }
  return latest;
}

core::Result<ClearanceBasis> check_clearance(const ClearanceRecords& records, Date day,
                                             int validity_days, std::string_view what) {
  ClearanceBasis basis;
  const Consent* consent = nullptr;
  for (const Consent& c : records.consents) {
    if (c.consented_on <= day && (consent == nullptr || c.consented_on >= consent->consented_on)) {
      consent = &c;
    }
  }
  if (consent == nullptr) {
    return core::fail(ErrorCode::Validation,
                      "{}: no informed consent for ketamine treatment is recorded on or before {} "
                      "(record it: ketapath clinic consent record --patient ID --date D --version "
                      "V --witness NAME)",
                      what, format_date(day));
  }
  basis.consent = consent->id;

  const ScreeningRecord* latest = current_screening(records.screenings, day);
  if (latest == nullptr) {
    return core::fail(ErrorCode::Validation,
                      "{}: the patient has no screening on or before {} (ketapath clinic screen)",
                      what, format_date(day));
  }
  basis.screening = latest->id;
  basis.screened_on = screening_day(*latest);
  basis.valid_until = basis.screened_on + std::chrono::days(validity_days);
  basis.eligibility = latest->result.eligibility;
  if (day > basis.valid_until) {
    return core::fail(ErrorCode::Validation,
                      "{}: screening {} of {} expired on {} (a screening is valid {} days); screen "
                      "the patient again before {}",
                      what, latest->id.value(), format_date(basis.screened_on),
                      format_date(basis.valid_until), validity_days, format_date(day));
  }
  switch (latest->result.eligibility) {
    case Eligibility::Eligible:
      return basis;
    case Eligibility::NotEligible:
      return core::fail(ErrorCode::Validation,
                        "{}: screening {} of {} is not_eligible ({}); nothing overrides an "
                        "exclusion",
                        what, latest->id.value(), format_date(basis.screened_on),
                        joined(latest->result.reasons, "exclusion: "));
    case Eligibility::NeedsReview:
      break;
  }
  for (const Clearance& c : records.clearances) {
    if (c.screening == latest->id && day_of(c.cleared_at) <= day) {
      basis.clearance = c.id;
      return basis;
    }
  }
  // The way forward depends on why: unanswered items need a new screening, never a clearance.
  const std::string next =
      latest->result.unknown_answers.empty()
          ? fmt::format("ketapath clinic clear --screening {} --reason TEXT", latest->id.value())
          : "answer the unknown items at a new screening: ketapath clinic screen";
  return core::fail(ErrorCode::Validation,
                    "{}: screening {} of {} needs review ({}) and no prescriber has cleared it "
                    "({})",
                    what, latest->id.value(), format_date(basis.screened_on),
                    joined(latest->result.reasons, "review: "), next);
}

core::Status check_clearable(const ScreeningRecord& s) {
  if (s.result.eligibility == Eligibility::Eligible) {
    return core::fail(ErrorCode::Conflict, "clear: screening {} is eligible; nothing to clear",
                      s.id.value());
  }
  if (s.result.eligibility == Eligibility::NotEligible) {
    return core::fail(ErrorCode::Validation,
                      "clear: screening {} is not_eligible ({}); an exclusion cannot be cleared, "
                      "only answered no at a new screening",
                      s.id.value(), joined(s.result.reasons, "exclusion: "));
  }
  KETAPATH_TRY(check_known_answers(s));
  return {};
}

}  // namespace ketapath::clinic
