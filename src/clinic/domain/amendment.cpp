#include "clinic/domain/amendment.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "clinic/domain/assessment.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "clinic/domain/validation.h"
#include "core/name_table.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr core::NameTable<AmendedKind, 3> kKinds{{{AmendedKind::Session, "session"},
                                                  {AmendedKind::Assessment, "assessment"},
                                                  {AmendedKind::Screening, "screening"}}};
constexpr std::size_t kMaxText = 2000;

core::Status bad_field(std::string_view what, std::string_view field, std::string_view allowed) {
  return core::fail(ErrorCode::Validation, "amend {}: field \"{}\" cannot be amended ({})", what,
                    field, allowed);
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

core::Result<long long> parse_whole(std::string_view field, std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return core::fail(ErrorCode::Validation, "{}: \"{}\" is not a whole number", field, text);
  }
  return value;
}

/// "vitals.2.systolic" -> index 1 of `size` and the member "systolic".
core::Result<std::pair<std::size_t, std::string_view>> position(std::string_view field,
                                                                std::string_view list,
                                                                std::size_t size) {
  const auto parts = split(field, '.');
  if (parts.size() != 3) {
    return core::fail(ErrorCode::Validation, "amend: field \"{}\" must read {}.N.<member>", field,
                      list);
  }
  const long long n = KETAPATH_TRY(parse_whole(field, parts[1]));
  if (n < 1 || static_cast<std::size_t>(n) > size) {
    return core::fail(ErrorCode::Validation, "amend: {} has {} entries; \"{}\" names entry {}",
                      list, size, field, n);
  }
  return std::pair{static_cast<std::size_t>(n - 1), parts[2]};
}

std::string number_text(const std::optional<double>& v) {
  return v ? fmt::format("{:g}", *v) : "none";
}

core::Result<std::optional<double>> parse_measure(std::string_view field, std::string_view text) {
  if (text == "none") {
    return std::optional<double>{};
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() ||
      !std::isfinite(value)) {
    return core::fail(ErrorCode::Validation, "{}: \"{}\" is not a number (or none)", field, text);
  }
  return std::optional<double>{value};
}

std::string items_text(const std::vector<int>& items) {
  return fmt::format("{}", fmt::join(items, ","));
}

core::Result<std::vector<int>> parse_items(std::string_view field, std::string_view text) {
  std::vector<int> items;
  if (text.empty()) {
    return core::fail(ErrorCode::Validation, "{}: the item answers are needed (\"1,2,0,...\")",
                      field);
  }
  for (std::string_view part : split(text, ',')) {
    items.push_back(static_cast<int>(KETAPATH_TRY(parse_whole(field, part))));
  }
  return items;
}

core::Result<bool> parse_flag(std::string_view field, std::string_view text) {
  if (text == "true" || text == "yes") {
    return true;
  }
  if (text == "false" || text == "no") {
    return false;
  }
  return core::fail(ErrorCode::Validation, "{}: \"{}\" must be yes or no", field, text);
}

/// Optional free text (notes, action, outcome): empty allowed, otherwise the rules of
/// core::check_required_text (length, no control characters, valid UTF-8).
core::Status check_text(std::string_view field, std::string_view text) {
  return text.empty() ? core::Status{} : core::check_required_text(field, text, kMaxText);
}

/// Replaces `target` with `value` (checked text) and returns the old text.
core::Result<std::string> set_text(std::string& target, std::string_view field,
                                   std::string_view value) {
  KETAPATH_TRY(check_text(field, value));
  return std::exchange(target, std::string(value));
}

core::Result<std::string> amend_vitals(VitalSigns& v, std::string_view field,
                                       std::string_view member, std::string_view value,
                                       const InputLimits* limits) {
  std::optional<double> current;
  if (member == "systolic" && v.systolic) {
    current = v.systolic->value();
  } else if (member == "diastolic" && v.diastolic) {
    current = v.diastolic->value();
  } else if (member == "heart_rate" && v.heart_rate) {
    current = v.heart_rate->value();
  } else if (member == "spo2") {
    current = v.spo2_percent;
  } else if (member != "systolic" && member != "diastolic" && member != "heart_rate") {
    return std::unexpected(
        bad_field("session", field, "vitals members: systolic, diastolic, heart_rate, spo2")
            .error());
  }
  const std::optional<double> next = KETAPATH_TRY(parse_measure(field, value));
  VitalSigns amended = v;
  if (member == "systolic") {
    amended.systolic = next ? std::optional(core::MillimetresOfMercury(*next)) : std::nullopt;
  } else if (member == "diastolic") {
    amended.diastolic = next ? std::optional(core::MillimetresOfMercury(*next)) : std::nullopt;
  } else if (member == "heart_rate") {
    amended.heart_rate = next ? std::optional(core::BeatsPerMinute(*next)) : std::nullopt;
  } else {
    amended.spo2_percent = next;
  }
  if (limits != nullptr) {
    KETAPATH_TRY(validate_vitals(amended, *limits, field));
  }
  v = amended;
  return number_text(current);
}

core::Result<std::string> amend_items(ScaleRating& r, std::string_view field,
                                      std::string_view value) {
  std::vector<int> items = KETAPATH_TRY(parse_items(field, value));
  auto total = score_items(r.scale, items);
  if (!total) {
    return std::unexpected(core::with_context(total.error(), std::string(field)));
  }
  std::string original = items_text(r.items);
  r.items = std::move(items);
  r.total = *total;
  return original;
}

core::Result<std::string> amend_event(AdverseEvent& e, std::string_view field,
                                      std::string_view member, std::string_view value) {
  if (member == "description") {
    KETAPATH_TRY(core::check_required_text(field, value, kMaxText));
    return std::exchange(e.description, std::string(value));
  }
  if (member == "action") {
    return set_text(e.action, field, value);
  }
  if (member == "outcome") {
    return set_text(e.outcome, field, value);
  }
  if (member == "severity") {
    auto parsed = parse_severity(value);
    if (!parsed) {
      return core::fail(ErrorCode::Validation, "{}: {}", field, parsed.error().message);
    }
    const Severity next = *parsed;
    return std::string(to_string(std::exchange(e.severity, next)));
  }
  if (member == "resolved" || member == "serious") {
    bool& flag = member == "resolved" ? e.resolved : e.serious;
    const bool next = KETAPATH_TRY(parse_flag(field, value));
    return std::string(std::exchange(flag, next) ? "yes" : "no");
  }
  return std::unexpected(bad_field("session", field,
                                   "adverse event members: description, action, outcome, "
                                   "severity, resolved, serious")
                             .error());
}

constexpr std::string_view kSessionFields =
    "notes, vitals.N.systolic|diastolic|heart_rate|spo2, ratings.N.items, "
    "adverse_events.N.description|action|outcome|severity|resolved|serious; the dose, route, "
    "times, order, lot and checks are not amendable";

core::Result<std::string> session_field(Session& s, std::string_view field, std::string_view value,
                                        const InputLimits* limits) {
  if (field == "notes") {
    return set_text(s.notes, field, value);
  }
  if (field.starts_with("vitals.")) {
    const auto [i, member] = KETAPATH_TRY(position(field, "vitals", s.vitals.size()));
    return amend_vitals(s.vitals[i], field, member, value, limits);
  }
  if (field.starts_with("ratings.")) {
    const auto [i, member] = KETAPATH_TRY(position(field, "ratings", s.ratings.size()));
    if (member != "items") {
      return std::unexpected(bad_field("session", field, "ratings members: items").error());
    }
    return amend_items(s.ratings[i], field, value);
  }
  if (field.starts_with("adverse_events.")) {
    const auto [i, member] =
        KETAPATH_TRY(position(field, "adverse_events", s.adverse_events.size()));
    return amend_event(s.adverse_events[i], field, member, value);
  }
  return std::unexpected(bad_field("session", field, kSessionFields).error());
}

using AnswerMember = Answer GadCriteria::*;
using ContraMember = Answer Contraindications::*;

constexpr std::array<std::pair<std::string_view, AnswerMember>, 10> kGadAnswers{{
    {"worry_more_days_than_not", &GadCriteria::worry_more_days_than_not},
    {"worry_hard_to_control", &GadCriteria::worry_hard_to_control},
    {"restlessness", &GadCriteria::restlessness},
    {"easily_fatigued", &GadCriteria::easily_fatigued},
    {"poor_concentration", &GadCriteria::poor_concentration},
    {"irritability", &GadCriteria::irritability},
    {"muscle_tension", &GadCriteria::muscle_tension},
    {"sleep_disturbance", &GadCriteria::sleep_disturbance},
    {"distress_or_impairment", &GadCriteria::distress_or_impairment},
    {"not_better_explained", &GadCriteria::not_better_explained},
}};
constexpr std::array<std::pair<std::string_view, ContraMember>, 11> kContraAnswers{{
    {"uncontrolled_hypertension", &Contraindications::uncontrolled_hypertension},
    {"aneurysm_or_avm", &Contraindications::aneurysm_or_avm},
    {"intracranial_bleed_history", &Contraindications::intracranial_bleed_history},
    {"psychosis", &Contraindications::psychosis},
    {"pregnancy", &Contraindications::pregnancy},
    {"active_substance_use_disorder", &Contraindications::active_substance_use_disorder},
    {"current_depression", &Contraindications::current_depression},
    {"ischaemic_heart_or_cerebrovascular_disease",
     &Contraindications::ischaemic_heart_or_cerebrovascular_disease},
    {"raised_intracranial_pressure", &Contraindications::raised_intracranial_pressure},
    {"severe_hepatic_impairment", &Contraindications::severe_hepatic_impairment},
    {"interacting_medication", &Contraindications::interacting_medication},
}};

std::string answer_text(const Answer& a) {
  return a ? (*a ? "yes" : "no") : "unknown";
}

core::Result<Answer> parse_answer(std::string_view field, std::string_view text) {
  if (text == "unknown") {
    return Answer{};
  }
  return Answer{KETAPATH_TRY(parse_flag(field, text))};
}

core::Result<std::string> set_answer(Answer& target, std::string_view field,
                                     std::string_view value) {
  const Answer next = KETAPATH_TRY(parse_answer(field, value));
  return answer_text(std::exchange(target, next));
}

}  // namespace

std::string_view to_string(AmendedKind kind) {
  return core::name_of(kKinds, kind);
}

core::Result<AmendedKind> parse_amended_kind(std::string_view text) {
  return core::value_of(kKinds, text, "amended record kind");
}

core::Result<std::string> amend_session_field(Session& session, std::string_view field,
                                              std::string_view value, const InputLimits& limits) {
  return session_field(session, field, value, &limits);
}

core::Result<std::string> amend_assessment_field(Assessment& a, std::string_view field,
                                                 std::string_view value) {
  if (field == "notes") {
    return set_text(a.notes, field, value);
  }
  if (field == "items") {
    return amend_items(a.rating, field, value);
  }
  return std::unexpected(bad_field("assessment", field, "notes, items").error());
}

core::Result<std::string> amend_screening_field(ScreeningInput& input, std::string_view field,
                                                std::string_view value) {
  if (field == "gad.worry_duration_months") {
    std::optional<int> next;
    if (value != "unknown") {
      const long long months = KETAPATH_TRY(parse_whole(field, value));
      KETAPATH_TRY(core::check_count(field, months, "months", 0, 1200));
      next = static_cast<int>(months);
    }
    const auto old = std::exchange(input.gad.worry_duration_months, next);
    return old ? std::to_string(*old) : std::string("unknown");
  }
  if (field.starts_with("gad.")) {
    for (const auto& [name, member] : kGadAnswers) {
      if (field.substr(4) == name) {
        return set_answer(input.gad.*member, field, value);
      }
    }
  }
  if (field.starts_with("contraindications.")) {
    for (const auto& [name, member] : kContraAnswers) {
      if (field.substr(18) == name) {
        return set_answer(input.contraindications.*member, field, value);
      }
    }
  }
  return std::unexpected(bad_field("screening", field,
                                   "gad.<answer>, gad.worry_duration_months, "
                                   "contraindications.<answer>, answered yes, no or unknown")
                             .error());
}

namespace {

template <class Record, class Apply>
core::Status apply_all(Record& record, std::span<const Amendment> amendments, Apply apply) {
  for (const Amendment& a : amendments) {
    auto applied = apply(record, a);
    if (!applied) {
      return core::fail(ErrorCode::Storage,
                        "store: amendment {} ({} {} field {}) cannot be applied: {}", a.id.value(),
                        to_string(a.kind), a.record, a.field, applied.error().message);
    }
    record.amendments.push_back(a);
  }
  return {};
}

}  // namespace

core::Status apply_amendments(Session& session, std::span<const Amendment> amendments) {
  // Read path: the values were range-checked when amended; only their form is checked here.
  return apply_all(session, amendments, [](Session& s, const Amendment& a) {
    return session_field(s, a.field, a.amended, nullptr);
  });
}

core::Status apply_amendments(Assessment& assessment, std::span<const Amendment> amendments) {
  return apply_all(assessment, amendments, [](Assessment& x, const Amendment& a) {
    return amend_assessment_field(x, a.field, a.amended);
  });
}

core::Status validate_amendment_reason(std::string_view reason) {
  return core::check_required_text("amend: reason (why the signed record is corrected)", reason,
                                   kMaxText);
}

}  // namespace ketapath::clinic
