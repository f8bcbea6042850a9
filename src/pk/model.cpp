#include "pk/model.h"

#include <array>

namespace ketapath::pk {

namespace {

ParameterSpec ka() {
  return {"KA", "1/h", "first-order absorption rate constant"};
}

ParameterSpec cl() {
  return {"CL", "L/h", "clearance"};
}

ParameterSpec volume(std::string name, std::string what) {
  return {std::move(name), "L", std::move(what)};
}

ParameterSpec flow(std::string name, std::string what) {
  return {std::move(name), "L/h", std::move(what)};
}

std::vector<ModelSpec> build_catalogue() {
  std::vector<ModelSpec> models;
  models.push_back({.name = "one_cmt",
                    .nonmem = "ADVAN1 TRANS2",
                    .description = "one compartment, first-order elimination",
                    .parameters = {cl(), volume("V", "volume of distribution")},
                    .compartments = {{1, "central"}},
                    .default_dose_compartment = 1,
                    .central_compartment = 1,
                    .central_volume = "V",
                    .closed_form = true});
  models.push_back({.name = "one_cmt_depot",
                    .nonmem = "ADVAN2 TRANS2",
                    .description = "one compartment with first-order absorption from a depot",
                    .parameters = {ka(), cl(), volume("V", "volume of distribution")},
                    .compartments = {{1, "depot"}, {2, "central"}},
                    .default_dose_compartment = 1,
                    .central_compartment = 2,
                    .central_volume = "V",
                    .closed_form = true});
  models.push_back(
      {.name = "two_cmt",
       .nonmem = "ADVAN3 TRANS4",
       .description = "two compartments (mammillary), elimination from the central",
       .parameters = {cl(), volume("V1", "central volume"),
                      flow("Q", "intercompartmental clearance"), volume("V2", "peripheral volume")},
       .compartments = {{1, "central"}, {2, "peripheral"}},
       .default_dose_compartment = 1,
       .central_compartment = 1,
       .central_volume = "V1",
       .closed_form = true});
  models.push_back(
      {.name = "two_cmt_depot",
       .nonmem = "ADVAN4 TRANS4",
       .description = "two compartments with first-order absorption from a depot",
       .parameters = {ka(), cl(), volume("V2", "central volume"),
                      flow("Q", "intercompartmental clearance"), volume("V3", "peripheral volume")},
       .compartments = {{1, "depot"}, {2, "central"}, {3, "peripheral"}},
       .default_dose_compartment = 1,
       .central_compartment = 2,
       .central_volume = "V2",
       .closed_form = true});
  models.push_back({.name = "three_cmt",
                    .nonmem = "ADVAN11 TRANS4",
                    .description = "three compartments (mammillary), elimination from the central",
                    .parameters = {cl(), volume("V1", "central volume"),
                                   flow("Q2", "clearance to peripheral 1 (compartment 2)"),
                                   volume("V2", "peripheral 1 volume"),
                                   flow("Q3", "clearance to peripheral 2 (compartment 3)"),
                                   volume("V3", "peripheral 2 volume")},
                    .compartments = {{1, "central"}, {2, "peripheral1"}, {3, "peripheral2"}},
                    .default_dose_compartment = 1,
                    .central_compartment = 1,
                    .central_volume = "V1",
                    .closed_form = true});
  models.push_back(
      {.name = "three_cmt_depot",
       .nonmem = "ADVAN12 TRANS4",
       .description = "three compartments with first-order absorption from a depot",
       .parameters = {ka(), cl(), volume("V2", "central volume"),
                      flow("Q3", "clearance to peripheral 1 (compartment 3)"),
                      volume("V3", "peripheral 1 volume"),
                      flow("Q4", "clearance to peripheral 2 (compartment 4)"),
                      volume("V4", "peripheral 2 volume")},
       .compartments = {{1, "depot"}, {2, "central"}, {3, "peripheral1"}, {4, "peripheral2"}},
       .default_dose_compartment = 1,
       .central_compartment = 2,
       .central_volume = "V2",
       .closed_form = true});
  models.push_back({.name = "one_cmt_mm",
                    .nonmem = "ADVAN10 TRANS1",
                    .description = "one compartment, Michaelis-Menten elimination VM*C/(KM+C)",
                    .parameters = {{"VM", "mg/h", "maximum elimination rate"},
                                   {"KM", "mg/L", "concentration at half-maximal elimination"},
                                   volume("V", "volume of distribution")},
                    .compartments = {{1, "central"}},
                    .default_dose_compartment = 1,
                    .central_compartment = 1,
                    .central_volume = "V",
                    .closed_form = false});
  return models;
}

}  // namespace

std::span<const ModelSpec> model_catalogue() {
  static const std::vector<ModelSpec> models = build_catalogue();
  return models;
}

const ModelSpec* find_model(std::string_view name) {
  for (const ModelSpec& model : model_catalogue()) {
    if (model.name == name) {
      return &model;
    }
  }
  return nullptr;
}

}  // namespace ketapath::pk
