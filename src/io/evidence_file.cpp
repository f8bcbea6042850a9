// Reader of the anxiolysis evidence table (io/evidence_file.h).

#include "io/evidence_file.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"
#include "pd/route.h"

namespace ketapath::io {
namespace {

constexpr std::size_t kColumns = 23;

// Splits one CSV line into fields: RFC 4180 double quotes ("" inside quotes is a quote).
core::Result<std::vector<std::string>> split_line(std::string_view line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) {
    return core::fail(core::ErrorCode::InvalidData, "{}: unterminated quoted field", where);
  }
  return fields;
}

// A numeric column: empty = absent; a ';' list is kept as absent here (checked by the caller
// for fit/prior rows, where a single value is required).
core::Result<std::optional<double>> number(const std::string& text, std::string_view column,
                                           const std::string& where, bool* is_list) {
  if (text.empty()) {
    return std::nullopt;
  }
  if (text.find(';') != std::string::npos) {
    *is_list = true;
    return std::nullopt;
  }
  double v = 0.0;
  if (!core::parse_decimal(text, v)) {
    return core::fail(core::ErrorCode::InvalidData, "{}: column {}: \"{}\" is not a number", where,
                      column, core::excerpt(text));
  }
  return v;
}

const std::set<std::string_view> kUses{"fit",         "prior",      "trial_target",
                                       "qualitative", "validation", "excluded"};

}  // namespace

core::Result<std::vector<EvidenceRow>> read_evidence_table(const std::filesystem::path& path) {
  const std::string text = KETAPATH_TRY(
      core::read_text_file(path, core::limits::kMaxEvidenceFileBytes, "evidence table"));
  const std::string file = path.string();
  std::vector<EvidenceRow> rows;
  std::set<std::string> ids;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const std::string where = file + ":" + std::to_string(line_no);
    if (line_no == 1) {
      if (line != kEvidenceHeader) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: the header must be exactly \"{}\" (got \"{}\")", where,
                          kEvidenceHeader, core::excerpt(line));
      }
      continue;
    }
    if (line.empty()) {
      continue;
    }
    const auto f = KETAPATH_TRY(split_line(line, where));
    if (f.size() != kColumns) {
      return core::fail(core::ErrorCode::InvalidData, "{}: {} fields, expected {}", where, f.size(),
                        kColumns);
    }
    EvidenceRow r;
    r.line = line_no;
    r.id = f[0];
    r.study = f[1];
    r.location = f[2];
    r.route = f[5];
    r.scale = f[11];
    r.measure = f[12];
    r.se_source = f[16];
    r.read_off = f[17];
    r.use = f[20];
    r.fit_group = f[21];
    if (r.id.empty() || !ids.insert(r.id).second) {
      return core::fail(core::ErrorCode::InvalidData, "{}: column id: \"{}\" is empty or repeated",
                        where, core::excerpt(r.id));
    }
    if (!kUses.contains(r.use)) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: column use: \"{}\" is not one of fit, prior, trial_target, "
                        "qualitative, validation, excluded",
                        where, core::excerpt(r.use));
    }
    bool list = false;
    r.n = KETAPATH_TRY(number(f[4], "n", where, &list));
    r.dose_mg_per_kg = KETAPATH_TRY(number(f[6], "dose_mg_per_kg", where, &list));
    r.infusion_min = KETAPATH_TRY(number(f[7], "infusion_min", where, &list));
    r.interval_h = KETAPATH_TRY(number(f[8], "interval_h", where, &list));
    r.session = KETAPATH_TRY(number(f[9], "session", where, &list));
    r.time_h = KETAPATH_TRY(number(f[10], "time_h", where, &list));
    r.value = KETAPATH_TRY(number(f[13], "value", where, &list));
    r.sd = KETAPATH_TRY(number(f[14], "sd", where, &list));
    r.se = KETAPATH_TRY(number(f[15], "se", where, &list));
    r.prior_centre = KETAPATH_TRY(number(f[18], "prior_centre", where, &list));
    r.prior_sd = KETAPATH_TRY(number(f[19], "prior_sd", where, &list));
    if (list && (r.use == "fit" || r.use == "prior")) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: a {} row needs single numbers (a ';' list names several doses, "
                        "sessions or times)",
                        where, r.use);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

core::Result<pd::AnxiolysisObservation> observation_of(const EvidenceRow& r,
                                                       const std::string& file) {
  const std::string where = file + ":" + std::to_string(r.line) + " (" + r.id + ")";
  auto missing = [&](std::string_view column) {
    return core::fail(core::ErrorCode::InvalidData, "{}: a {} row needs column {}", where, r.use,
                      column);
  };
  pd::AnxiolysisObservation o;
  o.id = r.fit_group.empty() ? r.id : r.fit_group;
  o.source = r.study + ", " + r.location;
  const auto route = pd::parse_route(r.route);
  if (!route) {
    return core::fail(core::ErrorCode::InvalidData, "{}: column route: \"{}\" is not a route",
                      where, core::excerpt(r.route));
  }
  o.route = *route;
  if (!r.dose_mg_per_kg || !(*r.dose_mg_per_kg > 0.0)) {
    return missing("dose_mg_per_kg (> 0)");
  }
  o.dose_mg_per_kg = *r.dose_mg_per_kg;
  o.infusion_min = r.infusion_min.value_or(0.0);
  if (!r.session || *r.session < 1.0 || *r.session != static_cast<int>(*r.session)) {
    return missing("session (a whole number >= 1)");
  }
  o.session = static_cast<int>(*r.session);
  if (!r.interval_h || !(*r.interval_h > 0.0)) {
    return missing("interval_h (> 0)");
  }
  o.interval_h = *r.interval_h;
  if (!r.time_h || !(*r.time_h > 0.0)) {
    return missing("time_h (> 0)");
  }
  o.time_h = *r.time_h;
  std::string_view rest = r.scale;
  while (!rest.empty()) {
    const auto cut = rest.find(';');
    const auto name = rest.substr(0, cut);
    const auto scale = pd::parse_scale(name);
    if (!scale || *scale == pd::Scale::Cadss) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}: column scale: \"{}\" is not an anxiety scale (ham_a, fq, gad7, lsas)",
                        where, core::excerpt(name));
    }
    o.scales.push_back(*scale);
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
  }
  if (o.scales.empty()) {
    return missing("scale");
  }
  if (r.use == "prior") {
    if (!r.prior_centre || !r.prior_sd || !(*r.prior_sd > 0.0) || !(*r.prior_centre > 0.0)) {
      return missing("prior_centre and prior_sd (> 0)");
    }
    o.value = *r.prior_centre;
    o.se = *r.prior_sd;
    o.prior = true;
  } else {
    if (!r.value || !(*r.value > 0.0) || !r.se || !(*r.se > 0.0)) {
      return missing("value and se (> 0)");
    }
    o.value = *r.value;
    o.se = *r.se;
  }
  return o;
}

}  // namespace

core::Result<std::vector<pd::AnxiolysisObservation>> anxiolysis_observations(
    const std::vector<EvidenceRow>& rows) {
  std::vector<pd::AnxiolysisObservation> out;
  std::map<std::string, std::size_t> group_index;  // fit group -> index in out
  std::map<std::string, int> group_size;
  for (const auto& r : rows) {
    if (r.use != "fit" && r.use != "prior") {
      continue;
    }
    auto o = KETAPATH_TRY(observation_of(r, "evidence"));
    if (r.use == "fit" && !r.fit_group.empty() && group_index.contains(r.fit_group)) {
      auto& g = out[group_index[r.fit_group]];
      const int k = ++group_size[r.fit_group];
      if (g.route != o.route || g.dose_mg_per_kg != o.dose_mg_per_kg || g.session != o.session ||
          g.time_h != o.time_h || g.interval_h != o.interval_h) {
        return core::fail(core::ErrorCode::InvalidData,
                          "evidence line {} ({}): fit_group {} must share route, dose, session, "
                          "interval and time with its first row",
                          r.line, r.id, r.fit_group);
      }
      // running means over the group's rows
      g.value += (o.value - g.value) / k;
      g.se += (o.se - g.se) / k;
      g.scales.insert(g.scales.end(), o.scales.begin(), o.scales.end());
      g.source += "; " + r.location;
      continue;
    }
    if (r.use == "fit" && !r.fit_group.empty()) {
      group_index[r.fit_group] = out.size();
      group_size[r.fit_group] = 1;
    }
    out.push_back(std::move(o));
  }
  if (out.empty()) {
    return core::fail(core::ErrorCode::InvalidData, "evidence table: no fit or prior rows");
  }
  return out;
}

core::Result<std::filesystem::path> find_evidence_table(const DataDirectories& dirs) {
  std::string tried;
  for (const auto& d : dirs.directories) {
    const auto p = d / "models" / "anxiolysis_evidence.csv";
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) {
      return p;
    }
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  return core::fail(core::ErrorCode::NotFound, "anxiolysis evidence table not found (tried {})",
                    tried);
}

}  // namespace ketapath::io
