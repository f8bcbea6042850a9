// TOML model files: parsing with per-key error messages, unit conversion at the edge, `base`
// inheritance, and bundled-file lookup.

#include "io/model_file.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"
#include "io/model_scales.h"
#include "io/model_uncertainty.h"
#include "io/parameter_units.h"
#include "pd/typical_uncertainty.h"

namespace ketapath::io {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxBaseDepth = 8;

struct Parsed {
  pd::KetamineModel model;
  std::vector<bool> present;  // per parameter id: given in this file or a base
  // Variability by parameter (nullopt: none).
  std::vector<std::optional<pd::EtaSpec>> eta_by_parameter;

  struct NamedCorrelation {
    pd::ParameterId a;
    pd::ParameterId b;
    double r;
  };

  std::vector<NamedCorrelation> correlations;
  std::vector<pd::ScaleDefinition> scales;  // as given in this file or a base ([[scales]])
};

using detail::describe;

core::Result<double> number(const toml::node& node, std::string_view origin, std::string_view key) {
  if (const auto* f = node.as_floating_point()) {
    return f->get();
  }
  if (const auto* i = node.as_integer()) {
    return static_cast<double>(i->get());
  }
  return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a number (got {})", origin, key,
                    describe(node));
}

core::Result<std::string> text(const toml::node& node, std::string_view origin,
                               std::string_view key) {
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a string (got {})", origin, key,
                    describe(node));
}

core::Result<Parsed> parse_parsed(std::string_view text_in, std::string_view origin,
                                  const DataDirectories& dirs, int depth);

core::Result<Parsed> load_parsed(const fs::path& path, const DataDirectories& dirs, int depth) {
  const std::string content =
      KETAPATH_TRY(core::read_text_file(path, core::limits::kMaxTomlFileBytes, "a model file"));
  return parse_parsed(content, path.string(), dirs, depth);
}

core::Status parse_parameter(Parsed& parsed, std::string_view origin, std::string_view name,
                             const toml::node& node) {
  const std::string where = fmt::format("parameters.{}", name);
  const auto id = pd::find_parameter(name);
  if (!id) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}: unknown parameter \"{}\" (see docs/model.md for the names)", origin,
                      where, name);
  }
  const auto* table = node.as_table();
  if (table == nullptr) {
    return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a table (got {})", origin,
                      where, describe(node));
  }
  const auto& info = pd::parameter_info(*id);
  std::optional<double> value;
  std::optional<std::string> unit;
  std::optional<double> cv;
  pd::EtaTransform transform = pd::EtaTransform::LogNormal;
  pd::ParameterSource source;
  for (const auto& [key_node, child] : *table) {
    const std::string_view key = key_node.str();
    const std::string full = fmt::format("{}.{}", where, key);
    if (key == "value") {
      value = KETAPATH_TRY(number(child, origin, full));
    } else if (key == "unit") {
      unit = KETAPATH_TRY(text(child, origin, full));
    } else if (key == "cv") {
      cv = KETAPATH_TRY(number(child, origin, full));
      KETAPATH_TRY(core::check_range(fmt::format("{}: {}", origin, full), *cv, "",
                                     core::non_negative(), core::ErrorCode::InvalidData));
    } else if (key == "transform") {
      const std::string t = KETAPATH_TRY(text(child, origin, full));
      if (t == "lognormal") {
        transform = pd::EtaTransform::LogNormal;
      } else if (t == "logit") {
        transform = pd::EtaTransform::LogitNormal;
      } else if (t == "additive") {
        transform = pd::EtaTransform::Additive;
      } else {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: {}: must be \"lognormal\", \"logit\" or \"additive\" (got \"{}\")",
                          origin, full, t);
      }
    } else if (key == "source") {
      source.citation = KETAPATH_TRY(text(child, origin, full));
    } else if (key == "evidence") {
      source.evidence = KETAPATH_TRY(text(child, origin, full));
      if (source.evidence != "verified" && source.evidence != "estimated") {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: {}: must be \"verified\" or \"estimated\" (got \"{}\")", origin,
                          full, source.evidence);
      }
    } else if (key == "how") {
      source.how = KETAPATH_TRY(text(child, origin, full));
    } else {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: {}: unknown key (expected value, unit, cv, transform, source, "
                        "evidence, how)",
                        origin, full);
    }
  }
  if (!value) {
    return core::fail(core::ErrorCode::InvalidData, "{}: {}.value: missing", origin, where);
  }
  if (!unit) {
    return core::fail(core::ErrorCode::InvalidData, "{}: {}.unit: missing (expected \"{}\")",
                      origin, where, info.unit);
  }
  const auto factor = unit_factor(info.unit, *unit);
  if (!factor) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}.unit: \"{}\" is not a unit of {} (expected \"{}\")", origin, where,
                      *unit, name, info.unit);
  }
  if (source.citation.empty() || source.evidence.empty()) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}: needs `source` and `evidence` (every value must be traceable)",
                      origin, where);
  }
  if (source.evidence == "estimated" && source.how.empty()) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}.how: missing (an estimated value must say how it was obtained)",
                      origin, where);
  }
  if (transform == pd::EtaTransform::LogitNormal && !(*value > 0.0 && *value < 1.0)) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}.value: a logit-normal parameter must lie in (0, 1) (got {})", origin,
                      where, *value);
  }
  const auto index = static_cast<std::size_t>(*id);
  pd::set_parameter(parsed.model.typical, *id, *value * *factor);
  parsed.present[index] = true;
  if (cv && *cv > 0.0 && pd::is_fraction(*id) && transform != pd::EtaTransform::LogitNormal) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: {}.transform: {} is a fraction, so its variability must be \"logit\" "
                      "(got cv {} without it)",
                      origin, where, name, *cv);
  }
  if (cv) {
    const double scaled = transform == pd::EtaTransform::Additive ? *cv * *factor : *cv;
    parsed.eta_by_parameter[index] = pd::EtaSpec{*id, transform, scaled};
  }
  auto existing = std::find_if(parsed.model.sources.begin(), parsed.model.sources.end(),
                               [&](const auto& s) { return s.first == *id; });
  if (existing != parsed.model.sources.end()) {
    existing->second = source;
  } else {
    parsed.model.sources.emplace_back(*id, source);
  }
  return {};
}

core::Result<Parsed> parse_parsed(std::string_view text_in, std::string_view origin,
                                  const DataDirectories& dirs, int depth) {
  toml::table root;
  try {
    root = toml::parse(text_in, origin);
  } catch (const toml::parse_error& e) {
    return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}", origin, e.source().begin.line,
                      e.description());
  }
  const std::size_t count = pd::parameter_table().size();
  Parsed parsed;
  parsed.present.assign(count, false);
  parsed.eta_by_parameter.assign(count, std::nullopt);
  for (const auto& [key_node, child] : root) {
    const std::string_view key = key_node.str();
    if (key != "model" && key != "parameters" && key != "correlations" && key != "scales" &&
        key != "uncertainty") {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: {}: unknown table (expected model, parameters, correlations, scales, "
                        "uncertainty)",
                        origin, key);
    }
  }
  const auto* model = root["model"].as_table();
  if (model == nullptr) {
    return core::fail(core::ErrorCode::InvalidData, "{}: model: missing [model] table", origin);
  }
  std::string name;
  std::string description;
  std::optional<std::string> base;
  for (const auto& [key_node, child] : *model) {
    const std::string_view key = key_node.str();
    const std::string full = fmt::format("model.{}", key);
    if (key == "name") {
      name = KETAPATH_TRY(text(child, origin, full));
    } else if (key == "description") {
      description = KETAPATH_TRY(text(child, origin, full));
    } else if (key == "base") {
      base = KETAPATH_TRY(text(child, origin, full));
    } else {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: {}: unknown key (expected name, description, base)", origin, full);
    }
  }
  if (name.empty()) {
    return core::fail(core::ErrorCode::InvalidData, "{}: model.name: missing", origin);
  }
  if (base) {
    if (depth >= kMaxBaseDepth) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: model.base: \"{}\" nests more than {} levels (a cycle?)", origin,
                        *base, kMaxBaseDepth);
    }
    auto path = resolve_data_file(*base, "models", dirs);
    if (!path) {
      return std::unexpected(
          core::with_context(path.error(), fmt::format("{}: model.base", origin)));
    }
    parsed = KETAPATH_TRY(load_parsed(*path, dirs, depth + 1));
  }
  parsed.model.name = name;
  parsed.model.description = description;

  if (const auto* parameters = root["parameters"].as_table()) {
    for (const auto& [key_node, child] : *parameters) {
      KETAPATH_TRY(parse_parameter(parsed, origin, key_node.str(), child));
    }
  } else if (root.contains("parameters")) {
    return core::fail(core::ErrorCode::InvalidData, "{}: parameters: must be a table", origin);
  }
  if (const auto* scales = root.get("scales")) {
    KETAPATH_TRY(detail::read_scales(*scales, origin, parsed.scales));
  }
  if (const auto* uncertainty = root.get("uncertainty")) {
    // A file's own [uncertainty] replaces an inherited one as a whole.
    parsed.model.uncertainty = KETAPATH_TRY(detail::read_uncertainty(*uncertainty, origin));
  }
  if (root.contains("correlations")) {
    const auto* list = root["correlations"].as_array();
    if (list == nullptr) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: correlations: must be an array of tables ([[correlations]])", origin);
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string where = fmt::format("correlations[{}]", i);
      const auto* entry = list->get(i)->as_table();
      if (entry == nullptr) {
        return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a table", origin, where);
      }
      std::optional<pd::ParameterId> a;
      std::optional<pd::ParameterId> b;
      std::optional<double> r;
      for (const auto& [key_node, child] : *entry) {
        const std::string_view key = key_node.str();
        const std::string full = fmt::format("{}.{}", where, key);
        if (key == "a" || key == "b") {
          const std::string pname = KETAPATH_TRY(text(child, origin, full));
          const auto id = pd::find_parameter(pname);
          if (!id) {
            return core::fail(core::ErrorCode::InvalidData, "{}: {}: unknown parameter \"{}\"",
                              origin, full, pname);
          }
          (key == "a" ? a : b) = id;
        } else if (key == "r") {
          r = KETAPATH_TRY(number(child, origin, full));
        } else if (key == "source") {
          (void)KETAPATH_TRY(text(child, origin, full));
        } else {
          return core::fail(core::ErrorCode::InvalidData,
                            "{}: {}: unknown key (expected a, b, r, source)", origin, full);
        }
      }
      if (!a || !b || !r) {
        return core::fail(core::ErrorCode::InvalidData, "{}: {}: needs a, b and r", origin, where);
      }
      if (!(std::abs(*r) < 1.0)) {
        return core::fail(core::ErrorCode::InvalidData, "{}: {}.r: must lie in (-1, 1) (got {})",
                          origin, where, *r);
      }
      // A later correlation of the same pair replaces an earlier (or inherited) one.
      std::erase_if(parsed.correlations, [&](const Parsed::NamedCorrelation& c) {
        return (c.a == *a && c.b == *b) || (c.a == *b && c.b == *a);
      });
      parsed.correlations.push_back({*a, *b, *r});
    }
  }
  return parsed;
}

core::Result<pd::KetamineModel> finish(Parsed parsed, std::string_view origin) {
  const auto table = pd::parameter_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!parsed.present[i]) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: parameters.{}: missing (a model without `base` must give every "
                        "parameter)",
                        origin, table[i].name);
    }
  }
  pd::KetamineModel& model = parsed.model;
  model.scales = KETAPATH_TRY(detail::finish_scales(std::move(parsed.scales), origin));
  if (auto ok = pd::validate(model.typical); !ok) {
    return std::unexpected(core::with_context(ok.error(), origin));
  }
  model.etas.clear();
  std::vector<std::ptrdiff_t> index_of(table.size(), -1);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (parsed.eta_by_parameter[i]) {
      index_of[i] = static_cast<std::ptrdiff_t>(model.etas.size());
      model.etas.push_back(*parsed.eta_by_parameter[i]);
    }
  }
  model.correlations.clear();
  for (const auto& c : parsed.correlations) {
    const auto ia = index_of[static_cast<std::size_t>(c.a)];
    const auto ib = index_of[static_cast<std::size_t>(c.b)];
    if (ia < 0 || ib < 0) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: correlations: {} and {} both need a `cv` to be correlated", origin,
                        pd::parameter_info(c.a).name, pd::parameter_info(c.b).name);
    }
    model.correlations.push_back({static_cast<std::size_t>(ia), static_cast<std::size_t>(ib), c.r});
  }
  auto omega = pd::build_omega(model.typical, model.etas, model.correlations);
  if (!omega) {
    return std::unexpected(core::with_context(omega.error(), origin));
  }
  model.omega = std::move(*omega);
  if (model.uncertainty) {
    if (auto ok = pd::validate(*model.uncertainty, model.typical); !ok) {
      return std::unexpected(core::with_context(ok.error(), origin));
    }
  }
  std::sort(model.sources.begin(), model.sources.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  return std::move(model);
}

}  // namespace

DataDirectories DataDirectories::from(std::optional<fs::path> data_dir,
                                      std::optional<fs::path> environment,
                                      std::optional<fs::path> install_share,
                                      std::optional<fs::path> source_tree) {
  DataDirectories dirs;
  for (auto& d : {data_dir, environment, install_share, source_tree}) {
    if (d && !d->empty()) {
      dirs.directories.push_back(*d);
    }
  }
  return dirs;
}

DataDirectories DataDirectories::standard(std::optional<fs::path> data_dir, fs::path source_tree) {
  std::optional<fs::path> environment;
  if (const char* env = std::getenv("KETAPATH_DATA"); env != nullptr && *env != '\0') {
    environment = fs::path(env);
  }
  std::optional<fs::path> install_share;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) {
    install_share = exe.parent_path().parent_path() / "share" / "ketapath";
  }
  return from(std::move(data_dir), std::move(environment), std::move(install_share),
              std::move(source_tree));
}

core::Result<fs::path> resolve_data_file(std::string_view name_or_path, std::string_view kind,
                                         const DataDirectories& dirs) {
  const fs::path given{std::string(name_or_path)};
  std::error_code ec;
  const bool looks_like_path =
      name_or_path.find('/') != std::string_view::npos || given.extension() == ".toml";
  if (looks_like_path || fs::is_regular_file(given, ec)) {
    if (fs::is_regular_file(given, ec)) {
      return given;
    }
    return core::fail(core::ErrorCode::NotFound, "{}: no such file", name_or_path);
  }
  if (name_or_path.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: the name is empty", kind);
  }
  std::string tried;
  for (const auto& dir : dirs.directories) {
    const fs::path candidate = dir / std::string(kind) / (std::string(name_or_path) + ".toml");
    if (fs::is_regular_file(candidate, ec)) {
      return candidate;
    }
    tried += tried.empty() ? "" : ", ";
    tried += candidate.string();
  }
  return core::fail(core::ErrorCode::NotFound, "{} \"{}\": not found (looked in: {})", kind,
                    name_or_path, tried.empty() ? "no data directories" : tried);
}

core::Result<pd::KetamineModel> parse_model(std::string_view text_in, std::string_view origin,
                                            const DataDirectories& dirs) {
  Parsed parsed = KETAPATH_TRY(parse_parsed(text_in, origin, dirs, 0));
  return finish(std::move(parsed), origin);
}

core::Result<pd::KetamineModel> load_model_file(const fs::path& path, const DataDirectories& dirs) {
  Parsed parsed = KETAPATH_TRY(load_parsed(path, dirs, 0));
  return finish(std::move(parsed), path.string());
}

core::Result<pd::KetamineModel> load_model(std::string_view name_or_path,
                                           const DataDirectories& dirs) {
  const fs::path path = KETAPATH_TRY(resolve_data_file(name_or_path, "models", dirs));
  return load_model_file(path, dirs);
}

}  // namespace ketapath::io
