#include "clinic/domain/dose_calculator.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/check.h"
#include "core/dose_text.h"
#include "core/number_text.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// A mg/kg entry this large is almost certainly a total in mg typed into the mg/kg field.
constexpr double kLooksLikeMilligrams = 5.0;

bool same(double a, double b) {
  // Finite first: |inf - b| <= 1e-9 * inf would hold and let "inf mg/mL" match a listed one.
  return std::isfinite(a) && std::isfinite(b) &&
         std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

std::string join_numbers(const std::vector<core::MilligramsPerMillilitre>& values) {
  std::string out;
  for (const auto v : values) {
    out += out.empty() ? "" : ", ";
    out += core::display_number(v.value(), 3);
  }
  return out;
}

}  // namespace

core::Result<DoseCalculation> calculate_dose(const Patient& patient, const DrugEntry& drug,
                                             const DoseOrder& order, const DosingPolicy& policy) {
  const auto limits = limits_for(drug, order.route);
  if (!limits) {
    return core::fail(ErrorCode::NotFound, "dose: the drug library has no {} entry for route {}",
                      drug.name, pd::route_name(order.route));
  }
  DoseCalculation c;
  // 1. Weight: the latest on or before the treatment day, recent enough and in range.
  const auto weight = latest_weight(patient, order.on);
  if (!weight) {
    return core::fail(ErrorCode::Validation,
                      "dose: patient {} has no weight recorded on or before {} (weigh the patient)",
                      patient.id.value(), format_date(order.on));
  }
  const auto age_days = (order.on - weight->measured_on).count();
  if (auto recent = core::check_count(
          fmt::format("dose: the age on {} of the weight {} kg from {}", format_date(order.on),
                      core::display_number(weight->weight.value()),
                      format_date(weight->measured_on)),
          age_days, "days", 0, policy.max_weight_age_days);
      !recent) {
    recent.error().message += " (re-weigh the patient)";
    return std::unexpected(std::move(recent.error()));
  }
  KETAPATH_TRY(core::check_range("dose: weight", weight->weight.value(), "kg",
                                 {policy.min_weight.value(), policy.max_weight.value()}));
  c.weight = weight->weight;
  c.weight_measured_on = weight->measured_on;
  if (weight->estimated) {
    c.warnings.push_back("the weight is estimated, not measured");
  }

  // 2. The mg/kg dose against the library.
  const double per_kg = order.dose.value();
  const std::string where = fmt::format("dose ({} {})", drug.name, pd::route_name(order.route));
  KETAPATH_TRY(
      core::check_range(fmt::format("{}: dose", where), per_kg, "mg/kg", core::positive()));
  if (order.dose > limits->hard_max) {
    const std::string hint = per_kg >= kLooksLikeMilligrams
                                 ? fmt::format("; did you mean {} mg? Enter the dose in mg/kg",
                                               core::display_number(per_kg))
                                 : "";
    const auto [shown, limit] = core::distinct_numbers(per_kg, limits->hard_max.value());
    return core::fail(ErrorCode::LimitExceeded,
                      "{}: {} mg/kg exceeds the hard limit of {} mg/kg, which cannot be "
                      "overridden (got {} mg/kg){}",
                      where, shown, limit, shown, hint);
  }
  if (order.dose < limits->min_dose) {
    const auto [shown, limit] = core::distinct_numbers(per_kg, limits->min_dose.value());
    return core::fail(ErrorCode::Validation,
                      "{}: dose is below the library minimum of {} mg/kg (got {} mg/kg)", where,
                      limit, shown);
  }
  c.dose_per_kg = order.dose;
  c.dose = c.weight * c.dose_per_kg;
  if (c.dose > limits->absolute_cap) {
    return core::fail(ErrorCode::LimitExceeded,
                      "{}: {} kg x {} mg/kg = {} mg exceeds the absolute cap of {} mg, which "
                      "cannot be overridden (got {} mg)",
                      where, core::display_number(c.weight.value()),
                      core::display_number(per_kg, 3), core::display_number(c.dose.value()),
                      core::display_number(limits->absolute_cap.value()),
                      core::display_number(c.dose.value()));
  }
  if (order.dose > limits->soft_max) {
    if (core::is_blank(order.override_reason)) {  // Unicode blanks are no reason
      const auto [shown, limit] = core::distinct_numbers(per_kg, limits->soft_max.value());
      return core::fail(ErrorCode::LimitExceeded,
                        "{}: {} mg/kg exceeds the soft limit of {} mg/kg; an override needs a "
                        "reason (got {} mg/kg, {})",
                        where, shown, limit, shown,
                        order.override_reason.empty() ? "no reason" : "a blank reason");
    }
    c.limit = LimitLevel::Soft;
    c.override_reason = order.override_reason;
  }

  // 3. Concentration from the library.
  c.concentration = order.concentration.value_or(limits->concentrations.front());
  const bool listed = std::any_of(limits->concentrations.begin(), limits->concentrations.end(),
                                  [&](auto v) { return same(v.value(), c.concentration.value()); });
  if (!listed) {
    double nearest_listed = limits->concentrations.front().value();
    for (const auto v : limits->concentrations) {
      if (std::abs(v.value() - c.concentration.value()) <
          std::abs(nearest_listed - c.concentration.value())) {
        nearest_listed = v.value();
      }
    }
    return core::fail(ErrorCode::Validation,
                      "{}: concentration must be one of the library's {} mg/mL (got {} mg/mL)",
                      where, join_numbers(limits->concentrations),
                      core::distinct_numbers(c.concentration.value(), nearest_listed, 3).first);
  }
  c.volume = c.dose / c.concentration;
  // One injection's volume (SC, IM): above the policy's maximum, warn (split it or use a
  // stronger concentration). IV volumes are diluted infusions: no such limit.
  if (order.route != Route::Iv) {
    const core::Millilitres max =
        order.route == Route::Sc ? policy.max_sc_volume : policy.max_im_volume;
    if (c.volume > max) {
      c.warnings.push_back(fmt::format(
          "volume: {} mL is more than {} mL for one {} injection: split it between sites or use "
          "a higher concentration ({} mg/mL)",
          core::display_number(c.volume.value()), core::display_number(max.value()),
          order.route == Route::Sc ? "subcutaneous" : "intramuscular",
          join_numbers(limits->concentrations)));
    }
  }

  c.arithmetic.push_back(fmt::format(
      "weight: {} kg (measured {}, {} days before {})", core::display_number(c.weight.value()),
      format_date(c.weight_measured_on), age_days, format_date(order.on)));
  c.arithmetic.push_back(
      fmt::format("dose: {} kg x {} mg/kg = {} mg", core::display_number(c.weight.value()),
                  core::display_number(per_kg, 3), core::display_number(c.dose.value())));
  c.arithmetic.push_back(fmt::format(
      "volume: {} mg / {} mg/mL = {} mL", core::display_number(c.dose.value()),
      core::display_number(c.concentration.value(), 3), core::display_number(c.volume.value())));

  // 4. Infusion rate (IV only).
  if (order.route == Route::Iv) {
    const core::Minutes duration = order.duration.value_or(limits->default_duration);
    if (!(duration >= limits->min_duration && duration <= limits->max_duration)) {
      const double nearest = duration < limits->min_duration ? limits->min_duration.value()
                                                             : limits->max_duration.value();
      return core::fail(ErrorCode::Validation, "{}: duration must be {}-{} min (got {} min)", where,
                        core::display_number(limits->min_duration.value()),
                        core::display_number(limits->max_duration.value()),
                        core::distinct_numbers(duration.value(), nearest).first);
    }
    c.duration = duration;
    c.rate = core::pump_rate(c.volume, duration);
    const core::Hours hours = core::to_hours(duration);
    c.dose_rate_mg_per_kg_per_h = per_kg / hours.value();
    c.arithmetic.push_back(
        fmt::format("rate: {} mL / ({} min / 60 min/h) = {} mL / {} h = {} mL/h",
                    core::display_number(c.volume.value()), core::display_number(duration.value()),
                    core::display_number(c.volume.value()), core::display_number(hours.value(), 4),
                    core::display_number(c.rate->value())));
    c.arithmetic.push_back(fmt::format("dose rate: {} mg/kg / {} h = {} mg/kg/h",
                                       core::display_number(per_kg, 3),
                                       core::display_number(hours.value(), 4),
                                       core::display_number(*c.dose_rate_mg_per_kg_per_h, 3)));
  } else if (order.duration) {
    return core::fail(ErrorCode::Validation,
                      "{}: a duration applies to IV infusions only (got {} min for route {})",
                      where, core::display_number(order.duration->value()),
                      pd::route_name(order.route));
  }
  c.arithmetic.push_back(fmt::format(
      "limits ({}): soft {} mg/kg, hard {} mg/kg, cap {} mg: {}", pd::route_name(order.route),
      core::display_number(limits->soft_max.value(), 3),
      core::display_number(limits->hard_max.value(), 3),
      core::display_number(limits->absolute_cap.value()),
      c.limit == LimitLevel::Soft ? "soft limit exceeded, overridden: " + c.override_reason
                                  : std::string("within limits")));
  if (!drug.advisory.empty() && order.route == Route::Iv) {
    c.warnings.push_back(drug.advisory);  // the infusion advisory (dilution, pump): IV only
  }
  return c;
}

core::Result<core::MilligramsPerKilogram> parse_dose_per_kg(std::string_view text,
                                                            std::string_view field) {
  const core::DoseQuantity dose = KETAPATH_TRY(core::parse_dose_quantity(text, field));
  if (const auto* total = std::get_if<core::Milligrams>(&dose)) {
    return core::fail(ErrorCode::Validation,
                      "{}: expected a weight-based dose in mg/kg, not a total amount (got {} mg); "
                      "the total in mg is calculated from the weight",
                      field, core::display_number(total->value(), 3));
  }
  return std::get<core::MilligramsPerKilogram>(dose);
}

}  // namespace ketapath::clinic
