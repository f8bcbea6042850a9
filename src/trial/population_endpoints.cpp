#include "trial/population_endpoints.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "trial/responder.h"

namespace ketapath::trial {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

population::BinSpec bins_of(ClinicalItem::Kind kind) {
  switch (kind) {
    case ClinicalItem::Kind::Responder:
    case ClinicalItem::Kind::SessionResponder:
      return {0.0, 1.0, 2, false};
    case ClinicalItem::Kind::Reduction:
      return {-1.0, 1.0, 2000, false};
    case ClinicalItem::Kind::CadssPeak:
      return {0.0, 92.0, 920, false};
    case ClinicalItem::Kind::SbpPeak:
    case ClinicalItem::Kind::DbpPeak:
    case ClinicalItem::Kind::HrPeak:
      return {0.0, 100.0, 1000, false};
    case ClinicalItem::Kind::Score:
      return {0.0, 200.0, 2000, false};
    case ClinicalItem::Kind::PointChange:
      return {-200.0, 200.0, 4000, false};
    case ClinicalItem::Kind::Acute:
    case ClinicalItem::Kind::Sustained:
      return {0.0, 1.0, 1000, false};
  }
  return {};
}

// Highest value at the times after 0 (NaN when there is none).
double peak_after_zero(const std::vector<core::Hours>& times, const std::vector<double>& values) {
  std::optional<double> peak;  // none yet (NaN is not a sentinel)
  for (std::size_t j = 0; j < times.size(); ++j) {
    if (times[j].value() > 0.0) {
      peak = peak && !std::isnan(*peak) ? std::max(*peak, values[j]) : values[j];
    }
  }
  return peak.value_or(kNaN);
}

}  // namespace

core::Result<ClinicalLayout> ClinicalLayout::create(
    const Design& design, const std::vector<protocol::Administration>& sessions) {
  ClinicalLayout layout;
  layout.assessments_ = design.assessments;
  const Assessments& as = design.assessments;
  using Kind = ClinicalItem::Kind;
  if (design.responder) {
    layout.rule_ = *design.responder;
    layout.rule_sessions_ = KETAPATH_TRY(rule_sessions(*design.responder, sessions));
    layout.items_.push_back({Kind::Responder, 0, 0, 0});
  }
  for (std::size_t k = 0; k < sessions.size(); ++k) {
    if (layout.rule_) {
      layout.items_.push_back({Kind::SessionResponder, k, 0, 0});
    }
    for (std::size_t s = 0; s < as.scales.size(); ++s) {
      for (std::size_t j = 0; j < as.ratings.size(); ++j) {
        if (as.ratings[j].value() > 0.0) {
          layout.items_.push_back({Kind::Reduction, k, s, j});
        }
      }
    }
    if (std::ranges::any_of(as.cadss, [](core::Hours t) { return t.value() > 0.0; })) {
      layout.items_.push_back({Kind::CadssPeak, k, 0, 0});
    }
    if (std::ranges::any_of(as.vitals, [](core::Hours t) { return t.value() > 0.0; })) {
      layout.items_.push_back({Kind::SbpPeak, k, 0, 0});
      layout.items_.push_back({Kind::HrPeak, k, 0, 0});
    }
  }
  // The two mechanisms, appended after the recorded endpoints (issue 16 item 3).
  for (std::size_t k = 0; k < sessions.size(); ++k) {
    for (std::size_t j = 0; j < as.ratings.size(); ++j) {
      layout.items_.push_back({Kind::Acute, k, 0, j});
      layout.items_.push_back({Kind::Sustained, k, 0, j});
    }
  }
  // Scores, point changes and the dDBP peak, appended in turn (issue 16 item 7).
  for (std::size_t k = 0; k < sessions.size(); ++k) {
    for (std::size_t s = 0; s < as.scales.size(); ++s) {
      for (std::size_t j = 0; j < as.ratings.size(); ++j) {
        layout.items_.push_back({Kind::Score, k, s, j});
      }
      for (std::size_t j = 0; j < as.ratings.size(); ++j) {
        if (as.ratings[j].value() > 0.0) {
          layout.items_.push_back({Kind::PointChange, k, s, j});
        }
      }
    }
    if (std::ranges::any_of(as.vitals, [](core::Hours t) { return t.value() > 0.0; })) {
      layout.items_.push_back({Kind::DbpPeak, k, 0, 0});
    }
  }
  return layout;
}

std::vector<std::string> ClinicalLayout::column_names() const {
  using Kind = ClinicalItem::Kind;
  std::vector<std::string> names;
  names.reserve(items_.size());
  for (const ClinicalItem& item : items_) {
    const std::string s = fmt::format("s{}_", item.session + 1);
    switch (item.kind) {
      case Kind::Responder:
        names.emplace_back("responder");
        break;
      case Kind::SessionResponder:
        names.push_back(s + "responder");
        break;
      case Kind::Reduction:
        names.push_back(fmt::format("{}{}_reduction_{:g}h", s,
                                    trial::rated_scale(assessments_, item.scale).name,
                                    assessments_.ratings[item.rating].value()));
        break;
      case Kind::CadssPeak:
        names.push_back(s + "cadss_peak");
        break;
      case Kind::SbpPeak:
        names.push_back(s + "dsbp_peak_mmhg");
        break;
      case Kind::HrPeak:
        names.push_back(s + "dhr_peak_bpm");
        break;
      case Kind::Acute:
      case Kind::Sustained:
        names.push_back(fmt::format("{}{}_reduction_{:g}h", s,
                                    item.kind == Kind::Acute ? "acute" : "sustained",
                                    assessments_.ratings[item.rating].value()));
        break;
      case Kind::Score:
      case Kind::PointChange:
        names.push_back(fmt::format("{}{}{}_{:g}h", s,
                                    trial::rated_scale(assessments_, item.scale).name,
                                    item.kind == Kind::PointChange ? "_change" : "",
                                    assessments_.ratings[item.rating].value()));
        break;
      case Kind::DbpPeak:
        names.push_back(s + "ddbp_peak_mmhg");
        break;
    }
  }
  return names;
}

void ClinicalLayout::values(const SubjectOutcome& outcome, double* out) const {
  using Kind = ClinicalItem::Kind;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const ClinicalItem& item = items_[i];
    const SessionOutcome& so = outcome.sessions[item.session];
    switch (item.kind) {
      case Kind::Responder:
        out[i] = responds(outcome, *rule_, rule_sessions_, assessments_) ? 1.0 : 0.0;
        break;
      case Kind::SessionResponder: {
        const std::size_t one[] = {item.session};
        out[i] = responds(outcome, *rule_, one, assessments_) ? 1.0 : 0.0;
        break;
      }
      case Kind::Reduction: {
        const double pre = so.pre[item.scale];
        out[i] = pre > 0.0 ? (pre - so.ratings[item.scale][item.rating]) / pre : kNaN;
        break;
      }
      case Kind::CadssPeak:
        out[i] = peak_after_zero(assessments_.cadss, so.cadss);
        break;
      case Kind::SbpPeak:
        out[i] = peak_after_zero(assessments_.vitals, so.vitals[vitals_index(Variable::Dsbp)]);
        break;
      case Kind::HrPeak:
        out[i] = peak_after_zero(assessments_.vitals, so.vitals[vitals_index(Variable::Dhr)]);
        break;
      case Kind::Acute:
        out[i] = so.acute[item.rating];
        break;
      case Kind::Sustained:
        out[i] = so.sustained[item.rating];
        break;
      case Kind::Score:
        out[i] = so.ratings[item.scale][item.rating];
        break;
      case Kind::PointChange:
        out[i] = so.ratings[item.scale][item.rating] - so.pre[item.scale];
        break;
      case Kind::DbpPeak:
        out[i] = peak_after_zero(assessments_.vitals, so.vitals[vitals_index(Variable::Ddbp)]);
        break;
    }
  }
}

ClinicalSummary::ClinicalSummary(const ClinicalLayout& layout)
    : statistics_(layout.size()), positives_(layout.size(), 0) {
  histograms_.reserve(layout.size());
  for (const ClinicalItem& item : layout.items()) {
    histograms_.emplace_back(bins_of(item.kind));
    indicator_.push_back(item.kind == ClinicalItem::Kind::Responder ||
                         item.kind == ClinicalItem::Kind::SessionResponder);
  }
}

void ClinicalSummary::add(const double* values) {
  ++subjects_;
  for (std::size_t i = 0; i < statistics_.size(); ++i) {
    const double v = values[i];
    if (std::isnan(v)) {
      continue;
    }
    statistics_[i].add(v);
    histograms_[i].add(v);
    if (indicator_[i] && v == 1.0) {
      ++positives_[i];
    }
  }
}

population::DerivedValues clinical_values(
    std::shared_ptr<const population::PatientGenerator> generator,
    std::shared_ptr<const BatchOutcomes> outcomes, std::shared_ptr<const ClinicalLayout> layout,
    std::uint64_t seed, ClinicalSummary* summary) {
  population::DerivedValues derived;
  derived.per_subject = layout->size();
  derived.compute = [generator = std::move(generator), outcomes = std::move(outcomes),
                     layout = layout, seed](std::size_t first, std::size_t lanes,
                                            const double* profiles, double* out) -> core::Status {
    for (std::size_t l = 0; l < lanes; ++l) {
      const population::VirtualPatient patient = generator->draw(seed, 0, first + l);
      layout->values(outcomes->outcome(patient, profiles, l), out + l * layout->size());
    }
    return {};
  };
  derived.fold = [summary](std::size_t, const double* values) {
    summary->add(values);
  };
  return derived;
}

population::DerivedValues clinical_values(std::shared_ptr<const population::PatientDraws> draws,
                                          std::shared_ptr<const BatchOutcomes> outcomes,
                                          std::shared_ptr<const ClinicalLayout> layout,
                                          ClinicalSummary* summary) {
  population::DerivedValues derived;
  derived.per_subject = layout->size();
  derived.compute = [draws = std::move(draws), outcomes = std::move(outcomes), layout = layout](
                        std::size_t first, std::size_t lanes, const double* profiles,
                        double* out) -> core::Status {
    for (std::size_t l = 0; l < lanes; ++l) {
      layout->values(outcomes->outcome(draws->patient(first + l), profiles, l),
                     out + l * layout->size());
    }
    return {};
  };
  derived.fold = [summary](std::size_t, const double* values) {
    summary->add(values);
  };
  return derived;
}

std::pair<double, double> wilson_interval(std::uint64_t positives, std::uint64_t n) {
  if (n == 0) {
    return {kNaN, kNaN};
  }
  const double m = static_cast<double>(n);
  const double p = static_cast<double>(positives) / m;
  const double z = 1.959963984540054;
  const double centre = (p + z * z / (2 * m)) / (1 + z * z / m);
  const double half = z / (1 + z * z / m) * std::sqrt(p * (1 - p) / m + z * z / (4 * m * m));
  return {centre - half, centre + half};
}

}  // namespace ketapath::trial
