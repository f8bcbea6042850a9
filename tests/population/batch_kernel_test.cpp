// The batch kernel against an independent per-subject reference:
//  - linear states (C, NK, CE) against pk::LinearPropagator (Eigen's Pade matrix exponential) on
//    the hourly grid: both are exact to rounding, so they must agree to 1e-10 relative;
//  - S, the exact AUC and every output against CVODE (BDF, rtol 1e-11, atol 1e-14) on the full
//    six-state ODE, restarted at each dose: the kernel's stated accuracy for S is 1e-7 absolute
//    (StepOptions defaults), CVODE at these tolerances is two orders of magnitude tighter.
// Subjects include the benchmark population and corner cases: very fast and very slow absorption,
// and coinciding eigenvalues (KA = KE0, KA = the fast disposition rate) that break naive closed
// forms.

#include "population/batch_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <cvode/cvode.h>
#include <gtest/gtest.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "pk/linear_system.h"
#include "population/benchmark_workload.h"
#include "population/plasma_peak.h"

namespace ketapath::population {
namespace {

// The plasticity state's error bound (issue 17): relative to the reference where S >= the floor.
constexpr double kSRelative = 1e-6;
constexpr double kRelativeFloor = 1e-6;

struct Subject {
  double ka, f, v1, v2, cl, q, fm, v_nk, cl_nk, ke0, ec50, kon, koff, scale;
  double rate = 0.0;  // running infusion rate, mg/h (reference only)
};

Subject subject_at(const BatchSubjects& s, std::size_t i) {
  return {s.ka[i],   s.f[i],     s.v1[i],  s.v2[i],   s.cl[i],  s.q[i],    s.fm[i],
          s.v_nk[i], s.cl_nk[i], s.ke0[i], s.ec50[i], s.kon[i], s.koff[i], s.dose_scale[i]};
}

Eigen::MatrixXd rate_matrix(const Subject& p) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(5, 5);
  const double k10 = p.cl / p.v1, k12 = p.q / p.v1, k21 = p.q / p.v2;
  a(0, 0) = -p.ka;
  a(1, 0) = p.ka;
  a(1, 1) = -(k10 + k12);
  a(1, 2) = k21;
  a(2, 1) = k12;
  a(2, 2) = -k21;
  a(3, 1) = p.fm * k10;
  a(3, 3) = -p.cl_nk / p.v_nk;
  a(4, 1) = p.ke0 / p.v1;
  a(4, 4) = -p.ke0;
  return a;
}

// Rows: per output time C, NK, CE, S and the running AUC.
struct Reference {
  std::vector<std::array<double, 5>> rows;
};

int rhs(sunrealtype /*t*/, N_Vector y, N_Vector dy, void* data) {
  const auto& p = *static_cast<const Subject*>(data);
  const double* x = N_VGetArrayPointer(y);
  double* dx = N_VGetArrayPointer(dy);
  const double c = x[1] / p.v1;
  const double g = x[4] * x[4] / (p.ec50 * p.ec50 + x[4] * x[4]);
  dx[0] = -p.ka * x[0];
  dx[1] = p.ka * x[0] - (p.cl + p.q) * c + p.q * x[2] / p.v2 + p.rate;
  dx[2] = p.q * c - p.q * x[2] / p.v2;
  dx[3] = p.fm * p.cl * c - p.cl_nk * x[3] / p.v_nk;
  dx[4] = p.ke0 * (c - x[4]);
  dx[5] = p.kon * g * (1.0 - x[5]) - p.koff * x[5];
  dx[6] = c;  // AUC
  return 0;
}

Reference cvode_reference(const Subject& subject, const BatchProtocol& protocol) {
  Subject p = subject;
  SUNContext ctx = nullptr;
  SUNContext_Create(nullptr, &ctx);
  N_Vector y = N_VNew_Serial(7, ctx);
  N_VConst(0.0, y);
  void* mem = CVodeCreate(CV_BDF, ctx);
  CVodeInit(mem, rhs, 0.0, y);
  CVodeSStolerances(mem, 1e-11, 1e-14);
  CVodeSetUserData(mem, &p);
  CVodeSetMaxNumSteps(mem, 1000000);
  CVodeSetMaxHnilWarns(mem, -1);  // the tiny first step after each restart is expected
  SUNMatrix jac = SUNDenseMatrix(7, 7, ctx);
  SUNLinearSolver solver = SUNLinSol_Dense(y, jac, ctx);
  CVodeSetLinearSolver(mem, solver, jac);
  Reference ref;
  // Stop at every output, dose and infusion end; record outputs before applying events.
  std::vector<double> stops = protocol.output_times_h;
  for (const BatchDose& dose : protocol.doses) {
    stops.push_back(dose.time_h);
    if (dose.duration_h > 0.0) {
      stops.push_back(dose.time_h + dose.duration_h);
    }
  }
  std::sort(stops.begin(), stops.end());
  stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
  double t = 0.0;
  std::size_t next_output = 0;
  for (double stop : stops) {
    if (stop > protocol.output_times_h.back()) {
      break;
    }
    if (stop > t) {
      CVodeSetStopTime(mem, stop);
      double reached = t;
      EXPECT_GE(CVode(mem, stop, y, &reached, CV_NORMAL), 0);
      t = stop;
    }
    double* x = N_VGetArrayPointer(y);
    if (next_output < protocol.output_times_h.size() && protocol.output_times_h[next_output] == t) {
      ref.rows.push_back({x[1] / p.v1, x[3] / p.v_nk, x[4], x[5], x[6]});
      ++next_output;
    }
    for (const BatchDose& dose : protocol.doses) {
      const double amount = dose.amount_mg * (dose.scaled ? p.scale : 1.0);
      if (dose.duration_h > 0.0 && dose.time_h + dose.duration_h == t) {
        p.rate -= amount / dose.duration_h;
      }
    }
    for (const BatchDose& dose : protocol.doses) {
      const double amount = dose.amount_mg * (dose.scaled ? p.scale : 1.0);
      if (dose.time_h != t) {
        continue;
      }
      if (dose.duration_h > 0.0) {
        p.rate += amount / dose.duration_h;
      } else if (dose.target == DoseTarget::Depot) {
        x[0] += amount * p.f;
      } else {
        x[1] += amount;
      }
    }
    CVodeReInit(mem, t, y);
  }
  SUNLinSolFree(solver);
  SUNMatDestroy(jac);
  N_VDestroy(y);
  CVodeFree(&mem);
  SUNContext_Free(&ctx);
  return ref;
}

// Three weekly doses, outputs to the end of week 3.
BatchProtocol short_protocol() {
  return benchmark_protocol(3);
}

BatchSubject typical_subject(const BenchmarkTypical& t) {
  return {.ka = core::PerHour(t.ka),
          .f = t.f,
          .v1 = core::Litres(t.v1),
          .v2 = core::Litres(t.v2),
          .cl = core::LitresPerHour(t.cl),
          .q = core::LitresPerHour(t.q),
          .fm = t.fm,
          .v_nk = core::Litres(t.v_nk),
          .cl_nk = core::LitresPerHour(t.cl_nk),
          .ke0 = core::PerHour(t.ke0),
          .ec50 = core::MilligramsPerLitre(t.ec50),
          .kon = core::PerHour(t.kon),
          .koff = core::PerHour(t.koff),
          .dose_scale = 1.0};
}

BatchSubjects test_subjects() {
  BatchSubjects s;
  append_benchmark_subjects(0, 12, 7, s);
  const BenchmarkTypical t;
  const double k10 = t.cl / t.v1, k12 = t.q / t.v1, k21 = t.q / t.v2;
  const double sum = k10 + k12 + k21;
  const double lambda1 = 0.5 * (sum + std::sqrt(sum * sum - 4.0 * k10 * k21));
  for (double ka : {40.0, 0.3, t.ke0, lambda1, 5.0 + 1e-9}) {
    BatchSubject subject = typical_subject(t);
    subject.ka = core::PerHour(ka);
    subject.kon = core::PerHour(0.9);
    s.push_back(subject);
  }
  // A subject whose KE0 equals the fast disposition rate as well as KA (a triple eigenvalue).
  BatchSubject triple = typical_subject(t);
  triple.ka = core::PerHour(lambda1);
  triple.ke0 = core::PerHour(lambda1);
  triple.kon = core::PerHour(0.5);
  triple.dose_scale = 1.3;
  s.push_back(triple);
  return s;
}

struct KernelRun {
  std::vector<double> endpoints;
  std::vector<double> profiles;  // per block
};

// Runs the kernel and returns output rows [subject][time][variable].
std::vector<std::vector<std::array<double, 4>>> run_kernel(const BatchSchedule& schedule,
                                                           const BatchSubjects& subjects,
                                                           std::vector<double>& endpoints) {
  const std::size_t n = subjects.size();
  const std::size_t times = schedule.protocol.output_times_h.size();
  endpoints.assign(n * kEndpointCount, 0.0);
  std::vector<std::vector<std::array<double, 4>>> rows(n);
  std::vector<double> block(times * kProfileVariables * kLanes);
  for (std::size_t first = 0; first < n; first += kLanes) {
    const std::size_t count = std::min(kLanes, n - first);
    simulate_block(schedule, subjects, first, count, &endpoints[first * kEndpointCount],
                   block.data());
    for (std::size_t l = 0; l < count; ++l) {
      for (std::size_t k = 0; k < times; ++k) {
        std::array<double, 4> r{};
        for (std::size_t v = 0; v < 4; ++v) {
          r[v] = block[(k * kProfileVariables + v) * kLanes + l];
        }
        rows[first + l].push_back(r);
      }
    }
  }
  return rows;
}

// The test subjects through three weekly doses (short_protocol), the run most tests start from.
struct ShortRun {
  BatchProtocol protocol = short_protocol();
  BatchSchedule schedule = build_schedule(protocol).value();
  BatchSubjects subjects = test_subjects();
  std::vector<double> endpoints;
  std::vector<std::vector<std::array<double, 4>>> rows;
};

ShortRun short_run() {
  ShortRun run;
  run.rows = run_kernel(run.schedule, run.subjects, run.endpoints);
  return run;
}

TEST(BatchKernelTest, LinearStatesMatchMatrixExponentialPropagator) {
  const auto [protocol, schedule, subjects, endpoints, rows] = short_run();
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const Subject p = subject_at(subjects, i);
    const pk::LinearPropagator hour(rate_matrix(p), 1.0);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(5);
    const Eigen::VectorXd no_input = Eigen::VectorXd::Zero(5);
    double peak = 0.0;
    std::vector<std::array<double, 3>> expected;
    for (double t : protocol.output_times_h) {
      expected.push_back({x(1) / p.v1, x(3) / p.v_nk, x(4)});
      peak = std::max(peak, x(1) / p.v1);
      for (const BatchDose& dose : protocol.doses) {
        if (dose.time_h == t) {
          x(0) += dose.amount_mg * p.f * p.scale;
        }
      }
      hour.advance(x, no_input);
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
      for (std::size_t v = 0; v < 3; ++v) {
        // Relative 1e-10 wherever the value is above 1e-9 of the peak (both sides exact to
        // rounding; below that only absolute agreement is meaningful).
        const double tolerance = 1e-10 * std::max(std::fabs(expected[k][v]), 1e-9 * peak);
        ASSERT_NEAR(rows[i][k][v], expected[k][v], tolerance)
            << "subject " << i << " KA " << p.ka << " time " << k << " variable " << v;
      }
    }
  }
}

TEST(BatchKernelTest, PlasticityAndAucMatchTightCvode) {
  const auto [protocol, schedule, subjects, endpoints, rows] = short_run();
  double worst = 0.0;
  double worst_relative = 0.0;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const Reference ref = cvode_reference(subject_at(subjects, i), protocol);
    double cmax = 0.0, s_max = 0.0;
    for (std::size_t k = 0; k < ref.rows.size(); ++k) {
      const double error = std::fabs(rows[i][k][3] - ref.rows[k][3]);
      worst = std::max(worst, error);
      ASSERT_LE(error, 1e-7) << "subject " << i << " KA " << subjects.ka[i] << " time " << k;
      // Issue 17's bound: 1e-6 relative wherever the reference resolves S relatively (S >=
      // kRelativeFloor; below it CVODE's atol 1e-14 dominates its own error).
      if (ref.rows[k][3] >= kRelativeFloor) {
        const double relative = error / ref.rows[k][3];
        worst_relative = std::max(worst_relative, relative);
        ASSERT_LE(relative, kSRelative)
            << "subject " << i << " KA " << subjects.ka[i] << " time " << k;
      } else {
        ASSERT_LE(error, kSRelative * kRelativeFloor) << "subject " << i << " time " << k;
      }
      // CVODE's own error on C at these tolerances is ~1e-10 relative.
      ASSERT_NEAR(rows[i][k][0], ref.rows[k][0], 1e-8 * std::max(ref.rows[k][0], 1e-6));
      cmax = std::max(cmax, rows[i][k][0]);
      s_max = std::max(s_max, rows[i][k][3]);
    }
    const double* e = &endpoints[i * kEndpointCount];
    EXPECT_NEAR(e[kAuc], ref.rows.back()[4], 1e-8 * ref.rows.back()[4]) << "subject " << i;
    EXPECT_GE(e[kCmax], cmax);  // the true peak: CmaxIsTheTruePeak below
    EXPECT_EQ(e[kSMax], s_max);
    EXPECT_EQ(e[kSEnd], rows[i].back()[3]);
    EXPECT_GT(e[kSEnd], 0.0);
  }
  RecordProperty("max_abs_error_S", std::to_string(worst));
  RecordProperty("max_rel_error_S", std::to_string(worst_relative));
  std::printf("max |S - S_cvode| = %.2e, max |S - S_cvode| / S_cvode = %.2e\n", worst,
              worst_relative);
}

// Even times without near-duplicates.
std::vector<double> sorted_times(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end(),
                          [](double a, double b) { return std::abs(a - b) < 1e-9; }),
              times.end());
  return times;
}

// The highest C of one subject by tight CVODE, the independent reference for Cmax: on a 0.01-h
// grid over the `window_h` after each dose, then on a 1e-5 h grid around its top, refined by the
// parabola through the three highest points.
double dense_cmax(const Subject& subject, const BatchProtocol& protocol, double window_h = 24.0) {
  BatchProtocol dense = protocol;
  std::vector<double> times = protocol.output_times_h;
  for (const BatchDose& dose : protocol.doses) {
    for (int k = 1; k <= static_cast<int>(window_h * 100.0); ++k) {
      times.push_back(dose.time_h + 0.01 * k);
    }
  }
  dense.output_times_h = sorted_times(times);
  const auto highest = [](const Reference& ref) {
    std::size_t top = 0;
    for (std::size_t k = 0; k < ref.rows.size(); ++k) {
      top = ref.rows[k][0] > ref.rows[top][0] ? k : top;
    }
    return top;
  };
  const Reference coarse = cvode_reference(subject, dense);
  const double t_top = dense.output_times_h[highest(coarse)];
  BatchProtocol fine = dense;
  for (int k = -1100; k <= 1100; ++k) {
    fine.output_times_h.push_back(t_top + 1e-5 * k);
  }
  fine.output_times_h = sorted_times(fine.output_times_h);
  const Reference ref = cvode_reference(subject, fine);
  const std::size_t top = highest(ref);
  EXPECT_GT(top, 0U);
  EXPECT_LT(top + 1, ref.rows.size());
  if (top == 0 || top + 1 >= ref.rows.size()) {
    return ref.rows[top][0];
  }
  EXPECT_NEAR(fine.output_times_h[top + 1] - fine.output_times_h[top], 1e-5, 1e-9);
  EXPECT_NEAR(fine.output_times_h[top] - fine.output_times_h[top - 1], 1e-5, 1e-9);
  // The parabola through (t-, y-), (t0, y0), (t+, y+) on an even grid: its vertex value.
  const double ym = ref.rows[top - 1][0], y0 = ref.rows[top][0], yp = ref.rows[top + 1][0];
  const double curvature = ym - 2.0 * y0 + yp;
  return y0 - (yp - ym) * (yp - ym) / (8.0 * curvature);
}

// Cmax is the true peak, not the highest value on the output grid (issue 16 item 7): against
// dense_cmax. Subjects include KA equal to the fast disposition rate (the closed form's 0/0,
// plasma_peak.h) and KA = 40/h (a peak minutes after the dose).
TEST(BatchKernelTest, CmaxIsTheTruePeak) {
  const auto [protocol, schedule, subjects, endpoints, rows] = short_run();
  double worst = 0.0;
  double gain = 0.0;  // how far the grid's highest value was below the peak
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    if (i >= 3 && i < 12) {
      continue;  // three of the twelve drawn subjects, and every constructed one
    }
    const double peak = dense_cmax(subject_at(subjects, i), protocol);
    const double got = endpoints[i * kEndpointCount + kCmax];
    const double relative = std::abs(got - peak) / peak;
    worst = std::max(worst, relative);
    EXPECT_LE(relative, 1e-7) << "subject " << i << " KA " << subjects.ka[i] << ": " << got
                              << " against " << peak;
    double grid = 0.0;
    for (const auto& row : rows[i]) {
      grid = std::max(grid, row[0]);
    }
    gain = std::max(gain, (got - grid) / got);
  }
  std::printf(
      "Cmax against the dense CVODE peak: max relative difference %.2e; the hourly grid "
      "was up to %.1f%% below the peak\n",
      worst, 100.0 * gain);
  EXPECT_GT(gain, 0.01);  // the grid misses the peak by more than 1% somewhere: the test can fail
}

// C falls, rises, then falls again between two doses: an IV bolus, then a large, slowly absorbed
// depot dose (KA far below the disposition rates, so c' can change sign twice) given while C still
// falls faster than the depot feeds it. The kernel stops looking for peaks only where C cannot rise
// again (Descartes' rule of signs, batch_kernel.cpp), so it must still find the later, higher peak.
TEST(BatchKernelTest, CmaxAfterCFallsThenRises) {
  BatchProtocol protocol;
  protocol.doses.push_back(
      {.time_h = 0.0, .amount_mg = 5.0, .target = DoseTarget::Central, .scaled = false});
  protocol.doses.push_back(
      {.time_h = 0.05, .amount_mg = 400.0, .target = DoseTarget::Depot, .scaled = false});
  protocol.output_times_h = hourly_times(96);
  const BatchSchedule schedule = build_schedule(protocol).value();
  BatchSubjects subjects;
  const BenchmarkTypical typical;
  for (double ka : {0.02, 0.03, 0.04}) {
    BatchSubject subject = typical_subject(typical);
    subject.ka = core::PerHour(ka);
    subjects.push_back(subject);
  }
  std::vector<double> endpoints;
  const auto rows = run_kernel(schedule, subjects, endpoints);
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const double peak = dense_cmax(subject_at(subjects, i), protocol, 96.0);
    EXPECT_NEAR(endpoints[i * kEndpointCount + kCmax], peak, 1e-7 * peak)
        << "subject " << i << " KA " << subjects.ka[i];
    EXPECT_GT(peak, 5.0 / typical.v1 * 1.01) << "the depot's peak must be above the bolus";
    // The depot's peak is hours after the dose, long after the first output.
    EXPECT_GT(rows[i][6][0], rows[i][1][0]);
  }
}

// Cmax's window: a bolus given at the last output time adds nothing (as for the AUC), and one given
// before the first output counts from the dose.
TEST(BatchKernelTest, CmaxCountsDosesFromTheFirstDoseToBeforeTheLastOutput) {
  BatchProtocol protocol;
  protocol.doses.push_back(
      {.time_h = 0.0, .amount_mg = 70.0, .target = DoseTarget::Depot, .scaled = false});
  protocol.output_times_h = hourly_times(24);
  BatchProtocol late = protocol;
  late.doses.push_back(
      {.time_h = 24.0, .amount_mg = 500.0, .target = DoseTarget::Central, .scaled = false});
  BatchProtocol early = protocol;
  early.doses.insert(
      early.doses.begin(),
      {.time_h = 0.0, .amount_mg = 500.0, .target = DoseTarget::Central, .scaled = false});
  early.output_times_h.erase(early.output_times_h.begin());  // outputs from 1 h
  BatchSubjects subjects;
  append_benchmark_subjects(0, 8, 3, subjects);
  std::vector<double> base, with_late, with_early;
  run_kernel(build_schedule(protocol).value(), subjects, base);
  run_kernel(build_schedule(late).value(), subjects, with_late);
  run_kernel(build_schedule(early).value(), subjects, with_early);
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const double cmax = base[i * kEndpointCount + kCmax];
    EXPECT_EQ(with_late[i * kEndpointCount + kCmax], cmax) << "subject " << i;
    // Right after the 500 mg bolus at 0 (before the first output at 1 h): 500 mg / V1.
    EXPECT_NEAR(with_early[i * kEndpointCount + kCmax], 500.0 / subjects.v1[i],
                1e-12 * 500.0 / subjects.v1[i])
        << "subject " << i;
  }
}

TEST(PlasmaPeak, PortableExpIsWithinTwoUlpOfTheLibrary) {
  for (double x = -700.0; x <= 700.0; x += 0.01234567) {
    const double want = std::exp(x);
    const double got = portable_exp(x);
    EXPECT_LE(std::abs(got - want), 2.0 * (std::nextafter(want, HUGE_VAL) - want)) << "x " << x;
  }
  for (double x : {-708.0, 708.0, -707.99, 707.99}) {
    const double want = std::exp(x);
    EXPECT_LE(std::abs(portable_exp(x) - want), 2.0 * (std::nextafter(want, HUGE_VAL) - want))
        << "x " << x;
  }
  EXPECT_EQ(portable_exp(0.0), 1.0);
  EXPECT_EQ(portable_exp(-708.5), 0.0);  // below the range: 0, as documented
  EXPECT_EQ(portable_exp(-800.0), 0.0);
}

TEST(BatchKernelTest, InfusionsAndIvBolusesMatchTightCvode) {
  // 0.5 mg/kg over 40 minutes twice a week (the clinic IV course), a fixed-mg IV bolus, and an
  // infusion still running at the last output (AUC counts only the delivered part).
  BatchProtocol protocol;
  for (double start : {0.0, 72.0, 168.0}) {
    protocol.doses.push_back({.time_h = start,
                              .amount_mg = 0.5,
                              .target = DoseTarget::Central,
                              .scaled = true,
                              .duration_h = 2.0 / 3.0});
  }
  protocol.doses.push_back(
      {.time_h = 100.5, .amount_mg = 20.0, .target = DoseTarget::Central, .scaled = false});
  protocol.doses.push_back({.time_h = 239.0,
                            .amount_mg = 35.0,
                            .target = DoseTarget::Central,
                            .scaled = false,
                            .duration_h = 2.0});
  std::vector<double> times = hourly_times(240);
  for (double extra : {0.25, 0.5, 2.0 / 3.0, 72.5, 100.5 + 1.0 / 6.0}) {
    times.push_back(extra);
  }
  std::sort(times.begin(), times.end());
  protocol.output_times_h = times;
  const BatchSchedule schedule = build_schedule(protocol).value();
  BatchSubjects subjects;
  append_benchmark_subjects(0, 12, 9, subjects);
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    subjects.dose_scale[i] = 50.0 + 5.0 * static_cast<double>(i);  // weight, kg
  }
  std::vector<double> endpoints;
  const auto rows = run_kernel(schedule, subjects, endpoints);
  double below = 0.0;  // how far the grid's highest C was below the peak
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const Reference ref = cvode_reference(subject_at(subjects, i), protocol);
    ASSERT_EQ(ref.rows.size(), rows[i].size());
    for (std::size_t k = 0; k < ref.rows.size(); ++k) {
      ASSERT_NEAR(rows[i][k][0], ref.rows[k][0], 1e-8 * std::max(ref.rows[k][0], 1e-6))
          << "subject " << i << " output " << k;
      ASSERT_NEAR(rows[i][k][2], ref.rows[k][2], 1e-8 * std::max(ref.rows[k][2], 1e-6));
      const double error = std::fabs(rows[i][k][3] - ref.rows[k][3]);
      ASSERT_LE(error, 1e-7) << "subject " << i << " output " << k;
      ASSERT_LE(error, kSRelative * std::max(ref.rows[k][3], kRelativeFloor))
          << "subject " << i << " output " << k;
    }
    EXPECT_NEAR(endpoints[i * kEndpointCount + kAuc], ref.rows.back()[4],
                1e-8 * ref.rows.back()[4]);
    // Cmax is C at an infusion's end or right after the bolus (none of them on the output grid
    // but the first), or at the last output, where the last infusion is still running.
    BatchProtocol peaks = protocol;
    peaks.output_times_h = {2.0 / 3.0, 72.0 + 2.0 / 3.0, 100.5 + 1e-9, 168.0 + 2.0 / 3.0, 240.0};
    const Reference at_peaks = cvode_reference(subject_at(subjects, i), peaks);
    double want = 0.0;
    for (const auto& row : at_peaks.rows) {
      want = std::max(want, row[0]);
    }
    double grid = 0.0;
    for (const auto& row : rows[i]) {
      grid = std::max(grid, row[0]);
    }
    EXPECT_NEAR(endpoints[i * kEndpointCount + kCmax], want, 1e-8 * want) << "subject " << i;
    below = std::max(below, (want - grid) / want);
  }
  EXPECT_GT(below, 0.01);  // somewhere the grid misses the peak by more than 1%: the test can fail
}

TEST(BatchKernelTest, BlockPositionDoesNotChangeASubject) {
  // Each subject of a block, simulated alone, gives bit-identical endpoints and time courses. The
  // lanes of a block differ in KA, so on some steps some lanes take S's exact decay (negligible
  // drive) while the block still solves the collocation for the others.
  const BatchSchedule schedule = build_schedule(short_protocol()).value();
  const std::size_t times = schedule.protocol.output_times_h.size();
  BatchSubjects subjects;
  append_benchmark_subjects(0, 16, 3, subjects);
  std::vector<double> block(kLanes * kEndpointCount);
  std::vector<double> block_profiles(times * kProfileVariables * kLanes);
  simulate_block(schedule, subjects, 0, kLanes, block.data(), block_profiles.data());
  for (std::size_t lane = 0; lane < kLanes; ++lane) {
    std::vector<double> alone(kLanes * kEndpointCount);
    std::vector<double> alone_profiles(times * kProfileVariables * kLanes);
    simulate_block(schedule, subjects, lane, 1, alone.data(), alone_profiles.data());
    for (std::size_t k = 0; k < kEndpointCount; ++k) {
      EXPECT_EQ(alone[k], block[lane * kEndpointCount + k]) << "lane " << lane;
    }
    for (std::size_t k = 0; k < times * kProfileVariables; ++k) {
      ASSERT_EQ(alone_profiles[k * kLanes], block_profiles[k * kLanes + lane])
          << "lane " << lane << " value " << k;
    }
  }
}

TEST(BatchScheduleTest, RejectsBadProtocols) {
  BatchProtocol protocol = short_protocol();
  protocol.output_times_h = {0.0, 2.0, 1.0};
  EXPECT_EQ(build_schedule(protocol).error().code, core::ErrorCode::InvalidArgument);
  protocol.output_times_h = {};
  EXPECT_FALSE(build_schedule(protocol).has_value());
  protocol = short_protocol();
  protocol.doses[1].amount_mg = -1.0;
  const auto result = build_schedule(protocol);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("dose 1"), std::string::npos);
  EXPECT_FALSE(build_schedule(short_protocol(), StepOptions{.first_step_h = 0.0}).has_value());
  protocol = short_protocol();
  protocol.doses[0].duration_h = 0.5;  // an infusion into the depot is meaningless
  EXPECT_FALSE(build_schedule(protocol).has_value());
}

TEST(BatchScheduleTest, OutputsComeBeforeDosesAtTheSameTime) {
  BatchProtocol protocol;
  protocol.doses = {{.time_h = 1.0, .amount_mg = 10.0, .target = DoseTarget::Central}};
  protocol.output_times_h = {0.0, 1.0, 2.0};
  const BatchSchedule schedule = build_schedule(protocol).value();
  std::size_t output_1 = 0, dose = 0;
  for (std::size_t i = 0; i < schedule.actions.size(); ++i) {
    if (schedule.actions[i].kind == ScheduleAction::Kind::Output &&
        schedule.actions[i].index == 1) {
      output_1 = i;
    }
    if (schedule.actions[i].kind == ScheduleAction::Kind::Dose) {
      dose = i;
    }
  }
  EXPECT_LT(output_1, dose);
  BatchSubjects subjects;
  append_benchmark_subjects(0, 1, 1, subjects);
  std::vector<double> endpoints(kEndpointCount);
  std::vector<double> profile(3 * kProfileVariables * kLanes);
  simulate_block(schedule, subjects, 0, 1, endpoints.data(), profile.data());
  EXPECT_EQ(profile[(1 * kProfileVariables + 0) * kLanes], 0.0);  // C at 1 h, before the dose
  EXPECT_GT(profile[(2 * kProfileVariables + 0) * kLanes], 0.0);
}

// The steps after a dose double up to the largest and end on the output grid: on the benchmark
// workload every step length is a power of two, so no output splits a step into two odd lengths
// (each distinct length costs matrix exponentials per subject).
TEST(BatchScheduleTest, RampAfterADoseDoublesAndEndsOnTheOutputGrid) {
  const BatchSchedule schedule = build_schedule(benchmark_protocol()).value();
  std::vector<double> widths = schedule.widths_h;
  std::sort(widths.begin(), widths.end());
  EXPECT_EQ(widths,
            (std::vector<double>{1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 0.5, 1.0}));
  // Between doses no step grows more than twofold.
  double previous = 0.0;
  for (const ScheduleAction& action : schedule.actions) {
    if (action.kind == ScheduleAction::Kind::Dose) {
      previous = 0.0;
    } else if (action.kind == ScheduleAction::Kind::Advance) {
      const double width = schedule.widths_h[action.index];
      EXPECT_LE(width, previous > 0.0 ? 2.0 * previous : width);
      previous = width;
    }
  }
  // Lengths that do not divide one another and a dose off the output grid still give a schedule
  // (the ramp ends) whose steps stay within the largest.
  BatchProtocol protocol = short_protocol();
  protocol.doses[1].time_h = 168.3;
  const StepOptions odd{
      .first_step_h = 0.015, .fine_step_h = 0.03, .fine_window_h = 1.0, .max_step_h = 0.7};
  const BatchSchedule graded = build_schedule(protocol, odd).value();
  EXPECT_GT(graded.advance_count, 504U / 0.7);
  for (double width : graded.widths_h) {
    EXPECT_LE(width, odd.max_step_h * (1.0 + 1e-12));
  }
}

TEST(BatchSubjectsTest, ValidateNamesSubjectAndParameter) {
  BatchSubjects subjects;
  append_benchmark_subjects(0, 3, 1, subjects);
  EXPECT_TRUE(subjects.validate().has_value());
  subjects.cl[2] = -1.0;
  const auto status = subjects.validate();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "batch subject 2: parameter CL must be > 0 L/h (got -1 L/h)");
}

}  // namespace
}  // namespace ketapath::population
