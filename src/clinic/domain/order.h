#pragma once
// Medication safety around each administration (issue 15 items 2-4): the prescriber's order, the
// second user's independent double check, and the pre-dose checklist with its waivers. Pure rules
// over values; ClinicService applies them in the session record path (docs/clinic.md "Gates").
//
// The order is the prescriber's dose record (dose.h DoseRecord: patient, route, mg/kg, duration,
// concentration, limits checked) plus its validity (OrderTerms): a date range, or the sessions of
// one course. A nurse's administration (a recorded session) must cite an active order that
// matches it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/ids.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/time.h"
#include "core/error.h"
#include "core/units.h"
#include "pd/route.h"
#include "pd/sex.h"

namespace ketapath::clinic {

using OrderCheckId = core::StrongId<struct OrderCheckIdTag>;

enum class OrderStatus { Active, Discontinued };  ///< "active", "discontinued"

/// How long an order stands (DoseRecord::order). A dose record stored before schema 15 has none:
/// it is a calculation, not an order, and no administration can cite it.
struct OrderTerms {
  Date valid_from{};                ///< the first treatment day (the dose's day)
  std::optional<Date> valid_until;  ///< the last treatment day, inclusive (date-range orders)
  std::optional<CourseId> course;   ///< valid for this course's sessions while it is active
  OrderStatus status = OrderStatus::Active;
  std::optional<Timestamp> discontinued_at;
  std::string discontinued_by;
  std::string discontinue_reason;
};

/// The longest date range an order may cover (a longer treatment is a course or a new order).
inline constexpr int kMaxOrderDays = 90;

/// The items of the pre-dose checklist, in the order they are shown.
enum class ChecklistItem { Fasting, Escort, PregnancyTest, BloodPressure, NewMedications, Consent };
///< text forms "fasting", "escort", "pregnancy_test", "blood_pressure", "new_medications",
///< "consent"

const std::vector<ChecklistItem>& checklist_items();
std::string_view to_string(ChecklistItem item);
core::Result<ChecklistItem> parse_checklist_item(std::string_view text);

enum class PregnancyTest { Negative, Positive };  ///< "negative", "positive"
std::string_view to_string(PregnancyTest result);
core::Result<PregnancyTest> parse_pregnancy_test(std::string_view text);

/// What the nurse answers before the dose (Session::checklist). Missing answers are unknown and
/// never count as done.
struct PreDoseChecklist {
  std::optional<Timestamp> last_food_at;        ///< fasting since (solid food)
  Answer escort_home_arranged;                  ///< someone takes the patient home
  std::optional<PregnancyTest> pregnancy_test;  ///< today's test; absent = not done
  Answer new_medications_or_illness;            ///< since the last visit; false = none
  std::string new_medications_note;             ///< what changed, when true
  Answer consent_current;                       ///< the patient confirms consent today
  /// Derived when the session is recorded: the prescriber's waivers applied, "ITEM: REASON
  /// (waived by NAME, check N)". Never taken from input.
  std::vector<std::string> waivers;
};

/// Setting "medication_safety" (an admin's; bounds in docs/clinic.md "Settings and their bounds").
struct MedicationSafetyPolicy {
  bool double_check_iv = true;  ///< an independent double check before every IV dose
  bool double_check_sc = false;
  bool double_check_im = false;
  double min_fasting_hours = 6.0;  ///< since solid food (0-12 h)
};

bool double_check_required(const MedicationSafetyPolicy& policy, pd::Route route);
core::Status validate_medication_safety(const MedicationSafetyPolicy& policy);

enum class OrderCheckKind { DoubleCheck, Waiver };  ///< "double_check", "waiver"
std::string_view to_string(OrderCheckKind kind);

/// A record made against an order before the administration that uses it: a second user's
/// independent double check (weight and dose entered without seeing the administering nurse's
/// entry) or a prescriber's waiver of one checklist item. Used by at most one session, on `day`.
struct OrderCheck {
  OrderCheckId id{};
  DoseRecordId order{};
  PatientId patient{};
  OrderCheckKind kind = OrderCheckKind::DoubleCheck;
  Date day{};                             ///< the treatment day it is for
  std::optional<core::Kilograms> weight;  ///< double check: the weight the checker read
  std::optional<core::Milligrams> dose;   ///< double check: the dose the checker computed
  std::optional<ChecklistItem> item;      ///< waiver: the item waived
  std::string reason;                     ///< waiver: why (required)
  std::string recorded_by;
  Timestamp recorded_at{};
  std::optional<SessionId> session;  ///< the administration that used it
};

/// Double-check tolerance: the two entries must agree to the displayed precision, 2 decimals
/// (|a - b| < 0.005, plus rounding slack), in kg and in mg.
bool agrees_to_displayed_precision(double a, double b);

/// Whether a pregnancy test applies: sex F or X (not recorded as male) and age under 56 on the
/// treatment day. docs/clinic.md "Pre-dose checklist".
bool pregnancy_test_applies(pd::Sex sex, Date birth_date, Date day);

/// One unmet checklist item: what is missing or outside the limit, and whether a prescriber may
/// waive it (a positive pregnancy test may not).
struct ChecklistProblem {
  ChecklistItem item;
  std::string problem;
  bool waivable = true;
};

/// The checklist's unmet items for a dose started at `started_at` (the pre-dose blood pressure is
/// the last `before` reading at or before the start with both values, held at or above the
/// pre-dose thresholds of safety_thresholds).
struct ChecklistContext {
  pd::Sex sex = pd::Sex::Unspecified;
  Date birth_date{};
  Timestamp started_at{};
  double min_fasting_hours = 6.0;
  double hold_systolic = 140.0;    ///< mmHg: at or above holds the dose
  double hold_diastolic = 90.0;    ///< mmHg
  std::optional<double> systolic;  ///< the last pre-dose reading
  std::optional<double> diastolic;
};

std::vector<ChecklistProblem> checklist_problems(const std::optional<PreDoseChecklist>& checklist,
                                                 const ChecklistContext& context);

}  // namespace ketapath::clinic
