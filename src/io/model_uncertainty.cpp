#include "io/model_uncertainty.h"

#include <fmt/format.h>

#include "io/model_scales.h"

namespace ketapath::io::detail {
namespace {

constexpr std::size_t kMaxUncertainParameters = 64;

core::Result<double> number_at(const toml::node* node, std::string_view origin,
                               const std::string& where) {
  if (node != nullptr) {
    if (const auto* f = node->as_floating_point()) {
      return f->get();
    }
    if (const auto* i = node->as_integer()) {
      return static_cast<double>(i->get());
    }
  }
  return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a number (got {})", origin,
                    where, node ? describe(*node) : std::string("nothing"));
}

core::Result<const toml::array*> array_at(const toml::node& node, std::string_view origin,
                                          const std::string& where) {
  const auto* list = node.as_array();
  if (list == nullptr) {
    return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be an array (got {})", origin,
                      where, describe(node));
  }
  return list;
}

core::Status read_parameters(const toml::node& node, std::string_view origin,
                             pd::TypicalUncertainty& u) {
  const toml::array* list = KETAPATH_TRY(array_at(node, origin, "uncertainty.parameters"));
  if (list->empty() || list->size() > kMaxUncertainParameters) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: uncertainty.parameters: must name 1 to {} parameters (got {})", origin,
                      kMaxUncertainParameters, list->size());
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = fmt::format("uncertainty.parameters[{}]", i + 1);
    const auto* name = list->get(i)->as_string();
    if (name == nullptr) {
      return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a parameter name (got {})",
                        origin, where, describe(*list->get(i)));
    }
    const auto id = pd::find_parameter(name->get());
    if (!id) {
      return core::fail(core::ErrorCode::InvalidData, "{}: {}: unknown parameter \"{}\"", origin,
                        where, name->get());
    }
    u.parameters.push_back(*id);
  }
  return {};
}

core::Status read_matrix(const toml::node& node, std::string_view origin,
                         pd::TypicalUncertainty& u) {
  const auto n = u.parameters.size();
  const toml::array* rows = KETAPATH_TRY(array_at(node, origin, "uncertainty.log_covariance"));
  if (rows->size() != n) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: uncertainty.log_covariance: has {} rows but {} parameters are named",
                      origin, rows->size(), n);
  }
  u.log_covariance.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const std::string row_where = fmt::format("uncertainty.log_covariance[{}]", i + 1);
    const toml::array* row = KETAPATH_TRY(array_at(*rows->get(i), origin, row_where));
    if (row->size() != n) {
      return core::fail(core::ErrorCode::InvalidData, "{}: {}: has {} values but needs {}", origin,
                        row_where, row->size(), n);
    }
    for (std::size_t j = 0; j < n; ++j) {
      u.log_covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          KETAPATH_TRY(number_at(row->get(j), origin, fmt::format("{}[{}]", row_where, j + 1)));
    }
  }
  return {};
}

}  // namespace

core::Result<pd::TypicalUncertainty> read_uncertainty(const toml::node& node,
                                                      std::string_view origin) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return core::fail(core::ErrorCode::InvalidData, "{}: uncertainty: must be a table (got {})",
                      origin, describe(node));
  }
  for (const auto& [key_node, child] : *table) {
    const std::string_view key = key_node.str();
    if (key != "source" && key != "parameters" && key != "log_covariance") {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: uncertainty.{}: unknown key (expected source, parameters, "
                        "log_covariance)",
                        origin, key);
    }
  }
  pd::TypicalUncertainty u;
  const auto* source = table->get_as<std::string>("source");
  if (source == nullptr || source->get().empty()) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: uncertainty.source: missing (say where the covariance comes from)",
                      origin);
  }
  u.source = source->get();
  const auto* parameters = table->get("parameters");
  const auto* matrix = table->get("log_covariance");
  if (parameters == nullptr || matrix == nullptr) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: uncertainty: needs parameters and log_covariance", origin);
  }
  KETAPATH_TRY(read_parameters(*parameters, origin, u));
  KETAPATH_TRY(read_matrix(*matrix, origin, u));
  return u;
}

}  // namespace ketapath::io::detail
