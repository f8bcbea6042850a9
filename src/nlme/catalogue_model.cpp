#include "nlme/catalogue_model.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nlme/omega.h"

namespace ketapath::nlme {
namespace {

/// One subject: the typical values in a private map whose ETA entries are rewritten per call.
class CatalogueSubject final : public SubjectModel {
 public:
  CatalogueSubject(const CatalogueModelSpec& spec, pk::SubjectTimeline subject,
                   std::span<const core::Hours> extra_times)
      : spec_(&spec), values_(spec.parameters), subject_(std::move(subject)) {
    options_.extra_times.assign(extra_times.begin(), extra_times.end());
    options_.solver = spec.solver;
    for (const std::string& name : spec.etas) {
      const auto it = values_.find(name);
      slots_.push_back(&it->second);
      typical_.push_back(it->second);
    }
  }

  /// Output rows from one typical run (which also checks the subject's records).
  core::Status init(std::span<const double> dv) {
    const std::vector<pk::OutputRow> out =
        KETAPATH_TRY(pk::simulate(*spec_->model, values_, subject_, options_));
    rows_.reserve(out.size());
    for (const pk::OutputRow& o : out) {
      Row row{.time = o.time, .record_index = o.record_index};
      if (o.record_index != pk::kGridRow && o.record_index < dv.size() &&
          !std::isnan(dv[o.record_index])) {
        row.has_dv = true;
        row.dv = dv[o.record_index];
      }
      rows_.push_back(row);
    }
    return {};
  }

  [[nodiscard]] std::span<const Row> rows() const override { return rows_; }

  core::Status predict(std::span<const double> eta, std::span<double> ipred) override {
    KETAPATH_ASSERT(eta.size() == slots_.size() && ipred.size() == rows_.size(),
                    "predict: eta or ipred has the wrong size");
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      *slots_[k] = typical_[k] * std::exp(eta[k]);
    }
    const std::vector<pk::OutputRow> out =
        KETAPATH_TRY(pk::simulate(*spec_->model, values_, subject_, options_));
    for (std::size_t i = 0; i < out.size(); ++i) {
      ipred[i] = out[i].cp;
    }
    return {};
  }

 private:
  const CatalogueModelSpec* spec_;
  pk::ParameterValues values_;
  pk::SubjectTimeline subject_;
  pk::SimulationOptions options_;
  std::vector<double*> slots_;  // the ETA parameters' entries in values_ (map nodes are stable)
  std::vector<double> typical_;
  std::vector<Row> rows_;
};

class CatalogueModel final : public PopulationModel {
 public:
  explicit CatalogueModel(CatalogueModelSpec spec) : spec_(std::move(spec)) {
    for (const std::string& name : spec_.etas) {
      typical_.push_back(spec_.parameters.find(name)->second);
    }
  }

  [[nodiscard]] const std::string& name() const override { return spec_.model->name; }

  [[nodiscard]] std::span<const std::string> etas() const override { return spec_.etas; }

  [[nodiscard]] const Eigen::MatrixXd& omega() const override { return spec_.omega; }

  [[nodiscard]] const ResidualError& sigma() const override { return spec_.sigma; }

  [[nodiscard]] std::span<const std::string> parameter_names() const override { return spec_.etas; }

  [[nodiscard]] std::vector<double> individual_parameters(
      std::span<const double> eta) const override {
    std::vector<double> p(typical_.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
      p[k] = typical_[k] * std::exp(eta[k]);
    }
    return p;
  }

  core::Result<std::unique_ptr<SubjectModel>> bind(
      const pk::SubjectTimeline& subject, std::span<const double> dv,
      std::span<const core::Hours> extra_times) const override {
    auto bound = std::make_unique<CatalogueSubject>(spec_, subject, extra_times);
    KETAPATH_TRY(bound->init(dv));
    return std::unique_ptr<SubjectModel>(std::move(bound));
  }

 private:
  CatalogueModelSpec spec_;
  std::vector<double> typical_;
};

core::Status check_etas(const CatalogueModelSpec& spec) {
  const pk::ModelSpec& model = *spec.model;
  std::vector<std::string> names;
  for (const pk::ParameterSpec& p : model.parameters) {
    names.push_back(p.name);
  }
  for (std::size_t k = 0; k < spec.etas.size(); ++k) {
    const std::string& eta = spec.etas[k];
    if (std::find(spec.etas.begin(), spec.etas.begin() + static_cast<std::ptrdiff_t>(k), eta) !=
        spec.etas.begin() + static_cast<std::ptrdiff_t>(k)) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: ETA on {} is given twice",
                        model.name, eta);
    }
    const bool structural = std::find(names.begin(), names.end(), eta) != names.end();
    const bool modifier = eta == "KE0" || eta.starts_with("ALAG") ||
                          (eta.size() > 1 && (eta[0] == 'R' || eta[0] == 'D'));
    if (eta.size() > 1 && eta[0] == 'F' && !structural) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: an ETA on bioavailability {} needs a logit-normal ETA (so F stays "
                        "<= 1), which catalogue models do not offer; use a model file",
                        model.name, eta);
    }
    if (!spec.parameters.contains(eta)) {
      if (structural || modifier) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "{}: ETA on {} needs a typical value of {} (give it as a parameter)",
                          model.name, eta, eta);
      }
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: ETA on {}: {} is not a parameter of the model (it has {})", model.name,
                        eta, eta, fmt::join(names, ", "));
    }
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<PopulationModel>> make_catalogue_model(CatalogueModelSpec spec) {
  if (spec.model == nullptr) {
    return core::fail(core::ErrorCode::NotFound, "population model: no catalogue model given");
  }
  // The model's own parameter checks (missing, unknown, out of range), on an empty timeline.
  KETAPATH_TRY(pk::simulate(*spec.model, spec.parameters, pk::SubjectTimeline{}));
  KETAPATH_TRY(check_etas(spec));
  KETAPATH_TRY(check_omega(spec.etas, spec.omega));
  KETAPATH_TRY(check_sigma(spec.sigma));
  return std::unique_ptr<PopulationModel>(std::make_unique<CatalogueModel>(std::move(spec)));
}

}  // namespace ketapath::nlme
