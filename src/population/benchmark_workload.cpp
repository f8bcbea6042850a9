#include "population/benchmark_workload.h"

#include <cmath>

#include "core/random.h"

namespace ketapath::population {

BatchSubject benchmark_typical_subject(const BenchmarkTypical& t) {
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

BatchProtocol benchmark_protocol(int weeks) {
  BatchProtocol protocol;
  for (int week = 0; week < weeks; ++week) {
    protocol.doses.push_back(
        {.time_h = 168.0 * week, .amount_mg = 70.0, .target = DoseTarget::Depot});
  }
  protocol.output_times_h = hourly_times(168 * weeks);
  return protocol;
}

pk::SubjectTimeline benchmark_timeline() {
  pk::SubjectTimeline subject;
  subject.id = "1";
  for (const BatchDose& dose : benchmark_protocol().doses) {
    pk::Record r;
    r.time = core::Hours(dose.time_h);
    r.kind = pk::RecordKind::Dose;
    r.dose.amount = core::Milligrams(dose.amount_mg);
    r.dose.compartment = 1;
    r.source_line = subject.records.size() + 2;  // as if read from a file with a header
    subject.records.push_back(r);
  }
  return subject;
}

void append_benchmark_subjects(std::size_t first, std::size_t count, std::uint64_t seed,
                               BatchSubjects& out, const BenchmarkTypical& t) {
  auto omega = [](double cv) {
    return std::sqrt(std::log1p(cv * cv));
  };
  const double w_cl = omega(t.cv_cl);
  const double w_v1 = omega(t.cv_v1);
  const double w_ka = omega(t.cv_ka);
  const double w_kon = omega(t.cv_kon);
  for (std::size_t i = first; i < first + count; ++i) {
    core::RandomStream eta(seed,
                           {.replicate = 0, .subject = i, .stream = core::Stream::Parameters});
    const double cl = t.cl * std::exp(w_cl * eta.normal());
    const double v1 = t.v1 * std::exp(w_v1 * eta.normal());
    const double ka = t.ka * std::exp(w_ka * eta.normal());
    const double kon = t.kon * std::exp(w_kon * eta.normal());
    BatchSubject subject = benchmark_typical_subject(t);
    subject.cl = core::LitresPerHour(cl);
    subject.v1 = core::Litres(v1);
    subject.ka = core::PerHour(ka);
    subject.kon = core::PerHour(kon);
    out.push_back(subject);
  }
}

}  // namespace ketapath::population
