#include "io/design_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"
#include "io/design_file_reader.h"
#include "io/model_file.h"
#include "protocol/schedule.h"

namespace ketapath::io {
namespace {

using detail::TableReader;

core::Status read_distribution(TableReader& parent, std::string_view key,
                               population::TruncatedNormal& d) {
  const toml::table* t = KETAPATH_TRY(parent.table(key));
  if (t == nullptr) {
    return {};
  }
  TableReader r(*t, parent.origin(), parent.key_path(key), parent.scales());
  d.mean = KETAPATH_TRY(r.number_or("mean", d.mean));
  d.sd = KETAPATH_TRY(r.number_or("sd", d.sd));
  d.min = KETAPATH_TRY(r.number_or("min", d.min));
  d.max = KETAPATH_TRY(r.number_or("max", d.max));
  return r.finish();
}

core::Result<population::PopulationSpec> parse_population(TableReader& root) {
  population::PopulationSpec spec;
  const toml::table* t = KETAPATH_TRY(root.table("population"));
  if (t == nullptr) {
    return spec;
  }
  TableReader r(*t, root.origin(), "population", root.scales());
  KETAPATH_TRY(read_distribution(r, "weight_kg", spec.weight_kg));
  KETAPATH_TRY(read_distribution(r, "age_years", spec.age_years));
  spec.female_fraction = KETAPATH_TRY(r.number_or("female_fraction", spec.female_fraction));
  spec.hypertension_fraction =
      KETAPATH_TRY(r.number_or("hypertension_fraction", spec.hypertension_fraction));
  spec.p_gad_only = KETAPATH_TRY(r.number_or("gad_only", spec.p_gad_only));
  spec.p_sad_only = KETAPATH_TRY(r.number_or("sad_only", spec.p_sad_only));
  spec.p_both = KETAPATH_TRY(r.number_or("both", spec.p_both));
  spec.ham_a_entry = KETAPATH_TRY(r.number_or("ham_a_entry", spec.ham_a_entry));
  spec.lsas_entry = KETAPATH_TRY(r.number_or("lsas_entry", spec.lsas_entry));
  if (const auto screening = KETAPATH_TRY(r.text("screening"))) {
    if (*screening != "exact" && *screening != "noisy") {
      return std::unexpected(
          r.error("screening", fmt::format("expected \"exact\" (entry on the true severity) or "
                                           "\"noisy\" (on a noisy screening rating), got \"{}\"",
                                           *screening)));
    }
    spec.noisy_screening = *screening == "noisy";
  }
  KETAPATH_TRY(read_distribution(r, "ham_a", spec.ham_a));
  KETAPATH_TRY(read_distribution(r, "fq", spec.fq));
  KETAPATH_TRY(read_distribution(r, "gad7", spec.gad7));
  KETAPATH_TRY(read_distribution(r, "lsas", spec.lsas));
  KETAPATH_TRY(r.finish());
  if (auto ok = spec.validate(); !ok) {
    return std::unexpected(
        core::Error{core::ErrorCode::InvalidData,
                    fmt::format("{}: population: {}", root.origin(), ok.error().message)});
  }
  return spec;
}

// A value beyond a documented limit (core/limits.h) is refused (exit 3), a negative one malformed.
core::Status bounded(TableReader& r, std::string_view key, double value, std::string_view unit,
                     double limit) {
  if (!(value >= 0.0)) {
    return std::unexpected(
        r.error(key, core::range_message("value", value, unit, core::non_negative())));
  }
  if (value > limit) {
    core::Error e =
        r.error(key, core::range_message("value", value, unit, {.low = 0.0, .high = limit}));
    e.code = core::ErrorCode::LimitExceeded;
    return std::unexpected(e);
  }
  return {};
}

core::Result<std::vector<core::Hours>> hours_list(TableReader& r, std::string_view key) {
  std::vector<core::Hours> out;
  if (const auto values = KETAPATH_TRY(r.numbers(key))) {
    for (double v : *values) {
      KETAPATH_TRY(bounded(r, key, v, "h", core::limits::kMaxSimulatedHours));
      out.emplace_back(v);
    }
  }
  return out;
}

core::Result<trial::Assessments> parse_assessments(TableReader& root) {
  const toml::table* t = KETAPATH_TRY(root.table("assessments"));
  if (t == nullptr) {
    return std::unexpected(root.error("assessments", "is required"));
  }
  TableReader r(*t, root.origin(), "assessments", root.scales());
  trial::Assessments as;
  if (const auto scales = KETAPATH_TRY(r.texts("scales"))) {
    for (const std::string& name : *scales) {
      const pd::ScaleDefinition* found = KETAPATH_TRY(detail::anxiety_scale(r, "scales", name));
      as.scales.push_back(found->scale);
      as.definitions.push_back(*found);
    }
  }
  if (as.scales.empty()) {
    return std::unexpected(r.error("scales", "needs at least one anxiety scale"));
  }
  as.ratings = KETAPATH_TRY(hours_list(r, "ratings_h"));
  as.cadss = KETAPATH_TRY(hours_list(r, "cadss_h"));
  as.vitals = KETAPATH_TRY(hours_list(r, "vitals_h"));
  as.dropout_per_week = KETAPATH_TRY(r.number_or("dropout_per_week", 0.0));
  if (!(as.dropout_per_week >= 0.0 && as.dropout_per_week < 1.0)) {
    return std::unexpected(
        r.error("dropout_per_week",
                fmt::format("must be a probability in [0, 1) (got {})", as.dropout_per_week)));
  }
  const auto reading_sd = [&](const char* key) -> core::Result<double> {
    const double sd = KETAPATH_TRY(r.number_or(key, 0.0));
    if (!(sd >= 0.0 && sd <= 30.0)) {
      return std::unexpected(r.error(key, fmt::format("must be 0-30 (got {})", sd)));
    }
    return sd;
  };
  as.sbp_reading_sd = core::MillimetresOfMercury(KETAPATH_TRY(reading_sd("sbp_reading_sd_mmhg")));
  as.dbp_reading_sd = core::MillimetresOfMercury(KETAPATH_TRY(reading_sd("dbp_reading_sd_mmhg")));
  as.hr_reading_sd = core::BeatsPerMinute(KETAPATH_TRY(reading_sd("hr_reading_sd_bpm")));
  KETAPATH_TRY(r.finish());
  return as;
}

core::Result<protocol::Schedule> parse_schedule(TableReader& phase) {
  const toml::table* t = KETAPATH_TRY(phase.table("schedule"));
  if (t == nullptr) {
    return std::unexpected(phase.error("schedule", "is required"));
  }
  TableReader r(*t, phase.origin(), phase.key_path("schedule"), phase.scales());
  const auto times_h = KETAPATH_TRY(r.numbers("times_h"));
  const auto times_days = KETAPATH_TRY(r.numbers("times_days"));
  const auto length_h = KETAPATH_TRY(r.number("length_h"));
  const auto length_days = KETAPATH_TRY(r.number("length_days"));
  const auto every_h = KETAPATH_TRY(r.number("every_h"));
  const auto every_days = KETAPATH_TRY(r.number("every_days"));
  const auto count = KETAPATH_TRY(r.integer("count"));
  const auto per_week = KETAPATH_TRY(r.integer("per_week"));
  const auto weeks = KETAPATH_TRY(r.integer("weeks"));
  KETAPATH_TRY(r.finish());

  core::Result<protocol::Schedule> schedule = core::fail(
      core::ErrorCode::InvalidArgument,
      "use one form: times_h/times_days [+ length_h/length_days], every_h/every_days + count, "
      "per_week + weeks (weekly), or per_week + count (loading series)");
  const bool explicit_times = times_h || times_days;
  const bool interval = every_h || every_days;
  if (explicit_times && !(times_h && times_days) && !interval && !per_week && !count && !weeks) {
    std::vector<core::Hours> times;
    for (double v : times_h ? *times_h : *times_days) {
      times.emplace_back(times_h ? v : v * 24.0);
    }
    const double length = length_h ? *length_h : length_days ? *length_days * 24.0 : -1.0;
    schedule = protocol::explicit_schedule(std::move(times), core::Hours(length));
  } else if (interval && !(every_h && every_days) && count && !per_week && !weeks && !length_h &&
             !length_days) {
    schedule =
        protocol::interval_schedule(core::Hours(every_h ? *every_h : *every_days * 24.0), *count);
  } else if (per_week && weeks && !count && !length_h && !length_days) {
    schedule = protocol::weekly_schedule(*per_week, *weeks);
  } else if (per_week && count && !weeks && !length_h && !length_days) {
    schedule = protocol::loading_schedule(*count, *per_week);
  }
  if (!schedule) {
    core::Error e = phase.error("schedule", schedule.error().message);
    if (schedule.error().code == core::ErrorCode::LimitExceeded) {
      e.code = core::ErrorCode::LimitExceeded;  // refused by a size limit (exit 3), not malformed
    }
    return std::unexpected(std::move(e));
  }
  return schedule;
}

core::Result<protocol::Phase> parse_phase(const toml::table& table, std::string_view origin,
                                          std::string path) {
  TableReader r(table, origin, std::move(path), {});
  protocol::Phase phase;
  phase.label = KETAPATH_TRY(r.text("label")).value_or("");
  if (const auto agent = KETAPATH_TRY(r.text("agent"))) {
    auto parsed = protocol::parse_agent(*agent);
    if (!parsed) {
      return std::unexpected(r.error("agent", parsed.error().message));
    }
    phase.agent = *parsed;
  }
  const std::string route = KETAPATH_TRY(r.required_text("route"));
  auto parsed_route = protocol::parse_route(route);
  if (!parsed_route) {
    return std::unexpected(r.error("route", parsed_route.error().message));
  }
  phase.route = *parsed_route;
  int forms = 0;
  const double per_kg_limit = core::limits::kMaxModelDoseMgPerKg;
  const double mg_limit = core::limits::kMaxModelDoseMg;
  if (const auto v = KETAPATH_TRY(r.number("dose_mg_per_kg"))) {
    KETAPATH_TRY(bounded(r, "dose_mg_per_kg", *v, "mg/kg", per_kg_limit));
    phase.doses = {protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(*v))};
    ++forms;
  }
  if (const auto v = KETAPATH_TRY(r.number("dose_mg"))) {
    KETAPATH_TRY(bounded(r, "dose_mg", *v, "mg", mg_limit));
    phase.doses = {protocol::DoseAmount::fixed(core::Milligrams(*v))};
    ++forms;
  }
  if (const auto v = KETAPATH_TRY(r.numbers("doses_mg_per_kg"))) {
    phase.doses.clear();
    for (double x : *v) {
      KETAPATH_TRY(bounded(r, "doses_mg_per_kg", x, "mg/kg", per_kg_limit));
      phase.doses.push_back(protocol::DoseAmount::per_kg(core::MilligramsPerKilogram(x)));
    }
    ++forms;
  }
  if (const auto v = KETAPATH_TRY(r.numbers("doses_mg"))) {
    phase.doses.clear();
    for (double x : *v) {
      KETAPATH_TRY(bounded(r, "doses_mg", x, "mg", mg_limit));
      phase.doses.push_back(protocol::DoseAmount::fixed(core::Milligrams(x)));
    }
    ++forms;
  }
  if (forms == 0 && phase.agent == protocol::Agent::Placebo) {
    phase.doses = {protocol::DoseAmount::fixed(core::Milligrams(0.0))};
  } else if (forms != 1) {
    return std::unexpected(
        r.error("dose_mg_per_kg",
                "give exactly one of dose_mg_per_kg, dose_mg, doses_mg_per_kg, doses_mg"));
  }
  phase.infusion_duration =
      core::to_hours(core::Minutes(KETAPATH_TRY(r.number_or("infusion_min", 0.0))));
  const double delay_h = KETAPATH_TRY(r.number_or("delay_h", 0.0));
  const double delay_days = KETAPATH_TRY(r.number_or("delay_days", 0.0));
  phase.delay = core::Hours(delay_h + 24.0 * delay_days);
  phase.schedule = KETAPATH_TRY(parse_schedule(r));
  KETAPATH_TRY(r.finish());
  return phase;
}

core::Result<protocol::Regimen> parse_regimen(TableReader& r) {
  protocol::Regimen regimen;
  const auto phases = KETAPATH_TRY(r.tables("phases"));
  if (phases.empty()) {
    return std::unexpected(r.error("phases", "needs at least one [[...phases]] table"));
  }
  for (std::size_t i = 0; i < phases.size(); ++i) {
    regimen.phases.push_back(KETAPATH_TRY(
        parse_phase(*phases[i], r.origin(), fmt::format("{}[{}]", r.key_path("phases"), i))));
  }
  if (auto ok = protocol::validate(regimen); !ok) {
    core::Error e = r.error("phases", ok.error().message);
    if (ok.error().code == core::ErrorCode::LimitExceeded) {
      e.code = core::ErrorCode::LimitExceeded;
    }
    return std::unexpected(std::move(e));
  }
  return regimen;
}

core::Result<trial::Design> parse_root(const toml::table& root, std::string_view origin,
                                       std::span<const pd::ScaleDefinition> scales) {
  TableReader r(root, origin, "", scales);
  trial::Design d;
  d.name = KETAPATH_TRY(r.required_text("name"));
  d.title = KETAPATH_TRY(r.text("title")).value_or("");
  d.citation = KETAPATH_TRY(r.text("citation")).value_or("");
  d.description = KETAPATH_TRY(r.text("description")).value_or("");
  d.model = KETAPATH_TRY(r.text("model")).value_or("ketamine");
  d.population = KETAPATH_TRY(parse_population(r));
  if (const auto allocation = KETAPATH_TRY(r.text("allocation"))) {
    if (*allocation != "parallel" && *allocation != "paired") {
      return std::unexpected(
          r.error("allocation", fmt::format("expected \"parallel\" (each arm its own patients) or "
                                            "\"paired\" (every arm the same patients), got \"{}\"",
                                            *allocation)));
    }
    d.allocation =
        *allocation == "paired" ? trial::Allocation::Paired : trial::Allocation::Parallel;
  }
  d.assessments = KETAPATH_TRY(parse_assessments(r));
  if (const toml::table* e = KETAPATH_TRY(r.table("expectancy"))) {
    TableReader er(*e, origin, "expectancy", {});
    d.expectancy_ketamine = KETAPATH_TRY(er.number_or("ketamine", 1.0));
    d.expectancy_placebo = KETAPATH_TRY(er.number_or("placebo", 1.0));
    d.expectancy_midazolam = KETAPATH_TRY(er.number_or("midazolam", 1.0));
    KETAPATH_TRY(er.finish());
  }
  if (const toml::table* t = KETAPATH_TRY(r.table("responder"))) {
    d.responder = KETAPATH_TRY(detail::parse_responder(*t, origin, "responder", scales));
  }
  if (const toml::table* t = KETAPATH_TRY(r.table("enrichment"))) {
    TableReader er(*t, origin, "enrichment", scales);
    trial::Enrichment e;
    e.definition = KETAPATH_TRY(er.required_text("definition"));
    e.regimen = KETAPATH_TRY(parse_regimen(er));
    const toml::table* rule = KETAPATH_TRY(er.table("responder"));
    if (rule == nullptr) {
      return std::unexpected(er.error("responder", "is required (the rule that selects)"));
    }
    e.rule = KETAPATH_TRY(detail::parse_responder(*rule, origin, "enrichment.responder", scales));
    e.max_candidates_per_subject =
        KETAPATH_TRY(er.integer("max_candidates_per_subject")).value_or(50);
    KETAPATH_TRY(er.finish());
    d.enrichment = std::move(e);
  }
  const auto arms = KETAPATH_TRY(r.tables("arms"));
  if (arms.empty()) {
    return std::unexpected(r.error("arms", "needs at least one [[arms]] table"));
  }
  for (std::size_t i = 0; i < arms.size(); ++i) {
    TableReader ar(*arms[i], origin, fmt::format("arms[{}]", i), {});
    trial::Arm arm;
    arm.name = KETAPATH_TRY(ar.required_text("name"));
    const auto subjects = KETAPATH_TRY(ar.integer("subjects"));
    if (!subjects || *subjects < 1) {
      return std::unexpected(ar.error("subjects", "is required (an integer >= 1)"));
    }
    KETAPATH_TRY(core::check_count(ar.place("subjects"), *subjects, "", 1,
                                   core::limits::kMaxSubjectsPerArm,
                                   core::ErrorCode::LimitExceeded));
    arm.subjects = *subjects;
    arm.regimen = KETAPATH_TRY(parse_regimen(ar));
    KETAPATH_TRY(ar.finish());
    d.arms.push_back(std::move(arm));
  }
  const auto endpoints = KETAPATH_TRY(r.tables("endpoints"));
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    d.endpoints.push_back(KETAPATH_TRY(
        detail::parse_endpoint(*endpoints[i], origin, fmt::format("endpoints[{}]", i), scales)));
  }
  KETAPATH_TRY(r.finish());
  return d;
}

}  // namespace

core::Result<trial::Design> parse_design(std::string_view text, std::string_view origin) {
  return parse_design(text, origin, pd::scale_definitions());
}

core::Result<trial::Design> parse_design(std::string_view text, std::string_view origin,
                                         std::span<const pd::ScaleDefinition> scales) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}", origin, e.source().begin.line,
                      e.description());
  }
  trial::Design design = KETAPATH_TRY(parse_root(root, origin, scales));
  if (auto ok = trial::validate(design); !ok) {
    // Malformed (exit 2), unless a size limit refused it (exit 3).
    const auto code = ok.error().code == core::ErrorCode::LimitExceeded
                          ? core::ErrorCode::LimitExceeded
                          : core::ErrorCode::InvalidData;
    return core::fail(code, "{}: {}", origin, ok.error().message);
  }
  return design;
}

core::Result<trial::Design> load_design_file(const std::filesystem::path& path) {
  const std::string content =
      KETAPATH_TRY(core::read_text_file(path, core::limits::kMaxTomlFileBytes, "a design file"));
  return parse_design(content, path.string());
}

core::Result<DesignAndModel> load_design_with_model(const std::filesystem::path& path,
                                                    std::optional<std::string> model,
                                                    const DataDirectories& dirs) {
  const std::string content =
      KETAPATH_TRY(core::read_text_file(path, core::limits::kMaxTomlFileBytes, "a design file"));
  std::string name = model.value_or("");
  if (!model) {
    // The design's own `model` key (checked again, with the rest, by parse_design).
    try {
      const toml::table root = toml::parse(content, path.string());
      name = root["model"].value_or(std::string("ketamine"));
    } catch (const toml::parse_error&) {
      return std::unexpected(parse_design(content, path.string()).error());
    }
  }
  DesignAndModel out;
  out.model = KETAPATH_TRY(load_model(name, dirs));
  out.design = KETAPATH_TRY(parse_design(content, path.string(), out.model.scales));
  return out;
}

}  // namespace ketapath::io
