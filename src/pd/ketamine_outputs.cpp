#include "pd/ketamine_outputs.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ketapath::pd {
namespace {

double hill(double c, double ec50, double gamma) {
  if (c <= 0.0) {
    return 0.0;
  }
  // No pow() for the model's whole exponents (HEMO_GAMMA 1, ANX_GAMMA and S_GAMMA 2): x and x * x
  // are what pow(x, 1) and pow(x, 2) return (correctly rounded), at a fraction of the cost.
  const double x = c / ec50;
  const double r = gamma == 2.0 ? x * x : gamma == 1.0 ? x : std::pow(x, gamma);
  return r / (1.0 + r);
}

// Number of entries of the non-decreasing `times` strictly below t.
std::size_t count_before(const std::vector<double>& times, double t) {
  return static_cast<std::size_t>(std::ranges::lower_bound(times, t) - times.begin());
}

}  // namespace

DoseHistory::DoseHistory(std::span<const Dose> doses) {
  std::vector<std::size_t> order(doses.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::stable_sort(order, [&](std::size_t a, std::size_t b) {
    return doses[a].time.value() < doses[b].time.value();
  });
  for (std::size_t i : order) {
    const Dose& d = doses[i];
    session_times_.push_back(d.time.value());
    session_expectancy_.push_back(d.expectancy);
    if (d.amount.value() > 0.0) {
      drug_times_.push_back(d.time.value());
    }
  }
}

int DoseHistory::drug_doses_before(double t) const {
  return static_cast<int>(count_before(drug_times_, t));
}

KetamineOutputs ketamine_outputs(const KetamineParameters& p, const DoseHistory& history,
                                 core::Hours time, double ce_in, double s) {
  const double now = time.value();
  const double ce = std::max(0.0, ce_in);
  const std::size_t drug = count_before(history.drug_times(), now);
  // Tolerance: drug doses before the current session, each fading with TOL_T12.
  double tolerance = 1.0;
  if (drug > 0) {
    const double current = history.drug_times()[drug - 1];
    double effective = 0.0;
    for (std::size_t i = 0; i + 1 < drug; ++i) {
      effective += std::exp2(-(current - history.drug_times()[i]) / p.tolerance_t12.value());
    }
    tolerance =
        p.tolerance_floor + (1.0 - p.tolerance_floor) * std::exp(-effective / p.tolerance_doses);
  }
  KetamineOutputs o;
  o.doses_before = static_cast<int>(drug);
  o.cadss = std::clamp(p.cadss_emax * tolerance * hill(ce, p.cadss_ec50.value(), p.cadss_gamma),
                       0.0, 92.0);
  o.dsbp = p.sbp_emax * hill(ce, p.sbp_ec50.value(), p.hemo_gamma);
  o.ddbp = p.dbp_emax * hill(ce, p.dbp_ec50.value(), p.hemo_gamma);
  o.dhr = p.hr_emax * hill(ce, p.hr_ec50.value(), p.hemo_gamma);
  o.acute = std::clamp(p.anx_emax * hill(ce, p.anx_ec50.value(), p.anx_gamma), 0.0, 1.0);
  o.drug_reduction = 1.0 - (1.0 - o.acute) * (1.0 - s);
  const std::size_t sessions = count_before(history.session_times(), now);
  if (sessions > 0) {
    const double last = history.session_times()[sessions - 1];
    o.placebo = std::clamp(p.placebo_max * history.session_expectancy()[sessions - 1] *
                               std::exp2(-(now - last) / p.placebo_t12.value()),
                           0.0, 1.0);
  }
  o.total_reduction = 1.0 - (1.0 - o.drug_reduction) * (1.0 - o.placebo);
  return o;
}

double plasticity_drive(const KetamineParameters& p, double ce) {
  return hill(ce, p.s_ec50.value(), p.s_gamma);
}

void append_row(TimeCourse& course, double ketamine, double norketamine, double ce, double s,
                const KetamineOutputs& y) {
  course.ketamine.emplace_back(ketamine);
  course.norketamine.emplace_back(norketamine);
  course.effect_site.emplace_back(ce);
  course.cadss.push_back(y.cadss);
  course.dsbp.emplace_back(y.dsbp);
  course.ddbp.emplace_back(y.ddbp);
  course.dhr.emplace_back(y.dhr);
  course.acute.push_back(y.acute);
  course.sustained.push_back(s);
  course.drug_reduction.push_back(y.drug_reduction);
  course.placebo.push_back(y.placebo);
  course.total_reduction.push_back(y.total_reduction);
  course.doses_before.push_back(y.doses_before);
}

}  // namespace ketapath::pd
