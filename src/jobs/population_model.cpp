#include "jobs/population_model.h"

#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nlme/catalogue_model.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace ketapath::jobs {

core::Result<const pk::ModelSpec*> find_catalogue_model(const std::string& name,
                                                        std::string_view field) {
  const pk::ModelSpec* model = pk::find_model(name);
  if (model == nullptr) {
    std::vector<std::string> names;
    for (const pk::ModelSpec& m : pk::model_catalogue()) {
      names.push_back(m.name);
    }
    return core::fail(core::ErrorCode::NotFound, "{}: \"{}\" is not a model (known: {})", field,
                      name, fmt::join(names, ", "));
  }
  return model;
}

core::Result<std::unique_ptr<nlme::PopulationModel>> population_model(
    const PopulationModelSpec& spec, const PopulationModelFields& fields) {
  if (spec.model.empty() == spec.model_file.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "give {} NAME (a catalogue model) or {} FILE (a user model), {}",
                      fields.model, fields.model_file,
                      spec.model.empty() ? "one of them" : "not both");
  }
  if (spec.model_file.empty()) {
    if (!spec.parameters || spec.parameters->empty()) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: {} {} needs its parameter values, e.g. {} CL=5,V=50",
                        fields.parameters, fields.model, spec.model, fields.parameters);
    }
    EtaSpec omega = spec.omega.value_or(EtaSpec{});
    return nlme::make_catalogue_model(
        {.model = KETAPATH_TRY(find_catalogue_model(spec.model, fields.model)),
         .parameters = *spec.parameters,
         .etas = std::move(omega.etas),
         .omega = std::move(omega.omega),
         .sigma = spec.sigma.value_or(nlme::ResidualError{}),
         .solver = pk::SolverKind::Automatic});
  }
  for (const auto& [given, name] : {std::pair{spec.parameters.has_value(), fields.parameters},
                                    std::pair{spec.omega.has_value(), fields.omega},
                                    std::pair{spec.sigma.has_value(), fields.sigma}}) {
    if (given) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: the model file {} states its own THETAs, OMEGA and SIGMA; change "
                        "them there",
                        name, spec.model_file);
    }
  }
  usermodel::Definition definition = KETAPATH_TRY(usermodel::read_model_file(spec.model_file));
  return KETAPATH_TRY(usermodel::UserModel::create(std::move(definition)));
}

std::string model_note(const nlme::PopulationModel& model) {
  const auto* user = dynamic_cast<const usermodel::UserModel*>(&model);
  if (user == nullptr || !user->des_backend().starts_with("muparser"))
    return {};
  return fmt::format("{}: $DES runs interpreted on muparser (slower): {}", user->definition().file,
                     user->des_backend().substr(user->des_backend().find(": ") + 2));
}

}  // namespace ketapath::jobs
