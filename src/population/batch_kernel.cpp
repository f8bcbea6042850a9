#include "population/batch_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "population/plasma_peak.h"

namespace ketapath::population {

const std::array<const char*, kEndpointCount> kEndpointNames = {
    "cmax_mg_l", "auc_mg_h_l", "ce_max_mg_l", "nk_max_mg_l", "s_max", "s_end"};
const std::array<const char*, kProfileVariables> kProfileVariableNames = {"c_mg_l", "nk_mg_l",
                                                                          "ce_mg_l", "s"};

namespace {

constexpr std::size_t L = kLanes;
// DEPOT, CENT, PERI, NKA, CE and U, the running infusion rate (mg/h into CENT, constant between
// events), which makes zero-order input part of the same matrix exponential.
constexpr std::size_t kStates = 6;

enum : std::size_t { kD = 0, kC = 1, kP = 2, kN = 3, kE = 4, kU = 5 };

// The kernel is compiled for several instruction sets; the loader picks the best one at run time.
// Only plain IEEE operations are used and contraction to FMA is disabled for this file, so every
// clone gives bit-identical results.
#if defined(__x86_64__) && !defined(KETAPATH_NO_MULTIVERSION)
#define KETAPATH_KERNEL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KETAPATH_KERNEL_CLONES
#endif
#define KETAPATH_INLINE inline __attribute__((always_inline))

struct alignas(64) Mat {
  double a[kStates][kStates][L];
};

using Lanes = double[L];

// 3-stage Gauss-Legendre (order 6): nodes, Butcher matrix, weights.
constexpr double kSqrt15 = 3.87298334620741688518;
constexpr double kNode[3] = {0.5 - kSqrt15 / 10.0, 0.5, 0.5 + kSqrt15 / 10.0};
constexpr double kButcher[3][3] = {
    {5.0 / 36.0, 2.0 / 9.0 - kSqrt15 / 15.0, 5.0 / 36.0 - kSqrt15 / 30.0},
    {5.0 / 36.0 + kSqrt15 / 24.0, 2.0 / 9.0, 5.0 / 36.0 - kSqrt15 / 24.0},
    {5.0 / 36.0 + kSqrt15 / 30.0, 2.0 / 9.0 + kSqrt15 / 15.0, 5.0 / 36.0}};
constexpr double kWeight[3] = {5.0 / 18.0, 4.0 / 9.0, 5.0 / 18.0};

// Where the drug's drive of S is negligible, S follows its exact decay exp(-KOFF h) and the
// collocation solve is skipped (per lane; a block skips the solve when all its lanes may). The
// neglected term KON g (1 - S) changes S over a step by at most h KON max g <= h KON max n, with
// n = (CE/EC50)^2 >= g bounded above at the step's start, Gauss nodes and end (StepData::bound);
// a lane takes the exact decay only while that is at most kNegligibleDrive times its S. The
// relative error of S then grows by at most kNegligibleDrive per such step (the decay carries a
// relative error unchanged; the drive's growth shrinks it): below 1e-6 relative for 100,000 steps
// (11 years of hourly outputs).
constexpr double kNegligibleDrive = 1e-11;

// Taylor degree and the norm bound after scaling: the truncation error is below
// 0.5^15 / 15! = 2.3e-17 relative to the norm.
constexpr int kTaylorDegree = 14;
constexpr double kTaylorNorm = 0.5;

// Structurally non-zero entries of the rate matrix, and so of exp(A t) and of every product the
// exponentials need: DEPOT feeds CENT, CENT and PERI exchange, CENT feeds NKA and CE, U (a
// constant rate) feeds CENT; rows DEPOT and U are diagonal.
constexpr bool kNonZero[kStates][kStates] = {
    {true, false, false, false, false, false},  // DEPOT
    {true, true, true, false, false, true},     // CENT
    {true, true, true, false, false, true},     // PERI
    {true, true, true, true, false, true},      // NKA
    {true, true, true, false, true, true},      // CE
    {false, false, false, false, false, true},  // U
};

// One multiply-add of a structured product: out[i][j] (+)= x[i][k] y[k][j].
struct ProductTerm {
  std::uint8_t i, j, k;
  bool first;  // the first term of out[i][j]: assigns instead of adding
};

constexpr std::size_t count_product_terms() {
  std::size_t count = 0;
  for (std::size_t i = 0; i < kStates; ++i) {
    for (std::size_t j = 0; j < kStates; ++j) {
      for (std::size_t k = 0; k < kStates; ++k) {
        count += kNonZero[i][j] && kNonZero[i][k] && kNonZero[k][j] ? 1 : 0;
      }
    }
  }
  return count;
}

constexpr std::size_t kProductTermCount = count_product_terms();  // 52 of the dense 216

// The terms in the dense product's order (k ascending for each entry), so skipping the
// structural zeros changes no bit: adding an exact zero to a sum leaves it unchanged.
constexpr std::array<ProductTerm, kProductTermCount> kProductTerms = [] {
  std::array<ProductTerm, kProductTermCount> terms{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < kStates; ++i) {
    for (std::size_t j = 0; j < kStates; ++j) {
      bool first = true;
      for (std::size_t k = 0; k < kStates; ++k) {
        if (kNonZero[i][j] && kNonZero[i][k] && kNonZero[k][j]) {
          terms[at++] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j),
                         static_cast<std::uint8_t>(k), first};
          first = false;
        }
      }
    }
  }
  return terms;
}();

// out[i][j] (+)= x[i][k] y[k][j] for term T of kProductTerms, indices known at compile time.
template <std::size_t T>
KETAPATH_INLINE void product_term(const Mat& x, const Mat& y, Mat& out) {
  constexpr ProductTerm term = kProductTerms[T];
  for (std::size_t l = 0; l < L; ++l) {
    const double value = x.a[term.i][term.k][l] * y.a[term.k][term.j][l];
    if constexpr (term.first) {
      out.a[term.i][term.j][l] = value;
    } else {
      out.a[term.i][term.j][l] += value;
    }
  }
}

template <std::size_t... T>
KETAPATH_INLINE void product_terms(const Mat& x, const Mat& y, Mat& out,
                                   std::index_sequence<T...> /*terms*/) {
  (product_term<T>(x, y, out), ...);
}

// out = x y for matrices with the structure kNonZero (out's structural zeros are set to 0).
KETAPATH_INLINE void matmul(const Mat& x, const Mat& y, Mat& out) {
  for (std::size_t i = 0; i < kStates; ++i) {
    for (std::size_t j = 0; j < kStates; ++j) {
      if (!kNonZero[i][j]) {
        for (std::size_t l = 0; l < L; ++l) {
          out.a[i][j][l] = 0.0;
        }
      }
    }
  }
  product_terms(x, y, out, std::make_index_sequence<kProductTermCount>{});
}

// exp(rate * tau) per lane by scaling and squaring: each lane's own scaling s (so a lane's
// result never depends on its neighbours), Taylor polynomial by Horner, then s squarings applied
// under a per-lane mask.
KETAPATH_INLINE void expm_taylor(const Mat& rate, double tau, Mat& out, std::size_t& squarings) {
  Mat b;
  int scale[L];
  int max_scale = 0;
  for (std::size_t l = 0; l < L; ++l) {
    double norm = 0.0;
    for (std::size_t j = 0; j < kStates; ++j) {
      double column = 0.0;
      for (std::size_t i = 0; i < kStates; ++i) {
        column += std::fabs(rate.a[i][j][l] * tau);
      }
      norm = std::max(norm, column);
    }
    int s = 0;
    while (norm > kTaylorNorm) {
      norm *= 0.5;
      ++s;
    }
    scale[l] = s;
    max_scale = std::max(max_scale, s);
  }
  double factor[L];
  for (std::size_t l = 0; l < L; ++l) {
    factor[l] = std::ldexp(tau, -scale[l]);
  }
  for (std::size_t i = 0; i < kStates; ++i) {
    for (std::size_t j = 0; j < kStates; ++j) {
      for (std::size_t l = 0; l < L; ++l) {
        b.a[i][j][l] = rate.a[i][j][l] * factor[l];
      }
    }
  }
  // Horner: T = I + B/m, then T = I + B T / k for k = m-1 .. 1.
  Mat t;
  Mat product;
  for (std::size_t i = 0; i < kStates; ++i) {
    for (std::size_t j = 0; j < kStates; ++j) {
      for (std::size_t l = 0; l < L; ++l) {
        t.a[i][j][l] = b.a[i][j][l] * (1.0 / kTaylorDegree) + (i == j ? 1.0 : 0.0);
      }
    }
  }
  for (int k = kTaylorDegree - 1; k >= 1; --k) {
    matmul(b, t, product);
    const double inverse = 1.0 / k;
    for (std::size_t i = 0; i < kStates; ++i) {
      for (std::size_t j = 0; j < kStates; ++j) {
        for (std::size_t l = 0; l < L; ++l) {
          t.a[i][j][l] = product.a[i][j][l] * inverse + (i == j ? 1.0 : 0.0);
        }
      }
    }
  }
  for (int step = 0; step < max_scale; ++step) {
    matmul(t, t, product);
    for (std::size_t i = 0; i < kStates; ++i) {
      for (std::size_t j = 0; j < kStates; ++j) {
        for (std::size_t l = 0; l < L; ++l) {
          t.a[i][j][l] = step < scale[l] ? product.a[i][j][l] : t.a[i][j][l];
        }
      }
    }
  }
  squarings += static_cast<std::size_t>(max_scale);
  out = t;
}

// The exponentials a schedule needs: for each step length w, exp(A w) and exp(A c_i w) at the
// Gauss nodes (c_2 w = w / 2). Computed in increasing order; a length whose half is already in
// the list is one squaring of it, otherwise a Taylor evaluation.
struct ExponentialPlan {
  std::vector<double> taus;                          // ascending
  std::vector<int> half_of;                          // index of tau/2, or -1 for Taylor
  std::vector<std::size_t> width_at;                 // per width: index of exp(A w)
  std::vector<std::array<std::size_t, 3>> nodes_at;  // per width: exp(A c_i w)
};

ExponentialPlan make_plan(const std::vector<double>& widths) {
  std::map<double, std::size_t> index;
  for (double w : widths) {
    index[w];
    for (double c : kNode) {
      index[c * w];
    }
  }
  ExponentialPlan plan;
  for (auto& [tau, position] : index) {
    position = plan.taus.size();
    plan.taus.push_back(tau);
    const auto half = index.find(tau * 0.5);
    plan.half_of.push_back(half == index.end() ? -1 : static_cast<int>(half->second));
  }
  for (double w : widths) {
    plan.width_at.push_back(index.at(w));
    plan.nodes_at.push_back(
        {index.at(kNode[0] * w), index.at(kNode[1] * w), index.at(kNode[2] * w)});
  }
  return plan;
}

// Per step length: the 19 structurally non-zero entries of exp(A w) and the CE rows of
// exp(A c_i w) over (DEPOT, CENT, PERI, CE, U).
constexpr std::size_t kPhiCount = 19;
constexpr std::size_t kRowCount = 5;
// The collocation map's polynomials (numerator of the gain, numerator of the shift, the common
// denominator), each with 8 multilinear terms in (n_0, n_1, n_2).
constexpr std::size_t kMapPolynomials = 3;
constexpr std::size_t kMapTerms = 8;

enum : std::size_t { kGainTerms = 0, kShiftTerms = 1, kDenominatorTerms = 2 };

struct alignas(64) StepData {
  double phi[kPhiCount][L];
  double row[3][kRowCount][L];
  double decay[L];  // exp(-KOFF w): S over the step where the drug's drive is negligible
  // Per state, the largest CE coefficient at the step's start, Gauss nodes and end: with every
  // state and coefficient >= 0, bound . state >= CE at each of those points.
  double bound[kRowCount][L];
  // The collocation step's affine map s1 = (gain s0 + shift) / den as three multilinear
  // polynomials in the node drives n_0, n_1, n_2 (collocation_polynomials).
  double map[kMapPolynomials][kMapTerms][L];
};

struct BlockScratch {
  std::vector<Mat> exponentials;
  std::vector<StepData> steps;
};

struct LaneParameters {
  Lanes f, v1, cl, v_nk, inv_ec50, kon, koff, dose_scale;
  // The depot's load per mg of a depot dose, f + (1 - f) fpnk, and the share of it bound for CENT
  // (the rest reaches NKA presystemically); without presystemic norketamine load = f, share = 1.
  Lanes depot_load, parent_share;
  // Each lane's closed form of CENT (plasma_peak.h), for the exact Cmax.
  PeakRates peak[L];
  Lanes peak_rate[3];  // PeakRates::rate by lane
  Lanes peak_k[7];     // PeakRates::k by lane
  Lanes ka_place;      // KA's place among the rates, fastest first: 0, 1 or 2
};

// Lane l's weight coefficients (PeakRates::k) gathered from the structure of arrays.
struct LaneCoefficients {
  double k[7];
};

KETAPATH_INLINE LaneCoefficients lane_coefficients(const LaneParameters& p, std::size_t l) {
  LaneCoefficients out;
  for (std::size_t i = 0; i < 7; ++i) {
    out.k[i] = p.peak_k[i][l];
  }
  return out;
}

// Newton iterations of the lanes' peak search before a lane that has not converged falls back to
// the scalar search (central_peak, to 1e-9 of the interval).
constexpr int kPeakIterations = 5;
// A lane has settled when its last Newton step was at most this fraction of the interval h: the
// root is then within twice that step (within about its square, once Newton converges), and c is
// flat there, so the value is within |c''| (2e-6 h)^2 / 2 of the peak: below 1e-9 relative for
// hourly outputs and these models' rates, growing as h^2 (about 1e-7 for 24-h intervals). The
// tests hold Cmax to a dense CVODE peak.
constexpr double kPeakTolerance = 1e-6;

// Peak searches waiting for a full vector: one per lane and interval where C turned from rising to
// falling. Slot i searches the interval of length h[i] that starts with the amounts (d0, c0, p0)
// of lane lane[i]; searching eight turns at once, whichever lanes and intervals they come from,
// never takes more vector passes than searching each checkpoint's turning lanes, and fewer where
// lanes turn in different intervals (on the benchmark most turn in the same hour: section 3f of
// docs/performance.md).
struct PeakQueue {
  alignas(64) Lanes d0{}, c0{}, p0{}, h{};
  std::size_t lane[L] = {};
  std::size_t size = 0;
};

// The peaks of CENT of the queued searches, into cent_max of their lanes: every slot runs the same
// Newton iterations (plasma_peak.h), started from the Newton point at 0, and a slot whose last step
// was above kPeakTolerance h is searched again by central_peak. Every value taken is the closed
// form's c at a time in [0, h], so the result is not above the true peak by more than the closed
// form's error (about 1e-8 relative where KA is moved off alpha or beta, rounding elsewhere).
// Slots past the queue's size repeat slot 0 and are discarded.
KETAPATH_KERNEL_CLONES __attribute__((noinline)) void lane_peaks(const LaneParameters& p,
                                                                 const PeakQueue& queue,
                                                                 Lanes& cent_max) {
  // Slot loops innermost, so that the vectoriser runs the eight searches side by side.
  alignas(64) double rate[3][L], w[3][L];
  alignas(64) double h[L], t[L], lo[L], hi[L], found[L], step[L];
  std::size_t lane[L];
  for (std::size_t i = 0; i < L; ++i) {
    const std::size_t slot = i < queue.size ? i : 0;
    lane[i] = queue.lane[slot];
    h[i] = queue.h[slot];
    double weight[3];
    peak_weights(lane_coefficients(p, lane[i]).k, queue.d0[slot], queue.c0[slot], queue.p0[slot],
                 weight);
    for (std::size_t k = 0; k < 3; ++k) {
      rate[k][i] = p.peak_rate[k][lane[i]];
      w[k][i] = weight[k];
    }
  }
#pragma GCC unroll 1
  for (std::size_t i = 0; i < L; ++i) {
    // Newton starts at 0: ln P - ln N is close to linear in t, so its first step lands near the
    // root from anywhere in the interval (a chord of c' needs c' at h and starts worse).
    t[i] = 0.0;
    lo[i] = 0.0;
    hi[i] = h[i];
    found[i] = 0.0;  // c(0) is taken by the first pass
    step[i] = h[i];
  }
  for (int k = 0; k <= kPeakIterations; ++k) {
#pragma GCC unroll 1
    for (std::size_t i = 0; i < L; ++i) {
      const double r[3] = {rate[0][i], rate[1][i], rate[2][i]};
      const double weight[3] = {w[0][i], w[1][i], w[2][i]};
      const PeakStep at = peak_step(r, weight, t[i], lo[i], hi[i]);
      found[i] = std::max(found[i], at.value);
      // The last pass only takes c at the last Newton point.
      step[i] = k < kPeakIterations ? std::fabs(at.next - t[i]) : step[i];
      t[i] = k < kPeakIterations ? at.next : t[i];
    }
  }
  for (std::size_t i = 0; i < queue.size; ++i) {
    const std::size_t l = lane[i];
    const double peak = step[i] <= kPeakTolerance * h[i]
                            ? found[i]
                            : central_peak(p.peak[l], queue.d0[i], queue.c0[i], queue.p0[i], h[i]);
    cent_max[l] = std::max(cent_max[l], peak);
  }
}

// Cmax is the true peak of CENT up to the last output time (issue 16), found without testing every
// step. Checkpoints are the output times and every dose or infusion event. C is a candidate at
// each checkpoint (right after a bolus, at an infusion's end); between two checkpoints with no
// infusion running, C is the closed form of plasma_peak.h, and where its slope is > 0 at the first
// and < 0 at the second, the peak between them is found (about once per extravascular dose and
// lane). Not looked for, and stated in batch_kernel.h: C falling, rising and falling again inside
// one interval between checkpoints (c' < 0 at both ends; possible only where the depot still feeds
// CENT while C falls, and then within one output interval), and a turn while an infusion runs (C
// at the infusion's end is taken; a depot absorbing during an infusion could peak before it).
struct PeakTracker {
  // The amounts (DEPOT, CENT, PERI) and where C rose with no infusion running, at the last
  // checkpoint, double-buffered: a checkpoint writes the next interval's start while the search
  // still reads this one's.
  alignas(64) Lanes start[2][3] = {};
  alignas(64) Lanes rising[2] = {};
  alignas(64) Lanes cent_max{};  // the largest CENT amount found so far (queued searches aside)
  PeakQueue queue;
  int current = 0;    // the buffer holding the current interval's start
  double time = 0.0;  // of the last checkpoint
  double end = 0.0;   // the last output time: nothing after it counts
  // Every lane's C falls now and cannot rise again before the next dose or infusion event, so the
  // outputs until then are below cent_max and need no checkpoint (see `checkpoint`).
  bool all_settled = false;

  // A checkpoint at `now` with the current amounts: the interval since the last one ends (and its
  // peak is searched for where C rose at its start and falls now) and the next one starts.
  // `candidate`: C itself may be the peak here.
  KETAPATH_INLINE void checkpoint(const LaneParameters& p, double now, const Lanes& d,
                                  const Lanes& c, const Lanes& pe, const Lanes& u, bool candidate) {
    const double h = now - time;
    const double(&old_start)[3][L] = start[current];
    double(&next_start)[3][L] = start[1 - current];
    const Lanes& was_rising = rising[current];
    Lanes& now_rising = rising[1 - current];
    alignas(64) double falls[L];
    std::uint64_t any = 0;
    std::uint64_t settled = 1;
#pragma GCC unroll 1
    for (std::size_t l = 0; l < L; ++l) {
      // c' now from the closed form (the same one the lane search brackets with): the sum of
      // a_i = -r_i w_i.
      double w[3];
      peak_weights(lane_coefficients(p, l).k, d[l], c[l], pe[l], w);
      const double a_ka = -p.peak_rate[0][l] * w[0];
      const double a_alpha = -p.peak_rate[1][l] * w[1];
      const double a_beta = -p.peak_rate[2][l] * w[2];
      const double slope = a_ka + a_alpha + a_beta;
      const bool peaked = (was_rising[l] != 0.0) & (slope < 0.0) & (h > 0.0);
      falls[l] = peaked ? 1.0 : 0.0;
      any |= peaked ? 1U : 0U;
      // Until the next input, c' = sum_i a_i exp(-r_i t). By Descartes' rule
      // of signs for exponential sums, c' has at most as many real zeros as sign changes in the
      // a_i ordered by rate. c' has the fastest term's sign as t -> -infinity and the slowest
      // non-zero term's as t -> +infinity. So with at most one change, the slowest term negative
      // and c' < 0 now, c' < 0 from now on (a zero, if any, is behind us): C falls until the
      // next input and no later output can be its peak.
      // Ordered by rate, fastest first (alpha > beta always; KA's place is per lane).
      const double first = p.ka_place[l] == 0.0 ? a_ka : a_alpha;
      const double second = p.ka_place[l] == 0.0 ? a_alpha : (p.ka_place[l] == 1.0 ? a_ka : a_beta);
      const double third = p.ka_place[l] == 2.0 ? a_ka : a_beta;
      const bool change12 = ((first > 0.0) & (second < 0.0)) | ((first < 0.0) & (second > 0.0));
      const bool change23 = ((second > 0.0) & (third < 0.0)) | ((second < 0.0) & (third > 0.0));
      // More than one change needs three non-zero terms alternating in sign.
      const bool one_change = !(change12 & change23);
      // (With amounts >= 0 the slowest term is always negative, as C tends to 0 from above; the
      // test keeps the rule true on its own.)
      const double slowest = third != 0.0 ? third : (second != 0.0 ? second : first);
      settled &= (u[l] == 0.0) & (slope < 0.0) & one_change & (slowest < 0.0) ? 1U : 0U;
      now_rising[l] = (u[l] == 0.0) & (slope > 0.0) ? 1.0 : 0.0;
      next_start[0][l] = d[l];
      next_start[1][l] = c[l];
      next_start[2][l] = pe[l];
      if (candidate) {
        cent_max[l] = std::max(cent_max[l], c[l]);
      }
    }
    if (any != 0) {
      for (std::size_t l = 0; l < L; ++l) {
        if (falls[l] != 0.0) {
          const std::size_t slot = queue.size++;
          queue.d0[slot] = old_start[0][l];
          queue.c0[slot] = old_start[1][l];
          queue.p0[slot] = old_start[2][l];
          queue.h[slot] = h;
          queue.lane[slot] = l;
          if (queue.size == L) {
            flush(p);
          }
        }
      }
    }
    current = 1 - current;
    time = now;
    all_settled = settled != 0;
  }

  // Runs the queued searches (before cent_max is read, and whenever the queue is full).
  void flush(const LaneParameters& p) {
    if (queue.size > 0) {
      lane_peaks(p, queue, cent_max);
      queue.size = 0;
    }
  }
};

// One 3-stage Gauss collocation step of dS/dt = b - a S (a = KON g + KOFF, b = KON g) as the
// affine map s1 = (gain s0 + shift) / den. The stage derivatives K solve (I + h diag(a) A) K =
// b - a s0; with row j multiplied by d_j = 1 + n_j every entry is a polynomial in n (p = d a =
// KON n + KOFF d, q = d b = KON n), so the system M K = q - p s0 with M = diag(d) + diag(p) hA is
// solved by Cramer's rule: s1 = s0 + h w^T M^-1 (q - p s0), w^T M^-1 = (C w)^T / det M with C the
// cofactor matrix.
struct CollocationMap {
  double gain, shift, den;
};

KETAPATH_INLINE CollocationMap collocation_map(double h, const double (&n)[3], double kon,
                                               double koff) {
  double d[3], p[3], q[3];
  for (std::size_t j = 0; j < 3; ++j) {
    d[j] = 1.0 + n[j];
    q[j] = kon * n[j];
    p[j] = q[j] + koff * d[j];
  }
  double m[3][3];
  for (std::size_t j = 0; j < 3; ++j) {
    for (std::size_t k = 0; k < 3; ++k) {
      m[j][k] = p[j] * (h * kButcher[j][k]);
    }
    m[j][j] += d[j];
  }
  const double c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1];
  const double c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2];
  const double c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0];
  const double c10 = m[0][2] * m[2][1] - m[0][1] * m[2][2];
  const double c11 = m[0][0] * m[2][2] - m[0][2] * m[2][0];
  const double c12 = m[0][1] * m[2][0] - m[0][0] * m[2][1];
  const double c20 = m[0][1] * m[1][2] - m[0][2] * m[1][1];
  const double c21 = m[0][2] * m[1][0] - m[0][0] * m[1][2];
  const double c22 = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  const double det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02;
  // y = C w, so that w^T M^-1 = y^T / det (M^-1 = C^T / det).
  const double y0 = c00 * kWeight[0] + c01 * kWeight[1] + c02 * kWeight[2];
  const double y1 = c10 * kWeight[0] + c11 * kWeight[1] + c12 * kWeight[2];
  const double y2 = c20 * kWeight[0] + c21 * kWeight[1] + c22 * kWeight[2];
  return {.gain = det - h * (y0 * p[0] + y1 * p[1] + y2 * p[2]),
          .shift = h * (y0 * q[0] + y1 * q[1] + y2 * q[2]),
          .den = det};
}

// Row j of M is affine in n_j alone, so det M and both Cramer numerators are multilinear in
// (n_0, n_1, n_2): eight terms each, term b the coefficient of the product of the n_j with bit j
// of b set. They depend on the lane's KON and KOFF and the step length only, so they are found
// once per subject and step length, from the map at the eight corners n in {0, 1}^3 (Moebius
// inversion), and each step evaluates three polynomials (multilinear) and divides once, instead
// of forming and solving the system.
KETAPATH_INLINE void collocation_polynomials(double h, const LaneParameters& p,
                                             double (&terms)[kMapPolynomials][kMapTerms][L]) {
  for (std::size_t b = 0; b < kMapTerms; ++b) {
    const double n[3] = {static_cast<double>(b & 1U), static_cast<double>((b >> 1U) & 1U),
                         static_cast<double>((b >> 2U) & 1U)};
#pragma GCC unroll 1
    for (std::size_t l = 0; l < L; ++l) {
      const CollocationMap at = collocation_map(h, n, p.kon[l], p.koff[l]);
      terms[kGainTerms][b][l] = at.gain;
      terms[kShiftTerms][b][l] = at.shift;
      terms[kDenominatorTerms][b][l] = at.den;
    }
  }
  for (auto& polynomial : terms) {
    for (std::size_t j = 0; j < 3; ++j) {
      for (std::size_t b = 0; b < kMapTerms; ++b) {
        if ((b >> j) & 1U) {
          for (std::size_t l = 0; l < L; ++l) {
            polynomial[b][l] -= polynomial[b ^ (1U << j)][l];
          }
        }
      }
    }
  }
}

// A multilinear polynomial of collocation_polynomials at (n_0, n_1, n_2), lane l.
KETAPATH_INLINE double multilinear(const double (&c)[kMapTerms][L], std::size_t l, double n0,
                                   double n1, double n2) {
  return (c[0][l] + c[1][l] * n0) + n1 * (c[2][l] + c[3][l] * n0) +
         n2 * ((c[4][l] + c[5][l] * n0) + n1 * (c[6][l] + c[7][l] * n0));
}

KETAPATH_KERNEL_CLONES
void prepare_steps(const BatchSchedule& schedule, const ExponentialPlan& plan, const Mat& rate,
                   const LaneParameters& p, BlockScratch& scratch) {
  scratch.exponentials.resize(plan.taus.size());
  std::size_t squarings = 0;
  for (std::size_t k = 0; k < plan.taus.size(); ++k) {
    if (plan.half_of[k] >= 0) {
      const Mat& half = scratch.exponentials[static_cast<std::size_t>(plan.half_of[k])];
      matmul(half, half, scratch.exponentials[k]);
    } else {
      expm_taylor(rate, plan.taus[k], scratch.exponentials[k], squarings);
    }
  }
  scratch.steps.resize(schedule.widths_h.size());
  static constexpr std::size_t kPhiEntries[kPhiCount][2] = {
      {kD, kD}, {kC, kD}, {kC, kC}, {kC, kP}, {kP, kD}, {kP, kC}, {kP, kP},
      {kN, kD}, {kN, kC}, {kN, kP}, {kN, kN}, {kE, kD}, {kE, kC}, {kE, kP},
      {kE, kE}, {kC, kU}, {kP, kU}, {kN, kU}, {kE, kU}};
  static constexpr std::size_t kRowStates[kRowCount] = {kD, kC, kP, kE, kU};
  for (std::size_t w = 0; w < schedule.widths_h.size(); ++w) {
    StepData& step = scratch.steps[w];
    const Mat& phi = scratch.exponentials[plan.width_at[w]];
    for (std::size_t e = 0; e < kPhiCount; ++e) {
      for (std::size_t l = 0; l < L; ++l) {
        step.phi[e][l] = phi.a[kPhiEntries[e][0]][kPhiEntries[e][1]][l];
      }
    }
    for (std::size_t l = 0; l < L; ++l) {
      step.decay[l] = std::exp(-p.koff[l] * schedule.widths_h[w]);
    }
    for (std::size_t node = 0; node < 3; ++node) {
      const Mat& m = scratch.exponentials[plan.nodes_at[w][node]];
      for (std::size_t s = 0; s < kRowCount; ++s) {
        for (std::size_t l = 0; l < L; ++l) {
          step.row[node][s][l] = m.a[kE][kRowStates[s]][l];
        }
      }
    }
    collocation_polynomials(schedule.widths_h[w], p, step.map);
    for (std::size_t s = 0; s < kRowCount; ++s) {
      for (std::size_t l = 0; l < L; ++l) {
        double largest = std::max(kRowStates[s] == kE ? 1.0 : 0.0, phi.a[kE][kRowStates[s]][l]);
        for (std::size_t node = 0; node < 3; ++node) {
          largest = std::max(largest, step.row[node][s][l]);
        }
        step.bound[s][l] = largest;
      }
    }
  }
}

// The drive of S at the three Gauss nodes of a step, as n_j = (CE(t + c_j h) / EC50)^2 (so that
// g = n / (1 + n)), CE exact from the step's start state.
template <bool kInput>
KETAPATH_INLINE void node_drive(const StepData& st, std::size_t l, double d, double c, double pe,
                                double e, double u, double inv_ec50, double (&n)[3]) {
  for (std::size_t j = 0; j < 3; ++j) {
    double ce =
        st.row[j][0][l] * d + st.row[j][1][l] * c + st.row[j][2][l] * pe + st.row[j][3][l] * e;
    if constexpr (kInput) {
      ce += st.row[j][4][l] * u;
    }
    const double x = ce * inv_ec50;
    n[j] = x * x;
  }
}

// S over one step for every lane: the exact decay where the lane's drive is negligible, the
// collocation map elsewhere; the block skips the solve when every lane's drive is negligible.
// kInput: an infusion runs (U may be non-zero); without one U is exactly 0 and its terms, which
// would add exact zeros, are left out.
template <bool kInput>
KETAPATH_INLINE void advance_plasticity(const StepData& st, double h, const LaneParameters& p,
                                        const Lanes& d, const Lanes& c, const Lanes& pe,
                                        const Lanes& e, const Lanes& u, Lanes& s) {
  alignas(64) double negligible[L];  // 1 where the lane may take the exact decay
  // The same as an integer mask (all bits set where negligible), so that the block's test, the AND
  // over lanes, is a vector reduction rather than eight scalar compares.
  alignas(64) std::int64_t mask[L];
  // Lane loops for the vectoriser, not eight scalar copies.
#pragma GCC unroll 1
  for (std::size_t l = 0; l < L; ++l) {
    double ce_bound = st.bound[0][l] * d[l] + st.bound[1][l] * c[l] + st.bound[2][l] * pe[l] +
                      st.bound[3][l] * e[l];
    if constexpr (kInput) {
      ce_bound += st.bound[4][l] * u[l];
    }
    const double x = ce_bound * p.inv_ec50[l];
    const bool may_decay = p.kon[l] * h * (x * x) <= kNegligibleDrive * s[l];
    negligible[l] = may_decay ? 1.0 : 0.0;
    mask[l] = may_decay ? -1 : 0;
  }
  std::int64_t all_negligible = -1;
#pragma GCC unroll 1
  for (std::size_t l = 0; l < L; ++l) {
    all_negligible &= mask[l];
  }
  if (all_negligible != 0) {
    for (std::size_t l = 0; l < L; ++l) {
      s[l] *= st.decay[l];
    }
    return;
  }
  for (std::size_t l = 0; l < L; ++l) {
    double n3[3];
    node_drive<kInput>(st, l, d[l], c[l], pe[l], e[l], u[l], p.inv_ec50[l], n3);
    const double gain = multilinear(st.map[kGainTerms], l, n3[0], n3[1], n3[2]);
    const double shift = multilinear(st.map[kShiftTerms], l, n3[0], n3[1], n3[2]);
    // The reciprocal does not depend on S, so the division is off the chain from step to step.
    const double inverse = 1.0 / multilinear(st.map[kDenominatorTerms], l, n3[0], n3[1], n3[2]);
    // Blend by the 0/1 weight (exact: one term is the other's value, the other 0).
    const double keep = negligible[l];
    s[l] = keep * (s[l] * st.decay[l]) + (1.0 - keep) * ((gain * s[l] + shift) * inverse);
  }
}

// The exact linear advance of DEPOT, CENT, PERI, NKA and CE over one step (U is constant; kInput
// as for advance_plasticity).
template <bool kInput>
KETAPATH_INLINE void advance_linear(const StepData& st, Lanes& d, Lanes& c, Lanes& pe, Lanes& n,
                                    Lanes& e, const Lanes& u) {
  for (std::size_t l = 0; l < L; ++l) {
    const double d0 = d[l];
    const double c0 = c[l];
    const double p0 = pe[l];
    d[l] = st.phi[0][l] * d0;
    c[l] = st.phi[1][l] * d0 + st.phi[2][l] * c0 + st.phi[3][l] * p0;
    pe[l] = st.phi[4][l] * d0 + st.phi[5][l] * c0 + st.phi[6][l] * p0;
    n[l] = st.phi[7][l] * d0 + st.phi[8][l] * c0 + st.phi[9][l] * p0 + st.phi[10][l] * n[l];
    e[l] = st.phi[11][l] * d0 + st.phi[12][l] * c0 + st.phi[13][l] * p0 + st.phi[14][l] * e[l];
    if constexpr (kInput) {
      const double r0 = u[l];
      c[l] += st.phi[15][l] * r0;
      pe[l] += st.phi[16][l] * r0;
      n[l] += st.phi[17][l] * r0;
      e[l] += st.phi[18][l] * r0;
    }
  }
}

KETAPATH_KERNEL_CLONES
void march(const BatchSchedule& schedule, const BlockScratch& scratch, const LaneParameters& p,
           double (*endpoints)[L], double* profiles) {
  alignas(64) Lanes d{}, c{}, pe{}, n{}, e{}, u{}, s{};
  alignas(64) Lanes dosed{}, ce_max{}, nk_max{}, s_max{};
  const auto& doses = schedule.protocol.doses;
  const auto& times = schedule.protocol.output_times_h;
  PeakTracker peak;
  int infusions_running = 0;  // so that u is exactly 0 once every infusion has ended
  peak.end = times.back();
  peak.time = times.front();
  for (const ScheduleAction& action : schedule.actions) {
    switch (action.kind) {
      case ScheduleAction::Kind::Advance: {
        const StepData& st = scratch.steps[action.index];
        if (infusions_running > 0) {
          advance_plasticity<true>(st, schedule.widths_h[action.index], p, d, c, pe, e, u, s);
          advance_linear<true>(st, d, c, pe, n, e, u);
        } else {
          advance_plasticity<false>(st, schedule.widths_h[action.index], p, d, c, pe, e, u, s);
          advance_linear<false>(st, d, c, pe, n, e, u);
        }
        break;
      }
      case ScheduleAction::Kind::Output: {
        double* row = profiles == nullptr ? nullptr
                                          : profiles + static_cast<std::size_t>(action.index) *
                                                           kProfileVariables * L;
        if (!peak.all_settled) {
          peak.checkpoint(p, times[action.index], d, c, pe, u, true);
        }
        // Lane loops kept as loops (not unrolled into scalar copies) for the vectoriser.
#pragma GCC unroll 1
        for (std::size_t l = 0; l < L; ++l) {
          ce_max[l] = std::max(ce_max[l], e[l]);
          nk_max[l] = std::max(nk_max[l], n[l]);  // amounts: divided by VNK at the end
          s_max[l] = std::max(s_max[l], s[l]);
        }
        if (row != nullptr) {
#pragma GCC unroll 1
          for (std::size_t l = 0; l < L; ++l) {
            row[kProfileC * L + l] = c[l] / p.v1[l];
            row[kProfileNk * L + l] = n[l] / p.v_nk[l];
            row[kProfileCe * L + l] = e[l];
            row[kProfileS * L + l] = s[l];
          }
        }
        break;
      }
      case ScheduleAction::Kind::Dose: {
        const BatchDose& dose = doses[action.index];
        // A dose at or after the last output adds nothing to Cmax (as to the AUC).
        const bool counts = dose.time_h < peak.end;
        if (counts) {
          peak.checkpoint(p, dose.time_h, d, c, pe, u, false);
        }
        infusions_running += dose.duration_h > 0.0 ? 1 : 0;
        for (std::size_t l = 0; l < L; ++l) {
          const double amount = dose.scaled ? dose.amount_mg * p.dose_scale[l] : dose.amount_mg;
          if (dose.duration_h > 0.0) {
            // Zero-order infusion into CENT; only the part delivered by the last output counts.
            u[l] += amount / dose.duration_h;
            dosed[l] += amount * schedule.delivered_fraction[action.index];
          } else if (dose.target == DoseTarget::Depot) {
            d[l] += p.depot_load[l] * amount;
            dosed[l] += p.f[l] * amount;  // ketamine: the presystemic part never enters CENT
          } else {
            c[l] += amount;
            dosed[l] += amount;
          }
        }
        if (counts) {
          peak.checkpoint(p, dose.time_h, d, c, pe, u, true);  // a bolus peaks right after it
        }
        break;
      }
      case ScheduleAction::Kind::InfusionEnd: {
        const BatchDose& dose = doses[action.index];
        const double ends_at = dose.time_h + dose.duration_h;
        const bool counts = ends_at <= peak.end;
        if (counts) {
          peak.checkpoint(p, ends_at, d, c, pe, u, true);  // an infusion peaks at its end
        }
        // The same rounded rate as at the start; when the last running infusion ends, u is 0
        // exactly (overlapping infusions could leave a rounding remainder, which would read as an
        // infusion still running).
        --infusions_running;
        for (std::size_t l = 0; l < L; ++l) {
          const double amount = dose.scaled ? dose.amount_mg * p.dose_scale[l] : dose.amount_mg;
          u[l] = infusions_running == 0 ? 0.0 : u[l] - amount / dose.duration_h;
        }
        if (counts) {
          peak.checkpoint(p, ends_at, d, c, pe, u, false);  // the next interval, infusion-free
        }
        break;
      }
    }
  }
  // Mass balance: all ketamine dosed and no longer in DEPOT (its ketamine share), CENT or PERI
  // was cleared by CL, so AUC = cleared / CL exactly. Doses given at the last output time are in
  // both `dosed` and the state, so they cancel.
  peak.flush(p);
  for (std::size_t l = 0; l < L; ++l) {
    endpoints[kCmax][l] = peak.cent_max[l] / p.v1[l];
    endpoints[kAuc][l] = (dosed[l] - p.parent_share[l] * d[l] - c[l] - pe[l]) / p.cl[l];
    endpoints[kCeMax][l] = ce_max[l];
    // Division by a positive number is monotone after rounding, so the largest amount over VNK is
    // the largest concentration, bit for bit.
    endpoints[kNkMax][l] = nk_max[l] / p.v_nk[l];
    endpoints[kSMax][l] = s_max[l];
    endpoints[kSEnd][l] = s[l];
  }
}

}  // namespace

void simulate_block(const BatchSchedule& schedule, const BatchSubjects& subjects, std::size_t first,
                    std::size_t count, double* endpoints, double* profiles) {
  std::array<std::size_t, L> index{};
  for (std::size_t l = 0; l < count && l < L; ++l) {
    index[l] = first + l;
  }
  simulate_block(schedule, subjects, std::span(index.data(), std::min(count, L)), endpoints,
                 profiles);
}

void simulate_block(const BatchSchedule& schedule, const BatchSubjects& subjects,
                    std::span<const std::size_t> index, double* endpoints, double* profiles) {
  const std::size_t count = std::min(index.size(), L);
  if (count == 0) {
    return;
  }
  thread_local BlockScratch scratch;
  thread_local const BatchSchedule* planned_for = nullptr;
  thread_local std::vector<double> planned_widths;
  thread_local ExponentialPlan plan;
  if (planned_for != &schedule || planned_widths != schedule.widths_h) {
    plan = make_plan(schedule.widths_h);
    planned_for = &schedule;
    planned_widths = schedule.widths_h;
  }
  Mat rate{};
  LaneParameters p{};
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t i = index[l < count ? l : 0];
    const double ka = subjects.ka[i];
    const double k10 = subjects.cl[i] / subjects.v1[i];
    const double k12 = subjects.q[i] / subjects.v1[i];
    const double k21 = subjects.q[i] / subjects.v2[i];
    // A swallowed part of the dose leaves DEPOT with KA too, into NKA (pd/ketamine_simulate.cpp
    // does the same); with fpnk 0, load = f and share = 1 exactly, so nothing changes.
    const double f = subjects.f[i];
    const double load = f + (1.0 - f) * subjects.fpnk[i];
    const double share = load > 0.0 ? f / load : 1.0;
    rate.a[kD][kD][l] = -ka;
    rate.a[kC][kD][l] = ka * share;
    rate.a[kN][kD][l] = ka * (1.0 - share);
    rate.a[kC][kC][l] = -(k10 + k12);
    rate.a[kC][kP][l] = k21;
    rate.a[kP][kC][l] = k12;
    rate.a[kP][kP][l] = -k21;
    rate.a[kN][kC][l] = subjects.fm[i] * k10;
    rate.a[kN][kN][l] = -subjects.cl_nk[i] / subjects.v_nk[i];
    rate.a[kE][kC][l] = subjects.ke0[i] / subjects.v1[i];
    rate.a[kE][kE][l] = -subjects.ke0[i];
    rate.a[kC][kU][l] = 1.0;  // U mg/h flows into CENT
    p.f[l] = f;
    p.depot_load[l] = load;
    p.parent_share[l] = share;
    p.peak[l] = peak_rates(ka, ka * share, k10, k12, k21);
    const PeakRates& peak = p.peak[l];
    for (std::size_t k = 0; k < 3; ++k) {
      p.peak_rate[k][l] = peak.rate[k];
    }
    for (std::size_t k = 0; k < 7; ++k) {
      p.peak_k[k][l] = peak.k[k];
    }
    p.ka_place[l] = peak.rate[0] > peak.rate[1] ? 0.0 : (peak.rate[0] > peak.rate[2] ? 1.0 : 2.0);
    p.v1[l] = subjects.v1[i];
    p.cl[l] = subjects.cl[i];
    p.v_nk[l] = subjects.v_nk[i];
    p.inv_ec50[l] = 1.0 / subjects.ec50[i];
    p.kon[l] = subjects.kon[i];
    p.koff[l] = subjects.koff[i];
    p.dose_scale[l] = subjects.dose_scale[i];
  }
  prepare_steps(schedule, plan, rate, p, scratch);
  double lane_endpoints[kEndpointCount][L];
  march(schedule, scratch, p, lane_endpoints, profiles);
  for (std::size_t l = 0; l < count; ++l) {
    for (std::size_t k = 0; k < kEndpointCount; ++k) {
      endpoints[l * kEndpointCount + k] = lane_endpoints[k][l];
    }
  }
}

KernelWork kernel_work(const BatchSchedule& schedule) {
  const ExponentialPlan plan = make_plan(schedule.widths_h);
  KernelWork work;
  for (int half : plan.half_of) {
    if (half < 0) {
      ++work.matrix_exponentials;
    } else {
      ++work.squarings;
    }
  }
  work.steps = schedule.advance_count;
  return work;
}

}  // namespace ketapath::population
