#pragma once
// The fixed population benchmark workload (shared/reference/benchmark-workload.md): racemic
// ketamine in a 70-kg adult, 70 mg SC into the depot at 0, 168, ..., 1848 h (12 weekly doses),
// output every hour from 0 to 2016 h, log-normal variability on CL 35%, V1 30%, KA 50%, KON 60%.
// Used by `ketapath population benchmark`, the Google Benchmarks and the deSolve comparison, which
// all draw the same subjects from the same seed.

#include <cstddef>
#include <cstdint>

#include "pk/event_timeline.h"
#include "population/batch_model.h"

namespace ketapath::population {

/// Typical values of the benchmark model (units as in BatchSubjects).
struct BenchmarkTypical {
  double ka = 4.0, f = 0.9, v1 = 80.0, v2 = 172.0, cl = 79.0, q = 250.0, fm = 0.7, v_nk = 100.0,
         cl_nk = 50.0, ke0 = 5.0, ec50 = 0.2, kon = 0.18, koff = 0.69314718055994531 / 168.0;
  double cv_cl = 0.35, cv_v1 = 0.30, cv_ka = 0.50, cv_kon = 0.60;
};

/// The typical benchmark subject (no variability): `typical` as a BatchSubject.
BatchSubject benchmark_typical_subject(const BenchmarkTypical& typical = {});

/// 12 weekly 70 mg SC doses, hourly output 0..2016 h; with `weeks` < 12, the first `weeks` doses
/// and hourly output to the end of the last week (168 x weeks h), as the tests use.
BatchProtocol benchmark_protocol(int weeks = 12);

/// The protocol's doses as one subject's NM-TRAN records (CMT 1, the depot), for the per-subject
/// engines (a user model of the same workload; the output hours are their extra times).
pk::SubjectTimeline benchmark_timeline();

/// Appends subjects [first, first + count) of the benchmark population for `seed` to `out`.
/// Subject i uses core::RandomStream(seed, {replicate 0, subject i, Stream::Parameters}) draws
/// 0..3 for the etas of CL, V1, KA, KON (omega = sqrt(ln(1 + CV^2))), so it is the same subject
/// whatever the chunking.
void append_benchmark_subjects(std::size_t first, std::size_t count, std::uint64_t seed,
                               BatchSubjects& out, const BenchmarkTypical& typical = {});

}  // namespace ketapath::population
