#pragma once
// What the batch engine simulates: N subjects of one linear-PK / plasticity model and one protocol,
// held as structure-of-arrays (one contiguous array per parameter) so the kernel can advance many
// subjects with the same instructions.
//
// Model (amounts in mg, time in h, concentrations in mg/L; see docs/performance.md):
//   DEPOT' = -KA DEPOT                         CENT' = KA DEPOT - (CL + Q) C + Q PERI / V2
//   PERI'  = Q C - Q PERI / V2                 NKA'  = FM CL C - CLNK NKA / VNK
//   CE'    = KE0 (C - CE)                      S'    = KON g (1 - S) - KOFF S
//   with C = CENT / V1 and g = CE^2 / (EC50^2 + CE^2).
// The first five states are linear with constant coefficients; S is the only nonlinear state.
//
// Example:
//   auto subjects = population::benchmark_subjects(1000, /*seed=*/1);   // the fixed workload
//   auto protocol = population::benchmark_protocol();                    // 12 weekly 70 mg SC
//   auto schedule = population::build_schedule(protocol);                // Result<BatchSchedule>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace ketapath::population {

/// One subject's parameters, named and in their units: the boundary every producer of batch
/// subjects (virtual patients, the benchmark workload, tests) fills by name.
struct BatchSubject {
  core::PerHour ka{1.0};  ///< absorption rate constant (1 for IV, unused)
  double f = 1.0;         ///< bioavailability of a depot dose, fraction
  /// Fraction of the non-bioavailable depot dose (1 - f) that reaches norketamine presystemically
  /// (a swallowed dose), absorbed with KA: the depot holds f + (1 - f) fpnk of each dose.
  double fpnk = 0.0;
  core::Litres v1{1.0};                ///< central volume
  core::Litres v2{1.0};                ///< peripheral volume
  core::LitresPerHour cl{1.0};         ///< ketamine clearance
  core::LitresPerHour q{1.0};          ///< inter-compartmental clearance
  double fm = 0.0;                     ///< fraction of CL forming norketamine
  core::Litres v_nk{1.0};              ///< norketamine volume
  core::LitresPerHour cl_nk{1.0};      ///< norketamine clearance
  core::PerHour ke0{1.0};              ///< effect-site equilibration rate constant
  core::MilligramsPerLitre ec50{1.0};  ///< Ce giving half-maximal plasticity drive
  core::PerHour kon{0.0};              ///< plasticity on-rate
  core::PerHour koff{0.0};             ///< plasticity off-rate
  /// Multiplies every scaled dose amount: 1 for fixed mg doses, the weight in kg for mg/kg.
  double dose_scale = 1.0;
};

/// Per-subject parameters, one array per parameter (all arrays have the same length), the
/// kernel's structure-of-arrays form of BatchSubject. Units: KA, KE0, KON, KOFF 1/h; V1, V2, VNK
/// L; CL, Q, CLNK L/h; EC50 mg/L; F, FM fractions; dose_scale as in BatchSubject.
struct BatchSubjects {
  std::vector<double> ka, f, fpnk, v1, v2, cl, q, fm, v_nk, cl_nk, ke0, ec50, kon, koff, dose_scale;

  [[nodiscard]] std::size_t size() const { return ka.size(); }

  /// Appends one subject.
  void push_back(const BatchSubject& subject);
  /// Subject i, named and typed again (i < size()).
  [[nodiscard]] BatchSubject at(std::size_t i) const;
  void reserve(std::size_t n);
  /// Checks every value: rates, volumes, clearances, EC50 and dose_scale > 0 and finite, KOFF
  /// >= 0, KON >= 0, F, FPNK and FM in [0, 1]. InvalidArgument names the subject and parameter:
  /// "batch subject 12: parameter CL must be > 0 L/h (got -1 L/h)".
  [[nodiscard]] core::Status validate() const;
};

/// Where a dose goes.
enum class DoseTarget : std::uint8_t {
  Depot,    ///< first-order absorption (KA), scaled by F
  Central,  ///< intravenous bolus into the central compartment
};

/// One bolus, given to every subject at the same time.
struct BatchDose {
  double time_h = 0.0;
  /// mg, or mg per unit of the subject's dose_scale (e.g. mg/kg) when `scaled`.
  double amount_mg = 0.0;
  DoseTarget target = DoseTarget::Depot;
  bool scaled = true;  ///< multiply by the subject's dose_scale
  /// Zero-order infusion into the central compartment over this many hours (target Central);
  /// 0 for a bolus.
  double duration_h = 0.0;
};

/// The protocol shared by all subjects: doses and output times (hours, from 0).
struct BatchProtocol {
  std::vector<BatchDose> doses;
  std::vector<double> output_times_h;  ///< strictly increasing, >= 0
};

/// How finely the plasticity state is integrated. Every step is an exact linear advance plus a
/// 3-point Gauss-Legendre collocation step for S (order 6). CE, and with it the drive g of S,
/// rises and falls steeply in the first hours after a dose (fast absorbers peak within an hour),
/// so after each dose the steps grow geometrically from `first_step_h` to `fine_step_h`, stay at
/// `fine_step_h` until `fine_window_h` after the dose, then double up to `max_step_h`, the step
/// everywhere else (each doubling waits, at most one step, until the offset from the dose is a
/// multiple of the doubled step; with the defaults, whose lengths are powers of two, the ramp then
/// ends at a multiple of `max_step_h`, so with doses on the output grid no output splits a step
/// into two odd lengths). The defaults keep S within 1e-7
/// absolute of a 64-times finer solution on the benchmark workload
/// (tests/population/batch_kernel_test.cpp).
struct StepOptions {
  double first_step_h = 1.0 / 64.0;
  double fine_step_h = 1.0 / 32.0;
  double fine_window_h = 1.5;
  double max_step_h = 1.0;
};

/// One action of the shared schedule.
struct ScheduleAction {
  enum class Kind : std::uint8_t { Advance, Output, Dose, InfusionEnd };
  Kind kind = Kind::Advance;
  /// Advance: into widths_h; Output: into output times; Dose, InfusionEnd: into doses.
  std::uint32_t index = 0;
};

/// The protocol compiled into one sequence of actions, identical for every subject, so the kernel
/// runs the same instructions on every lane. Outputs at a dose time are taken before the dose.
struct BatchSchedule {
  BatchProtocol protocol;
  std::vector<double> widths_h;  ///< distinct step lengths (the kernel precomputes each)
  std::vector<ScheduleAction> actions;
  std::size_t advance_count = 0;  ///< number of Advance actions (steps per subject)
  /// Per dose: the fraction delivered by the last output time (1 for boluses; for infusions
  /// running past the end, the part given so far), for the mass-balance AUC.
  std::vector<double> delivered_fraction;
};

/// Compiles a protocol. InvalidArgument if output times are empty, negative, not strictly
/// increasing or not finite; if a dose time is negative or not finite or its amount negative; or
/// if the step options are not positive.
core::Result<BatchSchedule> build_schedule(const BatchProtocol& protocol,
                                           const StepOptions& options = {});

/// Integer-hour output times 0, 1, ..., end_h.
std::vector<double> hourly_times(int end_h);

}  // namespace ketapath::population
