#pragma once
// A user model as an nlme::PopulationModel: its $PK runs on every record with that record's
// covariates (NONMEM's next-record rule for the interval before it: pk/resolve.h), the structure
// runs on the engine (a catalogue model's closed form through pk::simulate_per_record, or the
// user's $DES on CVODE), and IPRED is the output expression or the central concentration.
//
// Example:
//   auto definition = KETAPATH_TRY(usermodel::read_model_file("models/user/two_cmt_wt.toml"));
//   auto model = KETAPATH_TRY(usermodel::UserModel::create(std::move(definition)));
//   auto subject = KETAPATH_TRY(model->bind(timeline, {}, {}));   // then predict(eta, ipred)

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "nlme/model.h"
#include "pk/simulate.h"
#include "usermodel/definition.h"

namespace ketapath::usermodel {

class Program;

struct UserModelOptions {
  /// CVODE tolerances for ODE models (and for catalogue models run with SolverKind::Ode).
  double relative_tolerance = 1e-8;
  double absolute_tolerance = 1e-10;
  /// Automatic: closed form for catalogue structures; Ode: CVODE on the catalogue structure
  /// (a check of the closed form). ODE models always use CVODE.
  pk::SolverKind solver = pk::SolverKind::Automatic;
  /// Compile $DES to machine code (native_des.h); on any failure, or when false, $DES runs on
  /// muparser and des_backend() says why.
  bool native_des = true;
};

class UserModel final : public nlme::PopulationModel {
 public:
  /// Compiles the model (Program::compile) and checks that $PK sets every parameter of a
  /// catalogue structure. Errors: InvalidData naming the file, line and symbol.
  static core::Result<std::unique_ptr<UserModel>> create(Definition definition,
                                                         UserModelOptions options = {});
  ~UserModel() override;

  [[nodiscard]] const std::string& name() const override { return definition_.name; }

  [[nodiscard]] std::span<const std::string> etas() const override { return definition_.etas; }

  [[nodiscard]] const Eigen::MatrixXd& omega() const override { return definition_.omega; }

  [[nodiscard]] const nlme::ResidualError& sigma() const override { return sigma_; }

  [[nodiscard]] const Definition& definition() const { return definition_; }

  /// The variables $PK assigns, in order: fits report each subject's values at its first record
  /// (SubjectModel::individual_parameters), since they depend on its covariates.
  [[nodiscard]] std::span<const std::string> parameter_names() const override {
    return parameter_names_;
  }

  /// How $DES runs: "compiled (LIBRARY)" or "muparser: REASON"; empty without $DES.
  [[nodiscard]] const std::string& des_backend() const { return des_backend_; }

  /// Binds one subject (the UserModel must outlive what it returns). Errors: a covariate the
  /// model reads that the data set lacks or never gives a value ("ID 3: WT has no value"), and
  /// any $PK or dosing error of the subject's records at ETA = 0, naming the record line.
  core::Result<std::unique_ptr<nlme::SubjectModel>> bind(
      const pk::SubjectTimeline& subject, std::span<const double> dv,
      std::span<const core::Hours> extra_times) const override;

  /// A compiled program for one bound subject, and its return; thread-safe.
  core::Result<std::unique_ptr<Program>> acquire() const;
  void release(std::unique_ptr<Program> program) const;

 private:
  UserModel(Definition definition, UserModelOptions options);

  Definition definition_;
  UserModelOptions options_;
  nlme::ResidualError sigma_;
  int (*native_des_)(double*) = nullptr;
  std::vector<std::string> parameter_names_;
  std::string des_backend_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Program>> pool_;
};

}  // namespace ketapath::usermodel
