#include "io/svg_trial.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "io/svg.h"
#include "pd/rating_scales.h"

namespace ketapath::io {
namespace {

/// "HAM-A" for "ham_a"; an unknown name is shown as written.
std::string scale_label_or_name(const std::string& name) {
  const auto scale = pd::parse_scale(name);
  return scale ? std::string(pd::scale_label(*scale)) : name;
}

constexpr std::size_t kMaxSessionsPerArm = 6;

// Profiles worth drawing: per arm the first session of each distinct label, plus the last.
std::vector<const trial::SessionProfile*> chosen(const trial::TrialResult& result) {
  std::vector<const trial::SessionProfile*> out;
  std::size_t i = 0;
  while (i < result.profiles.size()) {
    std::size_t end = i;
    while (end < result.profiles.size() && result.profiles[end].arm == result.profiles[i].arm) {
      ++end;
    }
    std::set<std::string> labels;
    std::vector<const trial::SessionProfile*> arm;
    for (std::size_t k = i; k < end; ++k) {
      if (labels.insert(result.profiles[k].label).second || k + 1 == end) {
        arm.push_back(&result.profiles[k]);
      }
    }
    if (arm.size() > kMaxSessionsPerArm) {
      arm.erase(arm.begin() + static_cast<long>(kMaxSessionsPerArm) - 1, arm.end() - 1);
    }
    out.insert(out.end(), arm.begin(), arm.end());
    i = end;
  }
  return out;
}

std::string series_name(const trial::SessionProfile& p, bool several_arms) {
  const std::string base = fmt::format("dose {}: {}", p.session + 1, p.label);
  return several_arms ? fmt::format("{} {}", p.arm, base) : base;
}

Series series_of(const trial::Band& band, std::string name, double scale) {
  Series s;
  s.name = std::move(name);
  for (std::size_t j = 0; j < band.time_h.size(); ++j) {
    s.x.push_back(band.time_h[j]);
    s.y.push_back(scale * band.values[j].median);
    s.lo.push_back(scale * band.values[j].p05);
    s.hi.push_back(scale * band.values[j].p95);
  }
  return s;
}

}  // namespace

std::vector<Figure> trial_figures(const trial::TrialResult& result) {
  const auto profiles = chosen(result);
  std::set<std::string> arms;
  for (const auto& p : result.profiles) {
    arms.insert(p.arm);
  }
  const bool several = arms.size() > 1;
  const std::string caption = fmt::format(
      "{} replicate trials; line: median of the trial mean, band: 90% interval", result.replicates);

  LinePlot reduction{.title = fmt::format("{}: {} reduction after each dose", result.design,
                                          scale_label_or_name(result.primary_scale)),
                     .x_label = "hours after dose (" + caption + ")",
                     .y_label = "reduction from pre-dose rating, %",
                     .series = {}};
  LinePlot cadss{.title = fmt::format("{}: dissociation (CADSS) after each dose", result.design),
                 .x_label = "hours after dose (" + caption + ")",
                 .y_label = "CADSS, points",
                 .series = {}};
  LinePlot sbp{.title = fmt::format("{}: systolic blood pressure after each dose", result.design),
               .x_label = "hours after dose (" + caption + ")",
               .y_label = "change in systolic BP, mmHg",
               .series = {}};
  for (const trial::SessionProfile* p : profiles) {
    const std::string name = series_name(*p, several);
    if (!p->reduction.time_h.empty()) {
      reduction.series.push_back(series_of(p->reduction, name, 100.0));
    }
    if (!p->cadss.time_h.empty()) {
      cadss.series.push_back(series_of(p->cadss, name, 1.0));
    }
    if (!p->dsbp.time_h.empty()) {
      sbp.series.push_back(series_of(p->dsbp, name, 1.0));
    }
  }
  std::vector<Figure> figures;
  if (!reduction.series.empty()) {
    figures.push_back({result.design + "_reduction.svg", render_svg(reduction)});
  }
  if (!result.responders.empty()) {
    BarChart bars{
        .title = fmt::format("{}: responders per dose (median, 90% interval)", result.design),
        .y_label = "responders, subjects",
        .bars = {}};
    for (const trial::ResponderCount& r : result.responders) {
      const std::string label = several ? fmt::format("{} {}: {}", r.arm, r.session + 1, r.label)
                                        : fmt::format("{}: {}", r.session + 1, r.label);
      bars.bars.push_back({label, r.count.median, r.count.p05, r.count.p95});
    }
    if (bars.bars.size() <= 16) {
      figures.push_back({result.design + "_responders.svg", render_svg(bars)});
    }
  }
  if (!cadss.series.empty()) {
    figures.push_back({result.design + "_cadss.svg", render_svg(cadss)});
  }
  if (!sbp.series.empty()) {
    figures.push_back({result.design + "_sbp.svg", render_svg(sbp)});
  }
  return figures;
}

}  // namespace ketapath::io
