#pragma once
// One virtual patient through one arm: the model's time course at every assessment, turned into
// what a trial records (noisy ratings rounded to whole points, vitals, measured concentrations).

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"
#include "trial/design.h"

namespace ketapath::trial {

/// Number of Variable values measured at the vitals times (Dsbp .. Norketamine).
inline constexpr std::size_t kVitalsCount = 5;

/// Assessment times closer than this (h) are one assessment, in both the per-subject and the
/// batch path.
inline constexpr double kSameAssessmentTime = 1e-9;

/// Index of a vitals variable in SessionOutcome::vitals (Cadss and CadssModel have none).
constexpr std::size_t vitals_index(Variable v) {
  return static_cast<std::size_t>(v) - 2;
}

/// What was recorded in one subject around one session (times relative to the session start).
struct SessionOutcome {
  std::vector<double> pre;                   ///< pre-dose rating per rated scale (design order)
  std::vector<std::vector<double>> ratings;  ///< [scale][rating time], points
  /// [rating time]: the model's two anxiolysis mechanisms without noise (fractions 0..1): the
  /// acute, concentration-driven Ra and the sustained plasticity state S (pd/ketamine_model.h).
  std::vector<double> acute;
  std::vector<double> sustained;
  std::vector<double> cadss;        ///< [cadss time], rated points
  std::vector<double> cadss_model;  ///< [cadss time], model CADSS without noise
  /// [vitals_index][vitals time]: dSBP, dDBP mmHg, dHR bpm, ketamine, norketamine ng/mL.
  std::vector<std::vector<double>> vitals;
};

struct SubjectOutcome {
  std::vector<SessionOutcome> sessions;  ///< one per administration, in regimen order
};

/// Expectancy multipliers of the placebo response by agent (Design::expectancy_*).
struct Expectancy {
  double ketamine = 1.0;
  double placebo = 1.0;
  double midazolam = 1.0;
};

/// The model's dose list: ketamine sessions as amount = dose x weight; placebo and midazolam
/// sessions as amount 0 (a session with expectancy but no drug).
std::vector<pd::Dose> to_model_doses(const std::vector<protocol::Administration>& sessions,
                                     core::Kilograms weight, const Expectancy& expectancy);

/// The distinct model times of a regimen's assessments: each session's start (pre-dose rating)
/// and every rating, CADSS and vitals time after it, sorted, with times closer than 1e-9 h merged.
/// The i-th time owns noise slots slot_base + 8 i + scale (see simulate_subject).
std::vector<core::Hours> assessment_times(const std::vector<protocol::Administration>& sessions,
                                          const Assessments& assessments);

/// What a trial records from the model's noise-free course at `times` (= assessment_times(...)):
/// ratings with noise, CADSS, vitals and measured concentrations, exactly as simulate_subject.
/// Drop-out (Assessments::dropout_per_week = p > 0): the subject leaves at T = first session +
/// 168 h x ln(u) / ln(1 - p), u the first uniform of Stream::Dropout for (replicate, subject);
/// every rating, CADSS and vitals value at or after T is missing (NaN), as is the pre-dose rating
/// of a session that starts after it. Endpoints then use the subjects observed at each time; a
/// subject who left before meeting a responder rule is not a responder. The model's own values
/// (acute, sustained, cadss_model) stay: they are not observations.
/// `course` may come from pd::simulate_ketamine or from the batch engine (trial/batch_outcome.h).
SubjectOutcome record_outcome(const population::VirtualPatient& patient,
                              const std::vector<protocol::Administration>& sessions,
                              const Assessments& assessments, const std::vector<core::Hours>& times,
                              const pd::TimeCourse& course, std::uint64_t seed,
                              std::uint64_t slot_base);

/// Simulates one patient's sessions and records every assessment. Ratings at the same moment
/// (168 h after one dose and before the next) are one rating. Noise: the standard normal of the
/// rating of scale s at the i-th distinct assessment time is draw noise_slot(slot_base, i, s) of
/// Stream::Assessment; concentrations use the same slots of Stream::Residual, and vitals readings
/// (when the design gives their SD) slots 5-7 of it (assessment_slot). So the record
/// depends only on (seed, replicate, subject, slot_base). Errors come from the model.
core::Result<SubjectOutcome> simulate_subject(const population::VirtualPatient& patient,
                                              const std::vector<protocol::Administration>& sessions,
                                              const Assessments& assessments,
                                              const Expectancy& expectancy, std::uint64_t seed,
                                              std::uint64_t slot_base);

/// The patient's baseline on an anxiety scale (0 for CADSS); a model file's own scale from
/// population::Baselines::own.
double baseline_of(const population::VirtualPatient& patient, pd::Scale scale);

/// Each assessment time has 8 draw slots: slot `k` (0-7) of the i-th time is slot_base + 8 i + k.
std::uint64_t assessment_slot(std::uint64_t slot_base, std::size_t i, std::uint64_t k);

/// The noise slot of scale `scale` at the i-th assessment time: assessment_slot k = scale for the
/// first eight scale values (as always), then blocks of 8 at multiples of 2^32 above them.
std::uint64_t noise_slot(std::uint64_t slot_base, std::size_t i, pd::Scale scale);

/// Assessment slots of Stream::Residual beside the two concentration assays (slots 0 and 1): the
/// reading errors of SBP, DBP and HR (Assessments::sbp_reading_sd ...).
inline constexpr std::uint64_t kSbpReadingSlot = 5;
inline constexpr std::uint64_t kDbpReadingSlot = 6;
inline constexpr std::uint64_t kHrReadingSlot = 7;

}  // namespace ketapath::trial
