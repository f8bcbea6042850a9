#pragma once
// The catalogue of PK models, described as data: NONMEM ADVAN/TRANS names, compartments in
// NONMEM's numbering, and the parameters each needs. Solvers (closed form or CVODE) execute these
// descriptions; the CLI lists them (`ketapath models`).

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ketapath::pk {

struct ParameterSpec {
  std::string name;         ///< NONMEM name: CL, V, V1, Q, KA, VM, KM, KE0, ...
  std::string unit;         ///< in data units: "L/h", "L", "1/h", "mg/h", "mg/L"
  std::string description;  ///< "clearance", "central volume", ...
};

struct CompartmentSpec {
  int number = 0;    ///< NONMEM compartment number, 1-based
  std::string name;  ///< "depot", "central", "peripheral", ...
};

struct ModelSpec {
  std::string name;    ///< "two_cmt_depot"
  std::string nonmem;  ///< "ADVAN4 TRANS4"
  std::string description;
  std::vector<ParameterSpec> parameters;      ///< required structural parameters
  std::vector<CompartmentSpec> compartments;  ///< in NONMEM order
  int default_dose_compartment = 1;           ///< what CMT 0 on a dose record means
  int central_compartment = 1;                ///< CP = A(central) / central volume
  std::string central_volume;                 ///< parameter name of the central volume
  bool closed_form = true;                    ///< false: solved with CVODE
};

/// Every model Ketapath knows, in a stable order.
std::span<const ModelSpec> model_catalogue();

/// The model called `name`, or nullptr.
const ModelSpec* find_model(std::string_view name);

/// Parameter values by NONMEM name, in data units. Besides a model's structural parameters the
/// optional dose modifiers are F<n> (bioavailability, default 1), ALAG<n> (lag, default 0),
/// R<n> (modelled rate, RATE=-1), D<n> (modelled duration, RATE=-2), and KE0 adds an effect site.
using ParameterValues = std::map<std::string, double, std::less<>>;

}  // namespace ketapath::pk
