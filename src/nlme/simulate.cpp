#include "nlme/simulate.h"

#include <cmath>
#include <optional>

#include "core/random.h"
#include "nlme/omega.h"
#include "nlme/parallel.h"

namespace ketapath::nlme {

std::vector<double> draw_eta(const Eigen::MatrixXd& chol, std::uint64_t seed, std::size_t replicate,
                             std::size_t subject) {
  core::RandomStream stream(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Parameters});
  const Eigen::Index n = chol.rows();
  Eigen::VectorXd z(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    z(i) = stream.normal();
  }
  const Eigen::VectorXd eta = chol.triangularView<Eigen::Lower>() * z;
  return {eta.data(), eta.data() + n};
}

void draw_dv(const ResidualError& sigma, std::uint64_t seed, std::size_t replicate,
             std::size_t subject, std::span<const double> ipred, std::span<double> dv) {
  core::RandomStream stream(
      seed, {.replicate = replicate, .subject = subject, .stream = core::Stream::Residual});
  const double sd_prop = std::sqrt(sigma.proportional_variance);
  const double sd_add = std::sqrt(sigma.additive_variance);
  for (std::size_t i = 0; i < ipred.size(); ++i) {
    stream.seek(2 * static_cast<std::uint64_t>(i));
    const double eps1 = sd_prop * stream.normal();
    const double eps2 = sd_add * stream.normal();
    dv[i] = ipred[i] * (1.0 + eps1) + eps2;
  }
}

namespace {

/// All replicates of subject s, written to out[r * subjects + s].
core::Status simulate_subject(const PopulationModel& model, const SimulationInput& input,
                              const SimulationOptions& options, const Eigen::MatrixXd& chol,
                              std::size_t s, std::vector<SimulatedSubject>& out) {
  const std::span<const double> dv =
      s < input.dv.size() ? std::span<const double>(input.dv[s]) : std::span<const double>();
  const auto bound = KETAPATH_TRY(model.bind(input.subjects[s], dv, input.extra_times));
  const std::span<const Row> rows = bound->rows();
  const std::size_t n = rows.size();
  std::vector<double> pred(n);
  std::vector<double> ipred(n);
  std::vector<double> obs(n);
  KETAPATH_TRY(bound->predict(std::vector<double>(model.etas().size(), 0.0), pred));
  for (std::size_t r = 0; r < options.replicates; ++r) {
    SimulatedSubject& sim = out[r * input.subjects.size() + s];
    sim.replicate = r;
    sim.subject = s;
    sim.eta = draw_eta(chol, options.seed, r, s);
    KETAPATH_TRY(bound->predict(sim.eta, ipred));
    draw_dv(model.sigma(), options.seed, r, s, ipred, obs);
    sim.rows.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      sim.rows[i] = {.time = rows[i].time,
                     .record_index = rows[i].record_index,
                     .dv = obs[i],
                     .ipred = ipred[i],
                     .pred = pred[i]};
    }
  }
  return {};
}

}  // namespace

core::Result<std::vector<SimulatedSubject>> simulate(const PopulationModel& model,
                                                     const SimulationInput& input,
                                                     const SimulationOptions& options) {
  const Eigen::MatrixXd chol = KETAPATH_TRY(omega_cholesky(model.etas(), model.omega()));
  KETAPATH_TRY(check_sigma(model.sigma()));
  const std::size_t subjects = input.subjects.size();
  std::vector<SimulatedSubject> out(options.replicates * subjects);
  std::vector<std::optional<core::Error>> errors(subjects);
  for_each_index(subjects, options.threads, [&](std::size_t s) {
    const core::Status status = simulate_subject(model, input, options, chol, s, out);
    if (!status) {
      errors[s] = status.error();
    }
  });
  for (const auto& e : errors) {
    if (e) {
      return std::unexpected(*e);
    }
  }
  return out;
}

}  // namespace ketapath::nlme
