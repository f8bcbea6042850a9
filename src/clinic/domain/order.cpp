// Orders, double checks and the pre-dose checklist (order.h): the rules over values.

#include "clinic/domain/order.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "clinic/domain/bounds.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::array<std::pair<ChecklistItem, std::string_view>, 6> kItemNames = {{
    {ChecklistItem::Fasting, "fasting"},
    {ChecklistItem::Escort, "escort"},
    {ChecklistItem::PregnancyTest, "pregnancy_test"},
    {ChecklistItem::BloodPressure, "blood_pressure"},
    {ChecklistItem::NewMedications, "new_medications"},
    {ChecklistItem::Consent, "consent"},
}};

// Pregnancy is possible up to this age for the checklist (exclusive); older: not applicable.
constexpr int kPregnancyTestBelowAge = 56;

}  // namespace

const std::vector<ChecklistItem>& checklist_items() {
  static const std::vector<ChecklistItem> items = [] {
    std::vector<ChecklistItem> v;
    for (const auto& [item, name] : kItemNames) {
      v.push_back(item);
    }
    return v;
  }();
  return items;
}

std::string_view to_string(ChecklistItem item) {
  for (const auto& [i, name] : kItemNames) {
    if (i == item) {
      return name;
    }
  }
  return "?";
}

core::Result<ChecklistItem> parse_checklist_item(std::string_view text) {
  for (const auto& [i, name] : kItemNames) {
    if (name == text) {
      return i;
    }
  }
  return core::fail(ErrorCode::InvalidData,
                    "checklist item must be fasting, escort, pregnancy_test, blood_pressure, "
                    "new_medications or consent (got \"{}\")",
                    text);
}

std::string_view to_string(PregnancyTest result) {
  return result == PregnancyTest::Negative ? "negative" : "positive";
}

core::Result<PregnancyTest> parse_pregnancy_test(std::string_view text) {
  if (text == "negative") {
    return PregnancyTest::Negative;
  }
  if (text == "positive") {
    return PregnancyTest::Positive;
  }
  return core::fail(ErrorCode::InvalidData,
                    "pregnancy_test must be \"negative\", \"positive\" or null (not done) (got "
                    "\"{}\")",
                    text);
}

std::string_view to_string(OrderCheckKind kind) {
  return kind == OrderCheckKind::DoubleCheck ? "double_check" : "waiver";
}

bool double_check_required(const MedicationSafetyPolicy& policy, pd::Route route) {
  switch (route) {
    case pd::Route::Iv:
      return policy.double_check_iv;
    case pd::Route::Sc:
      return policy.double_check_sc;
    case pd::Route::Im:
      return policy.double_check_im;
    default:
      return true;  // a route the clinic does not give: never without a check
  }
}

core::Status validate_medication_safety(const MedicationSafetyPolicy& policy) {
  return check_bound("medication_safety", "min_fasting_hours", policy.min_fasting_hours,
                     kFastingHours);
}

bool agrees_to_displayed_precision(double a, double b) {
  return std::abs(a - b) < 0.005 + 1e-9;
}

bool pregnancy_test_applies(pd::Sex sex, Date birth_date, Date day) {
  return sex != pd::Sex::Male && age_in_years(birth_date, day) < kPregnancyTestBelowAge;
}

std::vector<ChecklistProblem> checklist_problems(const std::optional<PreDoseChecklist>& checklist,
                                                 const ChecklistContext& cx) {
  std::vector<ChecklistProblem> problems;
  const PreDoseChecklist none;
  const PreDoseChecklist& c = checklist ? *checklist : none;
  const auto unanswered = [&](ChecklistItem item, std::string_view question) {
    problems.push_back({item, fmt::format("{} is not answered", question)});
  };
  // Fasting: the time of the last solid food, at least the policy's hours before the dose.
  if (!c.last_food_at) {
    unanswered(ChecklistItem::Fasting, "last_food_at (the fasting time)");
  } else {
    const double hours =
        std::chrono::duration<double, std::ratio<3600>>(cx.started_at - *c.last_food_at).count();
    if (hours < cx.min_fasting_hours) {
      problems.push_back(
          {ChecklistItem::Fasting,
           fmt::format("last food at {} is {} h before the dose at {}; at least {} h are needed",
                       format_timestamp(*c.last_food_at), core::display_number(hours, 2),
                       format_timestamp(cx.started_at),
                       core::display_number(cx.min_fasting_hours, 2))});
    }
  }
  if (!c.escort_home_arranged) {
    unanswered(ChecklistItem::Escort, "escort_home_arranged");
  } else if (!*c.escort_home_arranged) {
    problems.push_back({ChecklistItem::Escort, "no escort home is arranged"});
  }
  if (pregnancy_test_applies(cx.sex, cx.birth_date, day_of(cx.started_at))) {
    if (!c.pregnancy_test) {
      problems.push_back(
          {ChecklistItem::PregnancyTest,
           fmt::format("a pregnancy test applies (sex {}, age {}) and is not done",
                       pd::sex_name(cx.sex), age_in_years(cx.birth_date, day_of(cx.started_at)))});
    } else if (*c.pregnancy_test == PregnancyTest::Positive) {
      problems.push_back({ChecklistItem::PregnancyTest,
                          "the pregnancy test is positive: no ketamine (cannot be waived)", false});
    }
  }
  if (!cx.systolic || !cx.diastolic) {
    problems.push_back({ChecklistItem::BloodPressure,
                        "no pre-dose blood pressure (a `before` reading with systolic and "
                        "diastolic at or before started_at)"});
  } else if (*cx.systolic >= cx.hold_systolic || *cx.diastolic >= cx.hold_diastolic) {
    problems.push_back(
        {ChecklistItem::BloodPressure,
         fmt::format("pre-dose blood pressure {}/{} mmHg is at or above the hold limit {}/{} mmHg",
                     core::display_number(*cx.systolic), core::display_number(*cx.diastolic),
                     core::display_number(cx.hold_systolic),
                     core::display_number(cx.hold_diastolic))});
  }
  if (!c.new_medications_or_illness) {
    unanswered(ChecklistItem::NewMedications, "new_medications_or_illness");
  } else if (*c.new_medications_or_illness) {
    problems.push_back(
        {ChecklistItem::NewMedications,
         fmt::format("new medications or illness since the last visit{}{}: a prescriber reviews "
                     "them",
                     c.new_medications_note.empty() ? "" : ": ", c.new_medications_note)});
  }
  if (!c.consent_current) {
    unanswered(ChecklistItem::Consent, "consent_current");
  } else if (!*c.consent_current) {
    problems.push_back({ChecklistItem::Consent, "the patient does not confirm consent today"});
  }
  return problems;
}

}  // namespace ketapath::clinic
