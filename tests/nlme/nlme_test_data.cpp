#include "nlme_test_data.h"

#include <cmath>

#include <fmt/format.h>

#include "support/must.h"

namespace ketapath::nlme::testing {

std::vector<pk::SubjectTimeline> bolus_subjects(std::size_t count, double dose,
                                                const std::vector<double>& times) {
  std::vector<pk::SubjectTimeline> out;
  for (std::size_t i = 0; i < count; ++i) {
    pk::SubjectTimeline s;
    s.id = fmt::format("{}", i + 1);
    pk::Record d{.time = core::Hours(0.0), .kind = pk::RecordKind::Dose};
    d.dose.amount = core::Milligrams(dose);
    d.source_line = 2;
    s.records.push_back(d);
    for (const double t : times) {
      s.records.push_back({.time = core::Hours(t), .kind = pk::RecordKind::Observation});
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::unique_ptr<PopulationModel> two_cmt_model() {
  Eigen::MatrixXd omega = Eigen::MatrixXd::Zero(4, 4);
  omega.diagonal() << 0.09, 0.04, 0.09, 0.04;
  omega(0, 1) = omega(1, 0) = 0.02;
  return ketapath::testing::must(
      make_catalogue_model({.model = pk::find_model("two_cmt"),
                            .parameters = {{"CL", 5.0}, {"V1", 50.0}, {"Q", 10.0}, {"V2", 100.0}},
                            .etas = {"CL", "V1", "Q", "V2"},
                            .omega = omega,
                            .sigma = {.proportional_variance = 0.01, .additive_variance = 1e-4}}));
}

std::vector<std::vector<double>> simulated_dv(const std::vector<pk::SubjectTimeline>& subjects,
                                              const std::vector<SimulatedSubject>& simulated) {
  std::vector<std::vector<double>> dv;
  for (const SimulatedSubject& s : simulated) {
    std::vector<double> d(subjects[s.subject].records.size(), NAN);
    for (const SimulatedRow& r : s.rows) {
      d[r.record_index] = r.dv;
    }
    dv.push_back(std::move(d));
  }
  return dv;
}

}  // namespace ketapath::nlme::testing
