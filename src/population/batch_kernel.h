#pragma once
// The batch kernel: advances kLanes subjects at once through a compiled schedule.
//
// Linear part (DEPOT, CENT, PERI, NKA, CE): over every step of length w the state is multiplied
// by Phi(w) = exp(A w), the matrix exponential of the subject's rate matrix, computed once per
// subject and distinct step length (Taylor series on a scaled matrix, then squaring; a step of
// twice the length reuses the shorter one by one squaring). This is exact to rounding, with no
// special cases for coinciding eigenvalues (KA = KE0, KA = lambda1, ...), which a sum-of-
// exponentials closed form would have to guard.
// Nonlinear part (S): dS/dt = -(KON g + KOFF) S + KON g is linear in S once CE(t) is known, and
// CE(t) inside a step is exact (a precomputed row of exp(A c w) applied to the step's start
// state). Each step solves the 3-stage Gauss-Legendre collocation equations for S exactly (order
// 6, A-stable), with CE evaluated exactly at the three Gauss nodes: the solution is
// s1 = (G s0 + H) / D with G, H and D multilinear polynomials in the three nodes' drives, whose
// coefficients depend only on the subject's KON and KOFF and the step length, so they are computed
// once per subject and step length and each step evaluates three polynomials and one reciprocal.
// Where the drug's drive of S is negligible (at most 1e-11 of S over the step) S takes its exact
// decay exp(-KOFF h) instead, decided per lane. Steps with no infusion running leave out the
// infusion-rate terms (exact zeros).
//
// Every lane does the same arithmetic in the same order (no FMA contraction; the only
// data-dependent branches skip work whose result no lane would change: all lanes' drive negligible,
// all lanes' C settled), so a subject's result does not depend on which block, thread or process
// computed it, nor on which instruction set (SSE2, AVX2, AVX-512) the dispatcher picked.

#include <array>
#include <cstddef>
#include <span>

#include "population/batch_model.h"

namespace ketapath::population {

/// Subjects advanced together by one kernel call (the SIMD width the code is written for).
inline constexpr std::size_t kLanes = 8;

/// Per-subject endpoints, in this order.
enum Endpoint : std::size_t {
  /// true peak of plasma ketamine from time 0 (or the first dose) to the last output time, mg/L:
  /// C at every output, right after every bolus, at every infusion's end, and the closed-form peak
  /// between two of those where C turns from rising to falling (plasma_peak.h). Not found: a
  /// second turn inside one output interval, or a turn while an infusion runs (batch_kernel.cpp).
  kCmax = 0,
  kAuc = 1,    ///< exact AUC of plasma ketamine from 0 to the last output time, mg*h/L
  kCeMax = 2,  ///< highest effect-site concentration at an output time, mg/L
  kNkMax = 3,  ///< highest plasma norketamine at an output time, mg/L
  kSMax = 4,   ///< highest plasticity S at an output time, 0..1
  kSEnd = 5,   ///< S at the last output time, 0..1
  kEndpointCount = 6,
};

/// Machine names of the endpoints ("cmax_mg_l", ...), in Endpoint order.
extern const std::array<const char*, kEndpointCount> kEndpointNames;

/// Output variables of a profile, in this order: C (mg/L), NK (mg/L), CE (mg/L), S.
enum ProfileVariable : std::size_t { kProfileC = 0, kProfileNk = 1, kProfileCe = 2, kProfileS = 3 };

inline constexpr std::size_t kProfileVariables = 4;
extern const std::array<const char*, kProfileVariables> kProfileVariableNames;

/// Simulates subjects [first, first + count) of `subjects` (count in 1..kLanes; missing lanes
/// repeat subject `first` and are discarded).
/// endpoints: count x kEndpointCount values, subject-major.
/// profiles (optional): output_times x kProfileVariables x kLanes values (time-major, then
/// variable, then lane); lanes >= count are filled but meaningless.
/// Parameters must be valid (BatchSubjects::validate).
void simulate_block(const BatchSchedule& schedule, const BatchSubjects& subjects, std::size_t first,
                    std::size_t count, double* endpoints, double* profiles = nullptr);

/// The same for 1..kLanes subjects given by position: lane l simulates subject index[l].
void simulate_block(const BatchSchedule& schedule, const BatchSubjects& subjects,
                    std::span<const std::size_t> index, double* endpoints,
                    double* profiles = nullptr);

/// Cost model counters for the report of how close the engine is to its limit.
struct KernelWork {
  std::size_t matrix_exponentials = 0;  ///< per subject: Taylor evaluations
  std::size_t squarings = 0;            ///< per subject: matrix squarings
  std::size_t steps = 0;                ///< per subject: collocation + linear steps
};

KernelWork kernel_work(const BatchSchedule& schedule);

}  // namespace ketapath::population
