#pragma once
// Rating scales with item-level answers. Totals are always recomputed from the items (never
// trusted from input); a partial form is not scored. Definitions (items, answer ranges, bands)
// are the registry's (pd/scales.h, scale_definition()); severity bands are the clinic's.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/time.h"
#include "core/error.h"
#include "pd/scales.h"

namespace ketapath::clinic {

/// The one rating-scale registry (pd/scales.h: items, ranges, recall period, LOINC code, names,
/// model mapping), under the clinic's name. Clinic records spell a scale by its record name
/// ("ham-a", "gad-7", "phq-9": pd::scale_record_name) and read it with pd::parse_scale.
using pd::parse_scale;
using pd::Scale;
using pd::scale_definition;
using pd::ScaleDefinition;

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

}  // namespace ketapath::clinic
