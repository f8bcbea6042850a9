// `ketapath models`: the PK model catalogue with NONMEM names, parameters (name, unit, meaning)
// and compartments, as a table or as JSON (--json) for scripts.

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "pk/model.h"

namespace ketapath::cli {
namespace {

struct Options {
  bool json = false;
};

/// The dose modifiers and the effect site every model accepts, per compartment where it applies
/// (model.h: F<n>, ALAG<n>, R<n>, D<n>, KE0).
std::vector<pk::ParameterSpec> optional_parameters(const pk::ModelSpec& model) {
  std::vector<pk::ParameterSpec> result;
  for (const pk::CompartmentSpec& c : model.compartments) {
    result.push_back({fmt::format("F{}", c.number), "fraction",
                      fmt::format("bioavailability of doses into {} (default 1)", c.name)});
    result.push_back({fmt::format("ALAG{}", c.number), "h",
                      fmt::format("lag time of doses into {} (default 0)", c.name)});
    result.push_back({fmt::format("R{}", c.number), "mg/h",
                      fmt::format("infusion rate into {} for RATE=-1 doses", c.name)});
    result.push_back({fmt::format("D{}", c.number), "h",
                      fmt::format("infusion duration into {} for RATE=-2 doses", c.name)});
  }
  result.push_back(
      {"KE0", "1/h", "effect-site equilibration rate constant (adds the CE output column)"});
  return result;
}

nlohmann::json parameter_json(const pk::ParameterSpec& p) {
  return {{"name", p.name}, {"unit", p.unit}, {"description", p.description}};
}

int print_json() {
  nlohmann::json models = nlohmann::json::array();
  for (const pk::ModelSpec& model : pk::model_catalogue()) {
    nlohmann::json parameters = nlohmann::json::array();
    for (const pk::ParameterSpec& p : model.parameters) {
      parameters.push_back(parameter_json(p));
    }
    nlohmann::json optional = nlohmann::json::array();
    for (const pk::ParameterSpec& p : optional_parameters(model)) {
      optional.push_back(parameter_json(p));
    }
    nlohmann::json compartments = nlohmann::json::array();
    for (const pk::CompartmentSpec& c : model.compartments) {
      compartments.push_back({{"number", c.number}, {"name", c.name}});
    }
    models.push_back({{"name", model.name},
                      {"nonmem", model.nonmem},
                      {"description", model.description},
                      {"solver", model.closed_form ? "closed form" : "ODE (CVODE)"},
                      {"parameters", parameters},
                      {"optional_parameters", optional},
                      {"compartments", compartments},
                      {"default_dose_compartment", model.default_dose_compartment},
                      {"central_compartment", model.central_compartment},
                      {"central_volume", model.central_volume}});
  }
  fmt::print("{}\n", models.dump(2));
  return kExitOk;
}

int print_table() {
  for (const pk::ModelSpec& model : pk::model_catalogue()) {
    fmt::print("{}  ({}, {})\n  {}\n", model.name, model.nonmem,
               model.closed_form ? "closed form" : "ODE", model.description);
    fmt::print("  parameters:\n");
    for (const pk::ParameterSpec& p : model.parameters) {
      fmt::print("    {:<5} {:<5} {}\n", p.name, p.unit, p.description);
    }
    std::vector<std::string> compartments;
    for (const pk::CompartmentSpec& c : model.compartments) {
      compartments.push_back(
          fmt::format("{} {}{}", c.number, c.name,
                      c.number == model.default_dose_compartment ? " (default dose)" : ""));
    }
    fmt::print("  compartments: {}", fmt::join(compartments, ", "));
    fmt::print("\n  CP = A{} / {}\n\n", model.central_compartment, model.central_volume);
  }
  fmt::print(
      "Every model also accepts, for a compartment n: Fn bioavailability (default 1), ALAGn lag "
      "time (h,\ndefault 0), Rn infusion rate for RATE=-1 doses, Dn infusion duration for "
      "RATE=-2 doses; and KE0\n(1/h), which adds the effect-site concentration CE. Structural "
      "parameters, KE0, Rn and Dn must be\n> 0; Fn and ALAGn >= 0. Units are the data's: with AMT "
      "in mg, time in h and volumes in L, CP is mg/L.\n");
  return kExitOk;
}

Runner setup(CLI::App& app) {
  auto options = std::make_shared<Options>();
  app.description(
      "List the PK models with their NONMEM names (ADVAN/TRANS), parameters (name, unit, "
      "meaning) and compartments in NONMEM numbering.");
  app.add_flag("--json", options->json, "Print the catalogue as JSON");
  return [options] {
    return options->json ? print_json() : print_table();
  };
}

const Registration kRegistration{"models", "List the PK models, their parameters and compartments",
                                 setup};

}  // namespace
}  // namespace ketapath::cli
