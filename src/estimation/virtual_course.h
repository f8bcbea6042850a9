#pragma once
// A virtual patient's clinic course for validating the estimator (issue 13 "Validation"): a
// 6-infusion IV loading series (0.5 mg/kg over 40 min, Monday and Thursday for three weeks) with
// noisy ratings at the clinic's times - pre-dose, 2 h after the start, 24 h after, and 7 days
// after the last loading infusion - and maintenance doses with their own ratings. The truth is a
// pd::KetamineParameters and a baseline; rating noise comes from core::Stream::Assessment keyed by
// (seed, replicate, subject) with the rating's index as its slot, so a course is reproducible
// alone on any thread.
//
// Example:
//   auto course = estimation::loading_course(70.0_kg);
//   auto ratings = estimation::rate(truth, pd::Scale::HamA, 26.0, course, times, seed, 0, i);

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "estimation/ketamine_individual.h"
#include "pd/ketamine_model.h"

namespace ketapath::estimation {

/// The loading series: six IV infusions (0.5 mg/kg x weight over 40 min) at days 0, 3, 7, 10, 14,
/// 17, 09:00 (the origin is day 0 00:00).
std::vector<pd::Dose> loading_course(core::Kilograms weight);

/// A maintenance dose like the loading ones at `time`.
pd::Dose maintenance_dose(core::Kilograms weight, double time);

/// The clinic's rating times (h) of a set of doses: pre-dose, +2 h and +24 h of each, and +7 d
/// after the last, sorted, without duplicates.
std::vector<double> clinic_rating_times(std::span<const pd::Dose> doses);

/// Noisy ratings of the true parameters at `times` (sorted): round(clamp(expected + SD z)).
core::Result<std::vector<Rating>> rate(const pd::KetamineParameters& truth, pd::Scale scale,
                                       double baseline, std::span<const pd::Dose> doses,
                                       std::span<const double> times, std::uint64_t seed,
                                       std::uint64_t replicate, std::uint64_t subject,
                                       std::uint64_t first_slot = 0);

/// The true noise-free score at `times`.
core::Result<std::vector<double>> true_scores(const pd::KetamineParameters& truth, pd::Scale scale,
                                              double baseline, std::span<const pd::Dose> doses,
                                              std::span<const double> times);

}  // namespace ketapath::estimation
