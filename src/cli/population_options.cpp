#include "cli/population_options.h"

#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/check.h"
#include "core/text.h"

namespace ketapath::cli {
namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

bool is_name(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  for (const char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

std::vector<std::string> split_items(const std::vector<std::string>& items) {
  std::vector<std::string> tokens;
  for (const std::string& item : items) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = item.find(',', start);
      tokens.push_back(trim(std::string_view(item).substr(start, comma - start)));
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
  }
  return tokens;
}

/// One block starting at tokens[i]: names up to the NAME=VALUE token, then the lower triangle.
core::Status parse_block(const std::vector<std::string>& tokens, std::size_t& i,
                         std::vector<std::string>& names, std::vector<double>& values) {
  while (i < tokens.size() && tokens[i].find('=') == std::string::npos) {
    if (!is_name(tokens[i])) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--omega: \"{}\" is not an ETA name (write NAME=VARIANCE, or "
                        "N1,N2=V11,V21,V22 for a block)",
                        core::excerpt(tokens[i]));
    }
    names.push_back(core::ascii_upper(tokens[i++]));
  }
  if (i == tokens.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--omega: {} names ETAs but gives no variance (write NAME=VARIANCE)",
                      fmt::join(names, ","));
  }
  const std::string& head = tokens[i++];
  const std::size_t eq = head.find('=');
  const std::string name = core::ascii_upper(trim(std::string_view(head).substr(0, eq)));
  if (!is_name(name)) {
    return core::fail(core::ErrorCode::InvalidArgument, "--omega: \"{}\" is not an ETA name",
                      core::excerpt(name));
  }
  names.push_back(name);
  const std::string block = fmt::format("{}", fmt::join(names, ","));
  values.push_back(KETAPATH_TRY(parse_number(head.substr(eq + 1), "--omega " + block)));
  const std::size_t k = names.size();
  while (values.size() < k * (k + 1) / 2) {
    if (i == tokens.size() || tokens[i].find('=') != std::string::npos) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--omega: block {} needs {} values (the lower triangle row by row), got {}",
                        block, k * (k + 1) / 2, values.size());
    }
    values.push_back(KETAPATH_TRY(parse_number(tokens[i++], "--omega " + block)));
  }
  return {};
}

}  // namespace

void add_variability_options(CLI::App& app, PopulationOptions& options) {
  app.add_option("--omega", options.omega,
                 "Between-subject variability: exponential ETAs on parameters, NAME=VARIANCE "
                 "items (CL=0.09,V1=0.04) or a block N1,N2=V11,V21,V22 (lower triangle); ETA1..n "
                 "in the order written");
  app.add_option("--sigma", options.sigma,
                 "Residual error variances prop=VAR,add=VAR: DV = IPRED (1 + EPS1) + EPS2")
      ->delimiter(',');
}

core::Result<pk::ParameterValues> parse_parameters(const std::vector<std::string>& items) {
  pk::ParameterValues values;
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--param: \"{}\" must be NAME=VALUE, e.g. CL=2.5", item);
    }
    const std::string name = core::ascii_upper(item.substr(0, eq));
    const double value =
        KETAPATH_TRY(parse_number(item.substr(eq + 1), fmt::format("--param {}", name)));
    if (!values.emplace(name, value).second) {
      return core::fail(core::ErrorCode::InvalidArgument, "--param: {} is given twice", name);
    }
  }
  return values;
}

core::Result<jobs::EtaSpec> parse_omega(const std::vector<std::string>& items) {
  const std::vector<std::string> tokens = split_items(items);
  std::vector<std::pair<std::vector<std::string>, std::vector<double>>> blocks;
  std::size_t total = 0;
  for (std::size_t i = 0; i < tokens.size();) {
    std::vector<std::string> names;
    std::vector<double> values;
    KETAPATH_TRY(parse_block(tokens, i, names, values));
    total += names.size();
    blocks.emplace_back(std::move(names), std::move(values));
  }
  jobs::EtaSpec spec;
  spec.omega =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(total), static_cast<Eigen::Index>(total));
  Eigen::Index offset = 0;
  for (const auto& [names, values] : blocks) {
    std::size_t v = 0;
    for (Eigen::Index r = 0; r < static_cast<Eigen::Index>(names.size()); ++r) {
      for (Eigen::Index c = 0; c <= r; ++c) {
        spec.omega(offset + r, offset + c) = values[v];
        spec.omega(offset + c, offset + r) = values[v++];
      }
    }
    spec.etas.insert(spec.etas.end(), names.begin(), names.end());
    offset += static_cast<Eigen::Index>(names.size());
  }
  return spec;
}

core::Result<nlme::ResidualError> parse_sigma(const std::vector<std::string>& items) {
  nlme::ResidualError sigma;
  bool prop = false;
  bool add = false;
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    const std::string key = core::ascii_upper(trim(std::string_view(item).substr(0, eq)));
    if (eq == std::string::npos || (key != "PROP" && key != "ADD")) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--sigma: \"{}\" must be prop=VARIANCE or add=VARIANCE",
                        core::excerpt(item));
    }
    bool& seen = key == "PROP" ? prop : add;
    if (seen) {
      return core::fail(core::ErrorCode::InvalidArgument, "--sigma: {} is given twice",
                        key == "PROP" ? "prop" : "add");
    }
    seen = true;
    const double v = KETAPATH_TRY(
        parse_number(item.substr(eq + 1), key == "PROP" ? "--sigma prop" : "--sigma add"));
    (key == "PROP" ? sigma.proportional_variance : sigma.additive_variance) = v;
  }
  return sigma;
}

void add_model_options(CLI::App& app, PopulationOptions& options) {
  app.add_option("--model", options.model,
                 "Catalogue model name, e.g. two_cmt (`ketapath models`)");
  app.add_option("--model-file", options.model_file,
                 "A user model file (TOML with THETAs, OMEGA, SIGMA and $PK/$DES code; "
                 "docs/user-models.md), instead of --model")
      ->check(CLI::ExistingFile);
  app.add_option("--param", options.params,
                 "With --model: parameter NAME=VALUE in data units (repeat, or separate with "
                 "commas): the model's own (CL, V, ...) and optionally F<n>, ALAG<n>, R<n>, D<n>, "
                 "KE0")
      ->delimiter(',');
}

namespace {

core::Result<std::unique_ptr<nlme::PopulationModel>> build_model(const PopulationOptions& options) {
  jobs::PopulationModelSpec spec{.model = options.model,
                                 .model_file = options.model_file,
                                 .parameters = std::nullopt,
                                 .omega = std::nullopt,
                                 .sigma = std::nullopt};
  if (options.model.empty() || !options.model_file.empty() || options.params.empty()) {
    // jobs::population_model refuses these (both or neither model, --param missing, or given
    // beside a model file) before it reads a value: only whether each option was given counts.
    if (!options.params.empty()) {
      spec.parameters.emplace();
    }
    if (!options.omega.empty()) {
      spec.omega.emplace();
    }
    if (!options.sigma.empty()) {
      spec.sigma.emplace();
    }
    return jobs::population_model(spec, {});
  }
  // A catalogue model: the name first, then the values, in the order the messages always came.
  KETAPATH_TRY(jobs::find_catalogue_model(options.model));
  spec.omega = KETAPATH_TRY(parse_omega(options.omega));
  spec.parameters = KETAPATH_TRY(parse_parameters(options.params));
  spec.sigma = KETAPATH_TRY(parse_sigma(options.sigma));
  return jobs::population_model(spec, {});
}

}  // namespace

core::Result<std::unique_ptr<nlme::PopulationModel>> population_model(
    const PopulationOptions& options) {
  auto model = KETAPATH_TRY(build_model(options));
  if (const std::string note = jobs::model_note(*model); !note.empty())
    fmt::print(stderr, "note: {}\n", note);
  return model;
}

core::Result<double> parse_number(std::string_view text, std::string_view what) {
  double value = 0.0;
  if (!core::parse_decimal(text, value)) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: \"{}\" is not a number", what,
                      core::excerpt(text));
  }
  return value;
}

}  // namespace ketapath::cli
