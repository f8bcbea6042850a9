#pragma once
// Rating scales with item-level answers. Totals are always recomputed from the items (never
// trusted from input); a partial form is not scored. Definitions (items, answer ranges, bands)
// are in scale_definition().

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

enum class Scale {
  HamA,   ///< Hamilton Anxiety, 14 items 0-4, total 0-56 (clinician)
  Gad7,   ///< 7 items 0-3, total 0-21 (self-report)
  Fq,     ///< Fear Questionnaire total phobia scale, 15 items 0-8, total 0-120
  Lsas,   ///< Liebowitz Social Anxiety, 24 situations x (fear, avoidance) 0-3 = 48 items, 0-144
  Phq9,   ///< 9 items 0-3, total 0-27
  Cadss,  ///< dissociation, 23-item version, items 0-4, total 0-92
};

struct ScaleDefinition {
  Scale scale;
  std::string_view name;  ///< "HAM-A"
  int items;
  int item_min;
  int item_max;
  int total_max;
  std::string_view loinc_total;  ///< "" when no LOINC code exists
  /// Days the questions look back over (GAD-7, PHQ-9: 14; LSAS: 7); 0 = rated as the patient is
  /// now. A scale with a recall period of days measures trough response only: rated less than
  /// 24 h after a dose it is accepted but flagged (response.h recall_period_warnings).
  int recall_days = 0;
};

const ScaleDefinition& scale_definition(Scale scale);

/// A completed rating: item answers in the instrument's order. For LSAS, items 1-24 are fear and
/// 25-48 avoidance for situations 1-24.
struct ScaleRating {
  Scale scale = Scale::Gad7;
  Timestamp rated_at{};
  std::vector<int> items;
  int total = 0;      ///< recomputed by score_rating(); what is stored
  std::string rater;  ///< clinician for HAM-A/CADSS, "self" for self-report
};

/// Validates the items (count and range) and returns the total. Errors: Validation naming the
/// scale, the item number and the value ("GAD-7: item 3 must be 0-3 (got 4)").
core::Result<int> score_items(Scale scale, const std::vector<int>& items);

/// A severity band label for a total ("moderate"), per clinic-practice.md section 5.
std::string_view severity_band(Scale scale, int total);

std::string_view to_string(Scale scale);  ///< "ham-a", "gad-7", "fq", "lsas", "phq-9", "cadss"
core::Result<Scale> parse_scale(std::string_view text);

}  // namespace ketapath::clinic
