#pragma once
// Simulation with variability over a data set's subjects: per replicate and subject an ETA vector
// ~ N(0, OMEGA) and residual error on every output row,
//   IPRED = predict(ETA),  PRED = predict(0),  DV = IPRED (1 + EPS(1)) + EPS(2)
// with EPS(1) ~ N(0, SIGMA_prop), EPS(2) ~ N(0, SIGMA_add) (model.h).
//
// Reproducibility: ETA = L z with OMEGA = L L' (Cholesky) and z the first n normals of
// core::RandomStream(seed, {replicate, subject index, Stream::Parameters}); row i's EPS(1), EPS(2)
// are draws 2i and 2i+1 of the Stream::Residual stream keyed the same. A subject's numbers depend
// only on (seed, replicate, subject index), never on the thread count or the other subjects.
//
// Example:
//   nlme::SimulationInput input{.subjects = data.subjects};
//   auto sims = KETAPATH_TRY(nlme::simulate(*model, input, {.replicates = 100, .seed = 7}));

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "core/units.h"
#include "nlme/model.h"
#include "pk/event_timeline.h"

namespace ketapath::nlme {

struct SimulationInput {
  std::span<const pk::SubjectTimeline> subjects;
  /// dv[s][r]: DV of record r of subject s (NaN where missing), or empty (no DV known).
  std::span<const std::vector<double>> dv;
  std::span<const core::Hours> extra_times;  ///< output grid besides the observation records
};

struct SimulationOptions {
  std::size_t replicates = 1;
  std::uint64_t seed = 1;
  unsigned threads = 1;  ///< results are identical for every value
};

struct SimulatedRow {
  core::Hours time{0.0};
  std::size_t record_index = 0;  ///< as Row::record_index
  double dv = 0.0;
  double ipred = 0.0;
  double pred = 0.0;
};

struct SimulatedSubject {
  std::size_t replicate = 0;  ///< 0-based
  std::size_t subject = 0;    ///< index into SimulationInput::subjects
  std::vector<double> eta;
  std::vector<SimulatedRow> rows;
};

/// Every replicate of every subject, ordered by replicate, then subject. Errors: the model's
/// bind and predict errors (the first by subject index), OMEGA or SIGMA invalid.
core::Result<std::vector<SimulatedSubject>> simulate(const PopulationModel& model,
                                                     const SimulationInput& input,
                                                     const SimulationOptions& options = {});

/// The ETA vector of (seed, replicate, subject) for an OMEGA with lower Cholesky factor `chol`.
std::vector<double> draw_eta(const Eigen::MatrixXd& chol, std::uint64_t seed, std::size_t replicate,
                             std::size_t subject);

/// DV for each IPRED of (seed, replicate, subject) under `sigma` (size of `dv` = size of `ipred`).
void draw_dv(const ResidualError& sigma, std::uint64_t seed, std::size_t replicate,
             std::size_t subject, std::span<const double> ipred, std::span<double> dv);

}  // namespace ketapath::nlme
