// [[scales]] in model files: one table per scale, checked field by field.

#include "io/model_scales.h"

#include <algorithm>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "core/check.h"
#include "core/text.h"
#include "pd/ketamine_model.h"

namespace ketapath::io::detail {

std::string describe(const toml::node& node) {
  std::ostringstream out;
  if (const auto* s = node.as_string()) {
    out << '"' << s->get() << '"';
  } else {
    node.visit([&out](const auto& v) {
      if constexpr (toml::is_value<decltype(v)>) {
        out << v;
      } else {
        out << (toml::is_table<decltype(v)> ? "a table" : "an array");
      }
    });
  }
  return out.str();
}

namespace {

constexpr std::string_view kKeys =
    "name, label, record_name, rater, continuous, items, item_range, range, loinc, recall_days, "
    "rates, sensitivity, noise_sd, placebo, baseline, source, evidence, how";

// One scale table being read: the file and "scales[i] (name)" for every message.
struct Reader {
  std::string_view origin;
  std::string where;

  [[nodiscard]] std::string field(std::string_view key) const {
    return fmt::format("{}: {}.{}", origin, where, key);
  }

  template <class... Args>
  [[nodiscard]] core::Error error(std::string_view key, fmt::format_string<Args...> f,
                                  Args&&... args) const {
    return core::Error{
        core::ErrorCode::InvalidData,
        fmt::format("{}: {}", field(key), fmt::format(f, std::forward<Args>(args)...))};
  }

  [[nodiscard]] core::Result<double> number(const toml::node& node, std::string_view key) const {
    if (const auto* f = node.as_floating_point()) {
      return f->get();
    }
    if (const auto* i = node.as_integer()) {
      return static_cast<double>(i->get());
    }
    return std::unexpected(error(key, "must be a number (got {})", describe(node)));
  }

  [[nodiscard]] core::Result<int> whole(const toml::node& node, std::string_view key) const {
    if (const auto* i = node.as_integer()) {
      if (i->get() >= -1'000'000 && i->get() <= 1'000'000) {
        return static_cast<int>(i->get());
      }
    }
    return std::unexpected(
        error(key, "must be a whole number within +-1000000 (got {})", describe(node)));
  }

  [[nodiscard]] core::Result<std::string> text(const toml::node& node, std::string_view key) const {
    if (const auto* s = node.as_string()) {
      return s->get();
    }
    return std::unexpected(error(key, "must be a string (got {})", describe(node)));
  }

  [[nodiscard]] core::Result<bool> boolean(const toml::node& node, std::string_view key) const {
    if (const auto* b = node.as_boolean()) {
      return b->get();
    }
    return std::unexpected(error(key, "must be true or false (got {})", describe(node)));
  }

  // [low, high] of whole numbers with low < high.
  [[nodiscard]] core::Result<std::pair<int, int>> pair(const toml::node& node,
                                                       std::string_view key) const {
    const auto* a = node.as_array();
    if (a == nullptr || a->size() != 2 || !a->get(0)->is_integer() || !a->get(1)->is_integer()) {
      return std::unexpected(
          error(key, "must be [low, high], two whole numbers (got {})", describe(node)));
    }
    const int low = KETAPATH_TRY(whole(*a->get(0), key));
    const int high = KETAPATH_TRY(whole(*a->get(1), key));
    if (!(low < high)) {
      return std::unexpected(
          error(key, "must be [low, high] with low < high (got [{}, {}])", low, high));
    }
    return std::pair{low, high};
  }

  // A parameter name (its unit must be `unit`) or a number in `range`.
  [[nodiscard]] core::Result<pd::ScaleValue> value(const toml::node& node, std::string_view key,
                                                   std::string_view unit,
                                                   const core::Range& range) const {
    if (const auto* s = node.as_string()) {
      const auto id = pd::find_parameter(s->get());
      if (!id) {
        return std::unexpected(error(
            key, "\"{}\" is not a model parameter (give a parameter name or a number)", s->get()));
      }
      if (pd::parameter_info(*id).unit != unit) {
        return std::unexpected(error(key, "parameter {} has unit \"{}\" (expected \"{}\")",
                                     s->get(), pd::parameter_info(*id).unit, unit));
      }
      return pd::ScaleValue{*id, 0.0};
    }
    const double v = KETAPATH_TRY(number(node, key));
    KETAPATH_TRY(core::check_range(field(key), v, unit == "1" ? "" : unit, range,
                                   core::ErrorCode::InvalidData));
    return pd::ScaleValue{std::nullopt, v};
  }

  [[nodiscard]] core::Result<pd::ScaleBaseline> baseline(const toml::node& node) const {
    const auto* t = node.as_table();
    if (t == nullptr) {
      return std::unexpected(
          error("baseline", "must be a table {{mean, sd, min, max}} (got {})", describe(node)));
    }
    pd::ScaleBaseline b;
    int seen = 0;
    for (const auto& [k, child] : *t) {
      const std::string key = fmt::format("baseline.{}", k.str());
      const double v = KETAPATH_TRY(number(child, key));
      if (k.str() == "mean") {
        b.mean = v;
      } else if (k.str() == "sd") {
        b.sd = v;
        KETAPATH_TRY(core::check_range(field(key), v, "points", core::positive(),
                                       core::ErrorCode::InvalidData));
      } else if (k.str() == "min") {
        b.min = v;
      } else if (k.str() == "max") {
        b.max = v;
      } else {
        return std::unexpected(error(key, "unknown key (expected mean, sd, min, max)"));
      }
      ++seen;
    }
    if (seen != 4) {
      return std::unexpected(error("baseline", "needs mean, sd, min and max"));
    }
    return b;
  }
};

// The parts of one table before they are checked together.
struct Fields {
  std::optional<std::string> name, label, record_name, rater, rates, evidence, how, source;
  std::optional<bool> continuous;
  std::optional<int> items, recall_days;
  std::optional<std::pair<int, int>> item_range, range;
  std::string loinc;
  const toml::node* sensitivity = nullptr;
  const toml::node* noise_sd = nullptr;
  std::optional<double> placebo;
  std::optional<pd::ScaleBaseline> baseline;
};

core::Result<Fields> read_fields(const toml::table& t, const Reader& r) {
  Fields f;
  for (const auto& [key_node, child] : t) {
    const std::string_view key = key_node.str();
    if (key == "name") {
      f.name = KETAPATH_TRY(r.text(child, key));
    } else if (key == "label") {
      f.label = KETAPATH_TRY(r.text(child, key));
    } else if (key == "record_name") {
      f.record_name = KETAPATH_TRY(r.text(child, key));
    } else if (key == "rater") {
      f.rater = KETAPATH_TRY(r.text(child, key));
    } else if (key == "continuous") {
      f.continuous = KETAPATH_TRY(r.boolean(child, key));
    } else if (key == "items") {
      f.items = KETAPATH_TRY(r.whole(child, key));
    } else if (key == "item_range") {
      f.item_range = KETAPATH_TRY(r.pair(child, key));
    } else if (key == "range") {
      f.range = KETAPATH_TRY(r.pair(child, key));
    } else if (key == "loinc") {
      f.loinc = KETAPATH_TRY(r.text(child, key));
    } else if (key == "recall_days") {
      f.recall_days = KETAPATH_TRY(r.whole(child, key));
    } else if (key == "rates") {
      f.rates = KETAPATH_TRY(r.text(child, key));
    } else if (key == "sensitivity") {
      f.sensitivity = &child;
    } else if (key == "noise_sd") {
      f.noise_sd = &child;
    } else if (key == "placebo") {
      f.placebo = KETAPATH_TRY(r.number(child, key));
    } else if (key == "baseline") {
      f.baseline = KETAPATH_TRY(r.baseline(child));
    } else if (key == "source") {
      f.source = KETAPATH_TRY(r.text(child, key));
    } else if (key == "evidence") {
      f.evidence = KETAPATH_TRY(r.text(child, key));
    } else if (key == "how") {
      f.how = KETAPATH_TRY(r.text(child, key));
    } else {
      return std::unexpected(r.error(key, "unknown key (expected {})", kKeys));
    }
  }
  return f;
}

// Identity, rater and range.
core::Status instrument(const Fields& f, const Reader& r, pd::ScaleDefinition& d) {
  if (!f.label || f.label->empty()) {
    return std::unexpected(r.error("label", "missing (the published abbreviation)"));
  }
  d.label = *f.label;
  d.record_name = f.record_name ? *f.record_name : core::ascii_lower(*f.label);
  if (!f.rater) {
    return std::unexpected(r.error("rater", "missing (\"clinician\" or \"self\")"));
  }
  if (*f.rater != "clinician" && *f.rater != "self") {
    return std::unexpected(
        r.error("rater", "must be \"clinician\" or \"self\" (got \"{}\")", *f.rater));
  }
  d.rater = *f.rater == "self" ? pd::Rater::Self : pd::Rater::Clinician;
  d.continuous = f.continuous.value_or(false);
  d.loinc_total = f.loinc;
  d.recall_days = f.recall_days.value_or(0);
  KETAPATH_TRY(core::check_count(r.field("recall_days"), d.recall_days, "d", 0, 365,
                                 core::ErrorCode::InvalidData));
  if (d.continuous) {
    if (f.items || f.item_range) {
      return std::unexpected(r.error(f.items ? "items" : "item_range",
                                     "a continuous scale has no items (drop the key)"));
    }
    if (!f.range) {
      return std::unexpected(r.error("range", "missing (a continuous scale needs [low, high])"));
    }
    d.total_min = f.range->first;
    d.total_max = f.range->second;
    return {};
  }
  if (!f.items || !f.item_range) {
    return std::unexpected(r.error(f.items ? "item_range" : "items",
                                   "missing (an itemised scale needs items and item_range; a "
                                   "visual-analogue scale says continuous = true)"));
  }
  KETAPATH_TRY(
      core::check_count(r.field("items"), *f.items, "", 1, 1000, core::ErrorCode::InvalidData));
  d.items = *f.items;
  d.item_min = f.item_range->first;
  d.item_max = f.item_range->second;
  d.total_min = d.items * d.item_min;
  d.total_max = d.items * d.item_max;
  if (f.range && (f.range->first != d.total_min || f.range->second != d.total_max)) {
    return std::unexpected(
        r.error("range", "must be [{}, {}] ({} items x item_range; got [{}, {}])", d.total_min,
                d.total_max, d.items, f.range->first, f.range->second));
  }
  return {};
}

// How the model rates it.
core::Status model_mapping(const Fields& f, const Reader& r, pd::ScaleDefinition& d) {
  if (!f.rates) {
    return std::unexpected(r.error("rates", "missing (\"anxiolysis\", \"cadss\" or \"none\")"));
  }
  const std::string& rates = *f.rates;
  if (rates == "none") {
    const std::initializer_list<std::pair<bool, std::string_view>> given{
        {f.sensitivity != nullptr, "sensitivity"},
        {f.noise_sd != nullptr, "noise_sd"},
        {f.placebo.has_value(), "placebo"},
        {f.baseline.has_value(), "baseline"}};
    for (const auto& [present, key] : given) {
      if (present) {
        return std::unexpected(r.error(key, "a scale with rates = \"none\" has no model mapping"));
      }
    }
    d.model.reset();
    return {};
  }
  if (rates != "anxiolysis" && rates != "cadss") {
    return std::unexpected(
        r.error("rates", "must be \"anxiolysis\", \"cadss\" or \"none\" (got \"{}\")", rates));
  }
  pd::ScaleModel m;
  m.from_reduction = rates == "anxiolysis";
  if (m.from_reduction) {
    if (f.sensitivity == nullptr) {
      return std::unexpected(
          r.error("sensitivity", "missing (a parameter name or a number in (0, 5])"));
    }
    m.sensitivity = KETAPATH_TRY(r.value(*f.sensitivity, "sensitivity", "1",
                                         core::Range{.low = 0.0, .high = 5.0, .low_open = true}));
  } else if (f.sensitivity != nullptr) {
    return std::unexpected(
        r.error("sensitivity", "CADSS is the model's own output (drop the key)"));
  }
  if (f.noise_sd == nullptr) {
    return std::unexpected(r.error("noise_sd", "missing (a parameter name or points >= 0)"));
  }
  m.noise_sd = KETAPATH_TRY(r.value(*f.noise_sd, "noise_sd", "points", core::non_negative()));
  m.placebo = f.placebo.value_or(1.0);
  KETAPATH_TRY(core::check_range(r.field("placebo"), m.placebo, "",
                                 core::Range{.low = 0.0, .high = 10.0},
                                 core::ErrorCode::InvalidData));
  m.baseline = f.baseline;
  if (m.baseline) {
    if (!m.from_reduction) {
      return std::unexpected(r.error("baseline", "CADSS has no baseline (drop the key)"));
    }
    if (!(m.baseline->min < m.baseline->max) || m.baseline->min < d.total_min ||
        m.baseline->max > d.total_max) {
      return std::unexpected(r.error("baseline",
                                     "min < max within the range [{}, {}] (got min {}, max {})",
                                     d.total_min, d.total_max, m.baseline->min, m.baseline->max));
    }
  }
  d.model = m;
  return {};
}

core::Status provenance(const Fields& f, const Reader& r) {
  if (!f.source || f.source->empty()) {
    return std::unexpected(r.error("source", "missing (every scale must be traceable)"));
  }
  if (!f.evidence || (*f.evidence != "verified" && *f.evidence != "estimated")) {
    return std::unexpected(r.error("evidence", "must be \"verified\" or \"estimated\"{}",
                                   f.evidence ? fmt::format(" (got \"{}\")", *f.evidence) : ""));
  }
  if (*f.evidence == "estimated" && (!f.how || f.how->empty())) {
    return std::unexpected(
        r.error("how", "missing (an estimated scale must say how its numbers were obtained)"));
  }
  return {};
}

// The first field in which `d` differs from the built-in `b`, for the message.
std::string_view first_difference(const pd::ScaleDefinition& d, const pd::ScaleDefinition& b) {
  if (d.label != b.label)
    return "label";
  if (d.record_name != b.record_name)
    return "record_name";
  if (d.rater != b.rater)
    return "rater";
  if (d.continuous != b.continuous)
    return "continuous";
  if (d.items != b.items)
    return "items";
  if (d.item_min != b.item_min || d.item_max != b.item_max)
    return "item_range";
  if (d.total_min != b.total_min || d.total_max != b.total_max)
    return "range";
  if (d.loinc_total != b.loinc_total)
    return "loinc";
  if (d.recall_days != b.recall_days)
    return "recall_days";
  if (d.model.has_value() != b.model.has_value())
    return "rates";
  if (d.model) {
    if (d.model->from_reduction != b.model->from_reduction)
      return "rates";
    if (d.model->sensitivity != b.model->sensitivity)
      return "sensitivity";
    if (d.model->noise_sd != b.model->noise_sd)
      return "noise_sd";
    if (d.model->placebo != b.model->placebo)
      return "placebo";
    if (d.model->baseline != b.model->baseline)
      return "baseline";
  }
  return "";
}

core::Result<pd::ScaleDefinition> read_scale(const toml::node& node, std::string_view origin,
                                             std::size_t index) {
  Reader r{origin, fmt::format("scales[{}]", index)};
  const auto* t = node.as_table();
  if (t == nullptr) {
    return core::fail(core::ErrorCode::InvalidData, "{}: {}: must be a table ([[scales]])", origin,
                      r.where);
  }
  if (const auto* given = t->get("name"); given != nullptr && given->is_string()) {
    r.where = fmt::format("scales[{}] ({})", index, given->as_string()->get());
  }
  Fields f = KETAPATH_TRY(read_fields(*t, r));
  if (!f.name) {
    return std::unexpected(r.error("name", "missing"));
  }
  const std::string& name = *f.name;
  if (name.empty() || !std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      })) {
    return std::unexpected(
        r.error("name", "must be lower-case letters, digits and _ (got \"{}\")", name));
  }
  r.where = fmt::format("scales[{}] ({})", index, name);
  pd::ScaleDefinition d;
  d.name = name;
  KETAPATH_TRY(instrument(f, r, d));
  KETAPATH_TRY(model_mapping(f, r, d));
  KETAPATH_TRY(provenance(f, r));
  return d;
}

}  // namespace

core::Status read_scales(const toml::node& node, std::string_view origin,
                         std::vector<pd::ScaleDefinition>& scales) {
  const auto* list = node.as_array();
  if (list == nullptr) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: scales: must be an array of tables ([[scales]])", origin);
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    pd::ScaleDefinition d = KETAPATH_TRY(read_scale(*list->get(i), origin, i));
    const auto builtin =
        std::ranges::find(pd::scale_definitions(), d.name, &pd::ScaleDefinition::name);
    if (builtin != pd::scale_definitions().end()) {
      d.scale = builtin->scale;
      if (d != *builtin) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: scales[{}] ({}).{}: differs from the clinic's {} (its scales are "
                          "fixed instruments; define a scale under a new name instead)",
                          origin, i, d.name, first_difference(d, *builtin), builtin->label);
      }
    }
    for (const pd::ScaleDefinition& other : scales) {
      if (other.name != d.name && (other.record_name == d.record_name ||
                                   core::ascii_lower(other.label) == core::ascii_lower(d.label))) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: scales[{}] ({}).record_name: \"{}\" / label \"{}\" is already "
                          "scale {}'s",
                          origin, i, d.name, d.record_name, d.label, other.name);
      }
    }
    auto same = std::ranges::find(scales, d.name, &pd::ScaleDefinition::name);
    if (same != scales.end()) {
      d.scale = same->scale;
      *same = std::move(d);
      continue;
    }
    if (builtin == pd::scale_definitions().end()) {
      const auto own = static_cast<std::size_t>(std::ranges::count_if(
          scales, [](const pd::ScaleDefinition& s) { return !pd::is_builtin_scale(s.scale); }));
      if (pd::kScaleCount + own >= pd::kMaxModelScales) {
        return core::fail(core::ErrorCode::InvalidData, "{}: scales[{}] ({}): more than {} scales",
                          origin, i, d.name, pd::kMaxModelScales);
      }
      d.scale = static_cast<pd::Scale>(pd::kScaleCount + own);
      if (d.model && d.model->from_reduction && !d.model->baseline) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: scales[{}] ({}).baseline: missing (virtual patients need an "
                          "untreated score {{mean, sd, min, max}} on a model file's own scale)",
                          origin, i, d.name);
      }
    }
    scales.push_back(std::move(d));
  }
  return {};
}

core::Result<std::vector<pd::ScaleDefinition>> finish_scales(
    std::vector<pd::ScaleDefinition> scales, std::string_view origin) {
  std::ranges::sort(scales, {},
                    [](const pd::ScaleDefinition& s) { return static_cast<std::size_t>(s.scale); });
  for (std::size_t i = 0; i < pd::kScaleCount; ++i) {
    if (i >= scales.size() || static_cast<std::size_t>(scales[i].scale) != i) {
      const pd::ScaleDefinition& missing = pd::scale_definitions()[i];
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: scales: {} missing (a model without `base` must define the clinic's "
                        "scales ham_a, fq, gad7, lsas, cadss, phq9)",
                        origin, missing.name);
    }
  }
  return scales;
}

}  // namespace ketapath::io::detail
