#pragma once
// Every size and range limit that protects Ketapath from hostile or mistaken input, in one place
// (docs/limits.md is the table for humans; keep the two in step). A value beyond a limit is
// refused before anything is allocated or looped over, with ErrorCode::LimitExceeded (exit 3)
// and a message naming the limit, e.g.
//   "doses.csv:3: ADDL must be 0-100000 additional doses (got 999999999 additional doses) (a
//   limit of docs/limits.md)".
// The limits are generous: they stop one-line inputs from asking for terabytes or years of CPU,
// not legitimate large jobs (1e6 subjects in `population`, long NM-TRAN data sets).

#include <cstddef>
#include <cstdint>

namespace ketapath::core::limits {

// ---- Input files (read whole into memory) ----
/// A clinic JSON form (session, screening, treatment history, settings, drug entry).
inline constexpr std::uintmax_t kMaxJsonFileBytes = 16u << 20;  // 16 MiB
/// Nesting depth of any JSON value read from outside (a session is 4 deep).
inline constexpr std::size_t kMaxJsonDepth = 64;
/// A model or design TOML file.
inline constexpr std::uintmax_t kMaxTomlFileBytes = 4u << 20;  // 4 MiB
/// The anxiolysis evidence table (models/anxiolysis_evidence.csv, io/evidence_file.h).
inline constexpr std::uintmax_t kMaxEvidenceFileBytes = 1u << 20;  // 1 MiB
/// An NM-TRAN data set (read whole: about 3 times its size in memory).
inline constexpr std::uintmax_t kMaxNmtranFileBytes = std::uintmax_t{2} << 30;  // 2 GiB

// ---- NM-TRAN dose expansion ----
/// ADDL on one dose record.
inline constexpr long long kMaxAddl = 100'000;
/// ADDL-implied doses of one subject (ID), summed over its records.
inline constexpr long long kMaxImpliedDosesPerSubject = 1'000'000;

// ---- Time courses (`predict`, `simulate --grid`) ----
/// Output rows of one time course.
inline constexpr long long kMaxOutputPoints = 1'000'000;
/// Length of a simulated time course: 10 years.
inline constexpr double kMaxSimulatedHours = 87'600.0;
/// An IV infusion: 7 days.
inline constexpr double kMaxInfusionMinutes = 10'080.0;
/// The largest dose a model simulation takes (a design, `predict`): far above any clinical dose,
/// low enough that every concentration stays a finite number.
inline constexpr double kMaxModelDoseMg = 100'000.0;
inline constexpr double kMaxModelDoseMgPerKg = 1'000.0;

// ---- Trial designs ----
/// Doses in one phase of a regimen (`count`, a times list; daily for 10 years fits).
inline constexpr long long kMaxDosesPerPhase = 10'000;
/// `weeks` of a weekly schedule: 10 years.
inline constexpr long long kMaxScheduleWeeks = 520;
/// Shortest interval between scheduled doses (`every_h`, `every_days`).
inline constexpr double kMinDoseIntervalMinutes = 1.0;
/// Longest phase (schedule length, count x interval) or phase delay: 10 years.
inline constexpr double kMaxScheduleHours = kMaxSimulatedHours;
/// Doses of a whole regimen, over all its phases.
inline constexpr long long kMaxDosesPerRegimen = 10'000;
/// `subjects` of one arm in a design (`trial` simulates them in every replicate).
inline constexpr long long kMaxSubjectsPerArm = 100'000;
/// `max_candidates_per_subject` of an enrichment run-in.
inline constexpr long long kMaxEnrichmentCandidates = 1'000;
/// Worker threads of `trial` and `population`.
inline constexpr long long kMaxThreads = 1'024;
/// `trial --replicates`.
inline constexpr long long kMaxReplicates = 100'000;
/// Output rows of `simulate --nsub` and of a `fit --vpc` (replicates x rows of the data set and
/// grid): each row is held in memory until the whole run is done.
inline constexpr long long kMaxSimulatedRows = 50'000'000;
/// Subject simulations of one `trial` run: replicates x subjects over all arms.
inline constexpr long long kMaxTrialSubjectRuns = 100'000'000;
/// `population --subjects` (per arm).
inline constexpr long long kMaxPopulationSubjects = 100'000'000;
/// `population --subjects-file`: the file is read whole (10 million rows of 15 columns is about
/// 1.5 GB of text and 1.2 GB of parameters).
inline constexpr std::uintmax_t kMaxSubjectsFileBytes = std::uintmax_t{2} << 30;  // 2 GiB
inline constexpr long long kMaxSubjectsFileRows = 10'000'000;

}  // namespace ketapath::core::limits
