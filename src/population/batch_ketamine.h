#pragma once
// The bundled ketamine model on the batch engine: one arm's regimen compiled into a BatchProtocol,
// and virtual patients (population::PatientGenerator) as the batch kernel's subjects. The kernel
// covers the model's PK (one depot route, two compartments, norketamine, effect site) and the
// plasticity state S. CADSS, haemodynamics, acute anxiolysis and rating scales are algebraic in
// Ce, S and the dose history; trial::BatchOutcomes (trial/batch_outcome.h) evaluates them from the
// kernel's profiles at the assessment times, which plan_ketamine_batch puts on the output grid.
//
// Supported regimens: ketamine by one route per arm (IV bolus or zero-order infusion into the
// central compartment, or one extravascular route into the depot, with its presystemic
// norketamine for swallowed routes: FPNK), plus placebo/midazolam sessions (no drug). Refused with
// InvalidArgument: several routes in one arm, a third compartment (Q3 > 0), and S_GAMMA other
// than 2 (the kernel's g = Ce^2 / (EC50^2 + Ce^2)).
//
// Example:
//   auto sessions = protocol::administrations(arm.regimen).value();
//   auto plan = population::plan_ketamine_batch(sessions, {0, 1, 2, 24, 72, 168}, model.typical);
//   auto source = population::ketamine_subject_source(generator, plan->route, seed);

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"
#include "population/batch_model.h"
#include "population/batch_runner.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"

namespace ketapath::population {

struct KetamineBatchPlan {
  BatchProtocol protocol;
  pd::Route route = pd::Route::Iv;  ///< the arm's drug route (its KA and F are used)
};

/// Compiles sessions into a protocol: one dose per ketamine session (mg/kg doses scale with each
/// subject's weight), outputs every hour from 0 to the end of the last session's follow-up
/// (`follow_up_h` after it, at least the largest assessment time) plus each session's start
/// and assessment times (`assessment_h`, hours after the session), computed as
/// trial::assessment_times does, so every assessment is an output time. Checks the supported
/// regimens above against `typical` (S_GAMMA, first-pass norketamine).
core::Result<KetamineBatchPlan> plan_ketamine_batch(
    const std::vector<protocol::Administration>& sessions, const std::vector<double>& assessment_h,
    const pd::KetamineParameters& typical, double follow_up_h = 168.0);

/// Which candidates a run with a run-in enrols (a trial design's enrichment, trial/run_in.h):
/// subject i is the first of its own candidates i K, i K + 1, ..., i K + K - 1 (K =
/// candidates_per_subject, candidate indices of the draws' replicate) that `accepts` keeps, so a
/// subject depends only on (seed, i) on any thread count. None of the K: a Validation error.
struct PatientSelection {
  std::function<core::Result<bool>(const VirtualPatient&)> accepts;
  std::uint64_t candidates_per_subject = 1;
  std::string what;  ///< names the run-in in messages: "the run-in of design glue2018"
};

/// Virtual patients of a population run, each drawn once although the kernel's parameters and the
/// subject's clinical record both need it. source() draws subjects [first, first + count) of
/// the replicate and keeps them in the calling thread's cache; patient(i) on the same thread
/// returns the cached patient, drawing (and, with a selection, selecting) it again only when it
/// is not there. The runner calls the source and then the derived values of a chunk on one
/// thread, so every patient of a clinical run is drawn once. A patient is a pure function of
/// (seed, i): the cache changes no result.
class PatientDraws {
 public:
  /// `replicate`: the generator's replicate index the patients come from (0; an arm of a
  /// parallel design uses its own, so its patients and their noise are independent of the other
  /// arms'). `selection`: enrol only the candidates a run-in keeps (none: every candidate).
  PatientDraws(std::shared_ptr<const PatientGenerator> generator, pd::Route route,
               std::uint64_t seed, std::uint64_t replicate = 0,
               std::optional<PatientSelection> selection = std::nullopt);

  /// Patient i (of `replicate`) from this thread's cache, or drawn (with a selection: the run-in
  /// simulated again for up to K candidates). A subject of a chunk draw() returned without error
  /// is always selected again without error; for any other subject an error of the selection
  /// throws (std::bad_expected_access), so call it only for drawn subjects.
  [[nodiscard]] const VirtualPatient& patient(std::size_t i) const;

  /// Draws subjects [first, first + count) into this thread's cache and appends their batch
  /// subjects (individual parameters for the route, dose_scale the body weight) to `out`. Errors
  /// come from the selection.
  [[nodiscard]] core::Status draw(std::size_t first, std::size_t count, BatchSubjects& out) const;

  [[nodiscard]] const PatientGenerator& generator() const { return *generator_; }

 private:
  /// Subject i: the generator's patient i, or the first candidate the selection keeps.
  [[nodiscard]] core::Result<VirtualPatient> select(std::size_t i) const;

  std::shared_ptr<const PatientGenerator> generator_;
  std::optional<PatientSelection> selection_;
  pd::Route route_;
  std::uint64_t seed_;
  std::uint64_t replicate_;
  std::uint64_t id_;  // unique per object: the thread caches are keyed by it, not by address
};

/// The subject source of a PatientDraws (PatientDraws::draw).
SubjectSource ketamine_subject_source(std::shared_ptr<const PatientDraws> draws);

/// Subjects drawn from `generator` (replicate 0, subject index i) with their individual
/// parameters for `route`; dose_scale is the body weight (kg). Thread-safe. Subject i is the
/// patient `ketapath trial` draws as candidate i of replicate 0 (with the same seed), i.e. its
/// i-th subject when the arm is run alone without enrichment; every arm gets the same patients.
SubjectSource ketamine_subject_source(std::shared_ptr<const PatientGenerator> generator,
                                      pd::Route route, std::uint64_t seed);

}  // namespace ketapath::population
