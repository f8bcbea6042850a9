#include "usermodel/user_model.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "pk/covariates.h"
#include "pk/engine.h"
#include "pk/ode_function.h"
#include "pk/resolve.h"
#include "pk/structure.h"
#include "usermodel/batch_source.h"
#include "usermodel/expressions.h"
#include "usermodel/native_des.h"

namespace ketapath::usermodel {
namespace {

/// A $PK variable the engine reads: a catalogue parameter or a dose modifier (F1, ALAG1, R1, D1).
struct Output {
  std::size_t pk = 0;  // index among the $PK targets
  std::string name;
};

std::vector<Output> engine_inputs(const Definition& d, const Layout& layout) {
  static const std::regex modifier("^(F|ALAG|R|D)[0-9]+$");
  const pk::ModelSpec* spec =
      d.structure.catalogue.empty() ? nullptr : pk::find_model(d.structure.catalogue);
  std::vector<Output> out;
  for (std::size_t i = 0; i < layout.pk_targets.size(); ++i) {
    const std::string& name = layout.pk_targets[i];
    bool used = std::regex_match(name, modifier) || (spec != nullptr && name == "KE0");
    if (spec != nullptr) {
      for (const pk::ParameterSpec& p : spec->parameters)
        used = used || p.name == name;
    }
    if (used)
      out.push_back({i, name});
  }
  return out;
}

class UserSubject final : public nlme::SubjectModel {
 public:
  UserSubject(const UserModel& model, std::unique_ptr<Program> program,
              const pk::SubjectTimeline& subject, std::vector<double> covariates,
              std::span<const double> dv, std::span<const core::Hours> extra_times,
              const UserModelOptions& options)
      : model_(model),
        program_(std::move(program)),
        subject_(subject),
        covariates_(std::move(covariates)),
        extra_times_(extra_times.begin(), extra_times.end()),
        dv_(dv.begin(), dv.end()),
        options_(options),
        inputs_(engine_inputs(model.definition(), program_->layout())) {}

  ~UserSubject() override { model_.release(std::move(program_)); }

  UserSubject(const UserSubject&) = delete;
  UserSubject& operator=(const UserSubject&) = delete;

  /// The output rows, from the resolved events at ETA = 0 (no solver runs): also checks $PK, the
  /// structure's parameters at the first record and every dose record against the model.
  core::Status prepare() {
    const std::vector<double> zeros(model_.etas().size(), 0.0);
    KETAPATH_TRY(run_pk(zeros));
    const std::vector<pk::ParameterValues> inputs = per_record_inputs();
    const pk::ModelStructure structure = KETAPATH_TRY(resolve_structure(inputs.front()));
    const std::vector<pk::Event> events =
        KETAPATH_TRY(pk::resolve_events(structure, inputs.front(), subject_, extra_times_, inputs));
    rows_.clear();
    for (const pk::Event& e : events) {
      if (e.action != pk::EventAction::Output)
        continue;
      nlme::Row row{core::Hours(e.time), e.record_index, false, 0.0};
      if (e.record_index < dv_.size() && !std::isnan(dv_[e.record_index])) {
        row.has_dv = true;
        row.dv = dv_[e.record_index];
      }
      rows_.push_back(row);
    }
    return {};
  }

  [[nodiscard]] std::span<const nlme::Row> rows() const override { return rows_; }

  core::Status predict(std::span<const double> eta, std::span<double> ipred) override {
    if (eta.size() != model_.etas().size() || ipred.size() != rows_.size()) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: predict needs {} ETAs and {} outputs (got {} and {})", model_.name(),
                        model_.etas().size(), rows_.size(), eta.size(), ipred.size());
    }
    // PRED (ETA = 0) is asked for once per subject and then reused.
    const bool typical = std::all_of(eta.begin(), eta.end(), [](double e) { return e == 0.0; });
    if (typical && !pred_.empty()) {
      std::copy(pred_.begin(), pred_.end(), ipred.begin());
      return {};
    }
    values_.clear();
    KETAPATH_TRY(run(eta, values_));
    if (values_.size() != rows_.size()) {
      return core::fail(core::ErrorCode::Internal, "{}: ID {}: {} outputs for {} rows",
                        model_.name(), subject_.id, values_.size(), rows_.size());
    }
    if (typical)
      pred_ = values_;
    std::copy(values_.begin(), values_.end(), ipred.begin());
    return {};
  }

  /// $PK's variables at the subject's first record (its covariates there), in assignment order.
  core::Result<std::vector<double>> individual_parameters(std::span<const double> eta) override {
    if (eta.size() != model_.etas().size()) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: {} ETAs needed (got {})",
                        model_.name(), model_.etas().size(), eta.size());
    }
    KETAPATH_TRY(run_pk(eta));
    const std::size_t targets = program_->layout().pk_targets.size();
    return std::vector<double>(pk_.begin(), pk_.begin() + static_cast<std::ptrdiff_t>(targets));
  }

 private:
  /// $PK on every record for `eta`: pk_ holds records x targets afterwards.
  core::Status run_pk(std::span<const double> eta) {
    const Layout& l = program_->layout();
    std::span<double> slots = program_->slots();
    std::copy(eta.begin(), eta.end(), slots.begin() + static_cast<std::ptrdiff_t>(l.etas));
    const std::size_t covariates = model_.definition().covariates.size();
    const std::size_t targets = l.pk_targets.size();
    pk_.resize(subject_.records.size() * targets);
    for (std::size_t r = 0; r < subject_.records.size(); ++r) {
      std::copy_n(covariates_.begin() + static_cast<std::ptrdiff_t>(r * covariates), covariates,
                  slots.begin() + static_cast<std::ptrdiff_t>(l.covariates));
      if (auto status = program_->run_pk(); !status) {
        return core::fail(status.error().code, "line {}: ID {}: {}",
                          subject_.records[r].source_line, subject_.id, status.error().message);
      }
      std::copy_n(slots.begin() + static_cast<std::ptrdiff_t>(l.pk), targets,
                  pk_.begin() + static_cast<std::ptrdiff_t>(r * targets));
    }
    return {};
  }

  /// Loads record r's $PK values (and its covariates) into the slots.
  void load(std::size_t r) {
    const Layout& l = program_->layout();
    std::span<double> slots = program_->slots();
    const std::size_t targets = l.pk_targets.size();
    const std::size_t covariates = model_.definition().covariates.size();
    std::copy_n(pk_.begin() + static_cast<std::ptrdiff_t>(r * targets), targets,
                slots.begin() + static_cast<std::ptrdiff_t>(l.pk));
    std::copy_n(covariates_.begin() + static_cast<std::ptrdiff_t>(r * covariates), covariates,
                slots.begin() + static_cast<std::ptrdiff_t>(l.covariates));
  }

  std::vector<pk::ParameterValues> per_record_inputs() const {
    const std::size_t targets = program_->layout().pk_targets.size();
    std::vector<pk::ParameterValues> out(subject_.records.size());
    for (std::size_t r = 0; r < out.size(); ++r)
      for (const Output& o : inputs_)
        out[r].emplace(o.name, pk_[r * targets + o.pk]);
    return out;
  }

  double output(std::size_t interval_record, std::span<const double> amounts, double cp) {
    if (!program_->has_ipred())
      return cp;
    load(interval_record);
    const Layout& l = program_->layout();
    std::span<double> slots = program_->slots();
    std::copy_n(amounts.begin(), std::min(amounts.size(), l.compartments),
                slots.begin() + static_cast<std::ptrdiff_t>(l.amounts));
    return program_->run_ipred();
  }

  /// The structure events are resolved against: the catalogue model's at the given values, or
  /// the ODE model's compartments.
  core::Result<pk::ModelStructure> resolve_structure(const pk::ParameterValues& values) const {
    const Definition& d = model_.definition();
    if (!d.structure.catalogue.empty()) {
      auto structure = pk::make_structure(*pk::find_model(d.structure.catalogue), values);
      if (!structure) {
        return core::fail(structure.error().code, "line {}: ID {}: {}",
                          subject_.records.empty() ? 0 : subject_.records[0].source_line,
                          subject_.id, structure.error().message);
      }
      return structure;
    }
    pk::ModelStructure structure;
    structure.model = d.name;
    structure.compartments = static_cast<int>(program_->layout().compartments);
    structure.default_dose = d.structure.dose_compartment - 1;
    return structure;
  }

  core::Status run(std::span<const double> eta, std::vector<double>& out) {
    KETAPATH_TRY(run_pk(eta));
    const std::vector<pk::ParameterValues> inputs = per_record_inputs();
    const Definition& d = model_.definition();
    auto add = [&](double time, std::span<const double> amounts, std::size_t interval,
                   double cp) -> core::Status {
      const double value = output(interval, amounts, cp);
      if (!std::isfinite(value)) {
        return core::fail(core::ErrorCode::Solver, "ID {} at TIME {}: IPRED is {} ({})",
                          subject_.id, time, value, d.file);
      }
      out.push_back(value);
      return {};
    };
    if (!d.structure.catalogue.empty()) {
      pk::SimulationOptions options{.extra_times = extra_times_,
                                    .relative_tolerance = options_.relative_tolerance,
                                    .absolute_tolerance = options_.absolute_tolerance,
                                    .solver = options_.solver};
      const std::vector<pk::OutputRow> rows = KETAPATH_TRY(pk::simulate_per_record(
          *pk::find_model(d.structure.catalogue), inputs, subject_, options));
      for (const pk::OutputRow& row : rows)
        KETAPATH_TRY(add(row.time.value(), row.amounts, row.interval_record, row.cp));
      return {};
    }
    return run_ode(inputs, add);
  }

  template <class Add>
  core::Status run_ode(const std::vector<pk::ParameterValues>& inputs, Add& add) {
    const Layout& l = program_->layout();
    const int n = static_cast<int>(l.compartments);
    const pk::ModelStructure structure = KETAPATH_TRY(resolve_structure(inputs.front()));
    const std::vector<pk::Event> events =
        KETAPATH_TRY(pk::resolve_events(structure, inputs.front(), subject_, extra_times_, inputs));
    if (l.des_reads_time) {
      for (const pk::Event& e : events) {
        if (e.action == pk::EventAction::SteadyState) {
          return core::fail(core::ErrorCode::InvalidData,
                            "line {}: ID {}: a steady-state dose (SS) with a des block that reads "
                            "T: the steady state of a time-dependent system is not defined ({})",
                            subject_.records.at(e.record_index).source_line, subject_.id,
                            model_.definition().file);
        }
      }
    }
    double* slots = program_->slots().data();
    auto rhs = [this, slots, &l](double t, std::span<const double> x, std::span<double> dx) {
      slots[l.time] = t;
      std::copy(x.begin(), x.end(), slots + l.amounts);
      if (!program_->run_des())
        return false;
      std::copy_n(slots + l.derivatives, dx.size(), dx.begin());
      return true;
    };
    pk::FunctionOdePropagator propagator(
        n, rhs, options_.relative_tolerance, options_.absolute_tolerance,
        [this](std::size_t r) { load(r); }, model_.definition().structure.ode_method);
    pk::EngineOptions engine{.steady_state_tolerance =
                                 std::max(1e-12, 100.0 * options_.relative_tolerance)};
    auto snapshots = pk::run_events(events, propagator, n, n, engine);
    if (!snapshots) {
      return core::fail(snapshots.error().code, "ID {}: {}", subject_.id,
                        snapshots.error().message);
    }
    for (const pk::StateSnapshot& s : *snapshots) {
      const std::span<const double> amounts(s.state.data(), static_cast<std::size_t>(n));
      KETAPATH_TRY(add(s.time, amounts, s.interval_record, NAN));
    }
    return {};
  }

  const UserModel& model_;
  std::unique_ptr<Program> program_;
  pk::SubjectTimeline subject_;
  std::vector<double> covariates_;  // records x model covariates, NOCB-filled
  std::vector<core::Hours> extra_times_;
  std::vector<double> dv_;
  UserModelOptions options_;
  std::vector<Output> inputs_;
  std::vector<nlme::Row> rows_;
  std::vector<double> pred_;
  std::vector<double> values_;
  std::vector<double> pk_;  // records x $PK targets
};

}  // namespace

UserModel::UserModel(Definition definition, UserModelOptions options)
    : definition_(std::move(definition)),
      options_(options),
      sigma_{definition_.sigma_proportional, definition_.sigma_additive} {}

UserModel::~UserModel() = default;

core::Result<std::unique_ptr<UserModel>> UserModel::create(Definition definition,
                                                           UserModelOptions options) {
  std::unique_ptr<UserModel> model(new UserModel(std::move(definition), options));
  std::unique_ptr<Program> program = KETAPATH_TRY(Program::compile(model->definition_));
  const Definition& d = model->definition_;
  if (d.structure.catalogue == kBatchStructure) {
    const auto& targets = program->layout().pk_targets;
    for (const BatchParameter& p : batch_parameters()) {
      if (std::find(targets.begin(), targets.end(), p.name) == targets.end()) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: pk: never sets {} ({}); structure {} needs {}", d.file, p.name,
                          p.unit, kBatchStructure,
                          "KA, F1, V1, V2, CL, Q, FM, VNK, CLNK, KE0, EC50, KON, KOFF");
      }
    }
  } else if (!d.structure.catalogue.empty()) {
    const pk::ModelSpec& spec = *pk::find_model(d.structure.catalogue);
    const auto& targets = program->layout().pk_targets;
    for (const pk::ParameterSpec& p : spec.parameters) {
      if (std::find(targets.begin(), targets.end(), p.name) == targets.end()) {
        std::string needed;
        for (const pk::ParameterSpec& q : spec.parameters)
          needed += fmt::format("{}{} ({})", needed.empty() ? "" : ", ", q.name, q.unit);
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: pk: never sets {}; structure {} needs {}", d.file, p.name, spec.name,
                          needed);
      }
    }
  }
  if (!program->des_source().empty() && options.native_des) {
    if (auto native = load_native_des(program->des_source())) {
      model->native_des_ = native->function;
      model->des_backend_ = fmt::format("compiled ({})", native->library);
    } else {
      model->des_backend_ = fmt::format("muparser: {}", native.error().message);
    }
  } else if (!d.structure.des.empty()) {
    model->des_backend_ = options.native_des
                              ? fmt::format("muparser: {}", program->des_translation_problem())
                              : "muparser (compilation not asked for)";
  }
  program->use_native_des(model->native_des_);
  model->parameter_names_ = program->layout().pk_targets;
  model->release(std::move(program));
  return model;
}

core::Result<std::unique_ptr<Program>> UserModel::acquire() const {
  {
    const std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      std::unique_ptr<Program> program = std::move(pool_.back());
      pool_.pop_back();
      return program;
    }
  }
  std::unique_ptr<Program> program = KETAPATH_TRY(Program::compile(definition_));
  program->use_native_des(native_des_);
  return program;
}

void UserModel::release(std::unique_ptr<Program> program) const {
  if (program == nullptr)
    return;
  const std::lock_guard lock(pool_mutex_);
  pool_.push_back(std::move(program));
}

core::Result<std::unique_ptr<nlme::SubjectModel>> UserModel::bind(
    const pk::SubjectTimeline& subject, std::span<const double> dv,
    std::span<const core::Hours> extra_times) const {
  if (definition_.structure.catalogue == kBatchStructure) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: structure {} runs in batch populations (`ketapath population "
                      "benchmark --model-file`); simulate and fit need a catalogue structure or "
                      "a des block",
                      definition_.file, kBatchStructure);
  }
  // Each covariate the model reads, on every record (its own value, else NOCB).
  const std::size_t count = definition_.covariates.size();
  std::vector<double> covariates(subject.records.size() * count);
  for (std::size_t c = 0; c < count; ++c) {
    const std::string& name = definition_.covariates[c].name;
    const auto column =
        std::find(subject.covariate_names.begin(), subject.covariate_names.end(), name);
    if (column == subject.covariate_names.end()) {
      // "line N:" (the subject's first record) lets the jobs name the data file.
      const std::size_t line = subject.records.empty() ? 0 : subject.records[0].source_line;
      return core::fail(core::ErrorCode::InvalidData,
                        "{}ID {}: model {} reads covariate {} ({}), but the data set has no {} "
                        "column",
                        line > 0 ? fmt::format("line {}: ", line) : std::string(), subject.id,
                        definition_.name, name, definition_.covariates[c].unit, name);
    }
    const auto index = static_cast<std::size_t>(column - subject.covariate_names.begin());
    for (std::size_t r = 0; r < subject.records.size(); ++r) {
      const std::optional<double> value = pk::covariate_on_record(subject, index, r);
      if (!value) {
        return core::fail(core::ErrorCode::InvalidData,
                          "line {}: ID {}: covariate {} has no value on this record or any "
                          "other of its epoch",
                          subject.records[r].source_line, subject.id, name);
      }
      covariates[r * count + c] = *value;
    }
  }
  auto bound = std::make_unique<UserSubject>(*this, KETAPATH_TRY(acquire()), subject,
                                             std::move(covariates), dv, extra_times, options_);
  KETAPATH_TRY(bound->prepare());
  return bound;
}

}  // namespace ketapath::usermodel
