#pragma once
// Shared test fixtures: subjects with one bolus and a fixed sampling design, and the two_cmt
// population model of the recovery test.

#include <memory>
#include <vector>

#include "nlme/catalogue_model.h"
#include "nlme/simulate.h"
#include "pk/event_timeline.h"

namespace ketapath::nlme::testing {

/// The sampling design of the recovery test: h after the dose.
inline const std::vector<double> kDesign{0.25, 0.5, 1, 2, 4, 8, 12, 24};

/// `count` subjects, IDs "1".."count", each a bolus of `dose` mg at 0 into the default
/// compartment and one observation record per time of `times`.
std::vector<pk::SubjectTimeline> bolus_subjects(std::size_t count, double dose,
                                                const std::vector<double>& times = kDesign);

/// two_cmt CL=5 L/h, V1=50 L, Q=10 L/h, V2=100 L; ETAs on CL, V1, Q, V2 with OMEGA
/// diag(0.09, 0.04, 0.09, 0.04) and cov(CL, V1) = 0.02; SIGMA prop 0.01, add 1e-4.
std::unique_ptr<PopulationModel> two_cmt_model();

/// The simulated DV as a fit reads it: dv[s][r] for record r of subjects[s], NaN where no row.
std::vector<std::vector<double>> simulated_dv(const std::vector<pk::SubjectTimeline>& subjects,
                                              const std::vector<SimulatedSubject>& simulated);

}  // namespace ketapath::nlme::testing
