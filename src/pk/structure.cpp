#include "pk/structure.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::pk {

namespace {

// Names used for each role, per catalogue model (NONMEM TRANS names).
struct Roles {
  const char* ka = nullptr;
  const char* cl = nullptr;
  const char* volume = nullptr;

  struct Pair {
    const char* q;
    const char* v;
  };

  std::vector<Pair> peripherals{};
  const char* vm = nullptr;
  const char* km = nullptr;
};

std::optional<Roles> roles_of(std::string_view model) {
  if (model == "one_cmt")
    return Roles{.cl = "CL", .volume = "V"};
  if (model == "one_cmt_depot")
    return Roles{.ka = "KA", .cl = "CL", .volume = "V"};
  if (model == "two_cmt")
    return Roles{.cl = "CL", .volume = "V1", .peripherals = {{"Q", "V2"}}};
  if (model == "two_cmt_depot") {
    return Roles{.ka = "KA", .cl = "CL", .volume = "V2", .peripherals = {{"Q", "V3"}}};
  }
  if (model == "three_cmt") {
    return Roles{.cl = "CL", .volume = "V1", .peripherals = {{"Q2", "V2"}, {"Q3", "V3"}}};
  }
  if (model == "three_cmt_depot") {
    return Roles{
        .ka = "KA", .cl = "CL", .volume = "V2", .peripherals = {{"Q3", "V3"}, {"Q4", "V4"}}};
  }
  if (model == "one_cmt_mm")
    return Roles{.volume = "V", .vm = "VM", .km = "KM"};
  return std::nullopt;
}

// "F2" -> ("F", 2); "ALAG10" -> ("ALAG", 10); anything else -> nullopt.
std::optional<std::pair<std::string_view, int>> split_modifier(std::string_view name) {
  for (std::string_view prefix : {"ALAG", "F", "R", "D"}) {
    if (name.size() > prefix.size() && name.starts_with(prefix)) {
      std::string_view digits = name.substr(prefix.size());
      int number = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (ec == std::errc() && end == digits.data() + digits.size() && digits[0] != '0') {
        return std::pair{prefix, number};
      }
    }
  }
  return std::nullopt;
}

bool is_structural(const ModelSpec& model, std::string_view name) {
  for (const ParameterSpec& spec : model.parameters) {
    if (spec.name == name)
      return true;
  }
  return false;
}

}  // namespace

std::optional<double> dose_modifier(const ParameterValues& values, std::string_view prefix,
                                    int compartment_number) {
  auto it = values.find(fmt::format("{}{}", prefix, compartment_number));
  if (it == values.end())
    return std::nullopt;
  return it->second;
}

core::Result<ModelStructure> make_structure(const ModelSpec& model, const ParameterValues& values) {
  const std::optional<Roles> roles = roles_of(model.name);
  if (!roles) {
    return core::fail(core::ErrorCode::NotFound, "{}: not a catalogue model", model.name);
  }
  const int n = static_cast<int>(model.compartments.size());
  // Every given name must mean something for this model, and every value must be a number.
  for (const auto& [name, value] : values) {
    if (!std::isfinite(value)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: parameter {} must be a finite number (got {})", model.name, name,
                        value);
    }
    const std::string field = fmt::format("{}: parameter {}", model.name, name);
    if (is_structural(model, name) || name == "KE0") {
      KETAPATH_TRY(
          core::check_range(field, value, "", core::positive(), core::ErrorCode::InvalidArgument));
      continue;
    }
    const auto modifier = split_modifier(name);
    if (!modifier || modifier->second > n) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "{}: parameter {} is not a parameter of this model (got {})", model.name,
                        name, value);
    }
    const std::string_view prefix = modifier->first;
    // F<n> and ALAG<n> may be 0; R<n> and D<n> may not.
    const bool may_be_zero = prefix == "F" || prefix == "ALAG";
    KETAPATH_TRY(core::check_range(field, value, "",
                                   may_be_zero ? core::non_negative() : core::positive(),
                                   core::ErrorCode::InvalidArgument));
  }
  for (const ParameterSpec& spec : model.parameters) {
    if (!values.contains(spec.name)) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: parameter {} ({}, {}) is missing",
                        model.name, spec.name, spec.description, spec.unit);
    }
  }
  auto get = [&](const char* name) {
    return values.find(name)->second;
  };

  ModelStructure s;
  s.model = model.name;
  s.compartments = n;
  s.central = model.central_compartment - 1;
  s.default_dose = model.default_dose_compartment - 1;
  s.central_volume = get(roles->volume);
  if (roles->ka != nullptr) {
    s.depot = 0;
    s.ka = get(roles->ka);
  }
  if (roles->cl != nullptr)
    s.cl = get(roles->cl);
  int next = s.central + 1;
  for (const Roles::Pair& pair : roles->peripherals) {
    s.peripherals.push_back({next++, get(pair.q), get(pair.v)});
  }
  if (roles->vm != nullptr) {
    s.michaelis_menten = true;
    s.vm = get(roles->vm);
    s.km = get(roles->km);
  }
  if (auto it = values.find("KE0"); it != values.end())
    s.ke0 = it->second;
  return s;
}

Eigen::MatrixXd ModelStructure::rate_matrix() const {
  const int n = states();
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(n, n);
  const int c = central;
  if (depot >= 0) {
    k(depot, depot) = -ka;
    k(c, depot) = ka;
  }
  k(c, c) = -cl / central_volume;
  for (const Peripheral& p : peripherals) {
    const double k_out = p.q / central_volume;  // central -> peripheral
    const double k_back = p.q / p.volume;       // peripheral -> central
    k(c, c) -= k_out;
    k(p.index, c) = k_out;
    k(c, p.index) = k_back;
    k(p.index, p.index) = -k_back;
  }
  if (ke0) {
    const int e = compartments;
    k(e, c) = *ke0 / central_volume;
    k(e, e) = -*ke0;
  }
  return k;
}

}  // namespace ketapath::pk
