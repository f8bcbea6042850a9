#include "usermodel/batch_source.h"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "core/random.h"
#include "usermodel/expressions.h"

namespace ketapath::usermodel {
namespace {

constexpr std::array<BatchParameter, 13> kParameters{{{"KA", "1/h"},
                                                      {"F1", "1"},
                                                      {"V1", "L"},
                                                      {"V2", "L"},
                                                      {"CL", "L/h"},
                                                      {"Q", "L/h"},
                                                      {"FM", "1"},
                                                      {"VNK", "L"},
                                                      {"CLNK", "L/h"},
                                                      {"KE0", "1/h"},
                                                      {"EC50", "mg/L"},
                                                      {"KON", "1/h"},
                                                      {"KOFF", "1/h"}}};

}  // namespace

std::span<const BatchParameter> batch_parameters() {
  return kParameters;
}

core::Result<population::SubjectSource> batch_source(std::shared_ptr<const UserModel> model,
                                                     std::uint64_t seed) {
  const Definition& d = model->definition();
  if (d.structure.catalogue != kBatchStructure) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: a batch population needs structure = \"{}\" (got {})", d.file,
                      kBatchStructure,
                      d.structure.catalogue.empty() ? "an ODE model" : d.structure.catalogue);
  }
  if (!d.covariates.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: reads covariate {}; a batch population draws its subjects from OMEGA "
                      "and has no data set (simulate a data set with `ketapath simulate "
                      "--model-file`)",
                      d.file, d.covariates.front().name);
  }
  // Where each kernel parameter sits among the $PK targets (create() checked they all exist).
  std::unique_ptr<Program> probe = KETAPATH_TRY(model->acquire());
  const Layout layout = probe->layout();
  model->release(std::move(probe));
  std::array<std::size_t, kParameters.size()> slot{};
  for (std::size_t p = 0; p < kParameters.size(); ++p) {
    const auto at =
        std::find(layout.pk_targets.begin(), layout.pk_targets.end(), kParameters[p].name);
    slot[p] = layout.pk + static_cast<std::size_t>(at - layout.pk_targets.begin());
  }
  const Eigen::MatrixXd lower =
      d.omega.size() == 0 ? Eigen::MatrixXd() : Eigen::MatrixXd(d.omega.llt().matrixL());
  return [model, seed, slot, layout, lower](std::size_t first, std::size_t count,
                                            population::BatchSubjects& out) -> core::Status {
    std::unique_ptr<Program> program = KETAPATH_TRY(model->acquire());
    std::span<double> slots = program->slots();
    const auto n = lower.rows();
    Eigen::VectorXd z(n);
    out.reserve(out.size() + count);
    core::Status status;
    for (std::size_t i = first; i < first + count && status; ++i) {
      core::RandomStream stream(seed,
                                {.replicate = 0, .subject = i, .stream = core::Stream::Parameters});
      for (Eigen::Index k = 0; k < n; ++k)
        z[k] = stream.normal();
      const Eigen::VectorXd eta = lower.triangularView<Eigen::Lower>() * z;
      std::copy(eta.data(), eta.data() + n,
                slots.begin() + static_cast<std::ptrdiff_t>(layout.etas));
      status = program->run_pk();
      if (!status) {
        status =
            core::fail(status.error().code, "virtual subject {}: {}", i, status.error().message);
        break;
      }
      auto v = [&](std::size_t p) {
        return slots[slot[p]];
      };
      population::BatchSubject s;
      s.ka = core::PerHour(v(0));
      s.f = v(1);
      s.v1 = core::Litres(v(2));
      s.v2 = core::Litres(v(3));
      s.cl = core::LitresPerHour(v(4));
      s.q = core::LitresPerHour(v(5));
      s.fm = v(6);
      s.v_nk = core::Litres(v(7));
      s.cl_nk = core::LitresPerHour(v(8));
      s.ke0 = core::PerHour(v(9));
      s.ec50 = core::MilligramsPerLitre(v(10));
      s.kon = core::PerHour(v(11));
      s.koff = core::PerHour(v(12));
      out.push_back(s);
    }
    model->release(std::move(program));
    return status;
  };
}

}  // namespace ketapath::usermodel
