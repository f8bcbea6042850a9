#include "trial/subject_outcome.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/random.h"
#include "pd/rating_scales.h"

namespace ketapath::trial {

std::vector<pd::Dose> to_model_doses(const std::vector<protocol::Administration>& sessions,
                                     core::Kilograms weight, const Expectancy& expectancy) {
  std::vector<pd::Dose> doses;
  doses.reserve(sessions.size());
  for (const protocol::Administration& a : sessions) {
    pd::Dose d;
    d.time = a.time;
    d.route = a.route;
    d.duration = a.infusion_duration;
    switch (a.agent) {
      case protocol::Agent::Ketamine:
        d.amount = a.dose.for_weight(weight);
        d.expectancy = expectancy.ketamine;
        break;
      case protocol::Agent::Placebo:
        d.expectancy = expectancy.placebo;
        break;
      case protocol::Agent::Midazolam:
        d.expectancy = expectancy.midazolam;
        break;
    }
    doses.push_back(d);
  }
  return doses;
}

double baseline_of(const population::VirtualPatient& patient, pd::Scale scale) {
  switch (scale) {
    case pd::Scale::HamA:
      return patient.baseline.ham_a;
    case pd::Scale::Fq:
      return patient.baseline.fq;
    case pd::Scale::Gad7:
      return patient.baseline.gad7;
    case pd::Scale::Lsas:
      return patient.baseline.lsas;
    case pd::Scale::Cadss:  // the model's own output, no baseline
    case pd::Scale::Phq9:   // not modelled: a design cannot rate it
      return 0.0;
  }
  // A model file's own scale: drawn with the patient (population::Baselines::own).
  const std::size_t own = static_cast<std::size_t>(scale) - pd::kScaleCount;
  KETAPATH_ASSERT(own < patient.baseline.own.size(),
                  "the patient was drawn with the model whose scale is rated");
  return patient.baseline.own[own];
}

std::uint64_t assessment_slot(std::uint64_t slot_base, std::size_t i, std::uint64_t k) {
  return slot_base + 8 * i + k;
}

std::uint64_t noise_slot(std::uint64_t slot_base, std::size_t i, pd::Scale scale) {
  const auto s = static_cast<std::uint64_t>(scale);
  // Slots 0-7 of each assessment time as always; a ninth scale and beyond in blocks of 8 far
  // above them (the trial proper starts at 2^40).
  return assessment_slot(slot_base + (s / 8) * (std::uint64_t{1} << 32), i, s % 8);
}

namespace {

// Index of t in the sorted, de-duplicated `times`.
std::size_t index_of(const std::vector<core::Hours>& times, core::Hours t) {
  auto it = std::ranges::lower_bound(times, core::Hours(t.value() - kSameAssessmentTime));
  KETAPATH_ASSERT(it != times.end(), "assessment time missing from the output grid");
  return static_cast<std::size_t>(it - times.begin());
}

}  // namespace

std::vector<core::Hours> assessment_times(const std::vector<protocol::Administration>& sessions,
                                          const Assessments& assessments) {
  std::vector<core::Hours> times;
  for (const protocol::Administration& a : sessions) {
    times.push_back(a.time);
    for (const auto* offsets : {&assessments.ratings, &assessments.cadss, &assessments.vitals}) {
      for (core::Hours o : *offsets) {
        times.push_back(a.time + o);
      }
    }
  }
  std::ranges::sort(times);
  std::vector<core::Hours> unique;
  for (core::Hours t : times) {
    if (unique.empty() || (t - unique.back()).value() > kSameAssessmentTime) {
      unique.push_back(t);
    }
  }
  return unique;
}

core::Result<SubjectOutcome> simulate_subject(const population::VirtualPatient& patient,
                                              const std::vector<protocol::Administration>& sessions,
                                              const Assessments& assessments,
                                              const Expectancy& expectancy, std::uint64_t seed,
                                              std::uint64_t slot_base) {
  const std::vector<core::Hours> unique = assessment_times(sessions, assessments);
  const std::vector<pd::Dose> doses =
      to_model_doses(sessions, patient.covariates.weight, expectancy);
  const pd::TimeCourse course =
      KETAPATH_TRY(pd::simulate_ketamine(patient.parameters, doses, unique));
  return record_outcome(patient, sessions, assessments, unique, course, seed, slot_base);
}

namespace {

// Assessments::dropout_per_week: everything observed at or after the subject's drop-out time is
// missing (subject_outcome.h).
void apply_dropout(const population::VirtualPatient& patient,
                   const std::vector<protocol::Administration>& sessions, const Assessments& as,
                   std::uint64_t seed, SubjectOutcome& out) {
  const double p = as.dropout_per_week;
  if (p <= 0.0 || sessions.empty())
    return;
  core::RandomStream stream(seed, {.replicate = patient.replicate,
                                   .subject = patient.subject,
                                   .stream = core::Stream::Dropout});
  const double leave =
      sessions.front().time.value() + 168.0 * std::log(stream.uniform()) / std::log1p(-p);
  const auto missing_from = [leave](double start, const std::vector<core::Hours>& offsets,
                                    std::vector<double>& values) {
    for (std::size_t j = 0; j < values.size() && j < offsets.size(); ++j)
      if (start + offsets[j].value() >= leave)
        values[j] = std::numeric_limits<double>::quiet_NaN();
  };
  for (std::size_t k = 0; k < out.sessions.size() && k < sessions.size(); ++k) {
    SessionOutcome& so = out.sessions[k];
    const double start = sessions[k].time.value();
    if (start >= leave)
      std::fill(so.pre.begin(), so.pre.end(), std::numeric_limits<double>::quiet_NaN());
    for (std::vector<double>& scale : so.ratings)
      missing_from(start, as.ratings, scale);
    missing_from(start, as.cadss, so.cadss);
    for (std::vector<double>& variable : so.vitals)
      missing_from(start, as.vitals, variable);
  }
}

}  // namespace

SubjectOutcome record_outcome(const population::VirtualPatient& patient,
                              const std::vector<protocol::Administration>& sessions,
                              const Assessments& assessments,
                              const std::vector<core::Hours>& unique, const pd::TimeCourse& course,
                              std::uint64_t seed, std::uint64_t slot_base) {
  const pd::KetamineParameters& p = patient.parameters;

  core::RandomStream noise(seed, {.replicate = patient.replicate,
                                  .subject = patient.subject,
                                  .stream = core::Stream::Assessment});
  core::RandomStream residual(seed, {.replicate = patient.replicate,
                                     .subject = patient.subject,
                                     .stream = core::Stream::Residual});
  const auto z_at = [&](core::RandomStream& stream, std::size_t i, pd::Scale s) {
    stream.seek(noise_slot(slot_base, i, s));
    return stream.normal();
  };
  const auto rate = [&](const pd::ScaleDefinition& scale, std::size_t i) {
    const double reduction = pd::scale_reduction(scale, course.drug_reduction[i], course.placebo[i],
                                                 course.total_reduction[i]);
    const double expected =
        pd::expected_score(p, scale, baseline_of(patient, scale.scale), reduction);
    return pd::observed_score(p, scale, expected, z_at(noise, i, scale.scale));
  };

  SubjectOutcome out;
  out.sessions.resize(sessions.size());
  const std::size_t n_scales = assessments.scales.size();
  for (std::size_t k = 0; k < sessions.size(); ++k) {
    SessionOutcome& so = out.sessions[k];
    const core::Hours t0 = sessions[k].time;
    const std::size_t pre = index_of(unique, t0);
    so.pre.resize(n_scales);
    so.ratings.assign(n_scales, std::vector<double>(assessments.ratings.size()));
    for (std::size_t s = 0; s < n_scales; ++s) {
      const pd::ScaleDefinition& scale = rated_scale(assessments, s);
      so.pre[s] = rate(scale, pre);
      for (std::size_t j = 0; j < assessments.ratings.size(); ++j) {
        so.ratings[s][j] = rate(scale, index_of(unique, t0 + assessments.ratings[j]));
      }
    }
    so.acute.resize(assessments.ratings.size());
    so.sustained.resize(assessments.ratings.size());
    for (std::size_t j = 0; j < assessments.ratings.size(); ++j) {
      const std::size_t i = index_of(unique, t0 + assessments.ratings[j]);
      so.acute[j] = course.acute[i];
      so.sustained[j] = course.sustained[i];
    }
    so.cadss.resize(assessments.cadss.size());
    so.cadss_model.resize(assessments.cadss.size());
    for (std::size_t j = 0; j < assessments.cadss.size(); ++j) {
      const std::size_t i = index_of(unique, t0 + assessments.cadss[j]);
      const double expected = pd::clamp_to_scale(pd::Scale::Cadss, course.cadss[i]);
      so.cadss_model[j] = expected;
      so.cadss[j] =
          pd::observed_score(p, pd::Scale::Cadss, expected, z_at(noise, i, pd::Scale::Cadss));
    }
    so.vitals.assign(kVitalsCount, std::vector<double>(assessments.vitals.size()));
    // A change is a reading minus the session's pre-dose reading, each with its own error.
    const double sbp_sd = assessments.sbp_reading_sd.value();
    const double dbp_sd = assessments.dbp_reading_sd.value();
    const double hr_sd = assessments.hr_reading_sd.value();
    const auto reading_error = [&](std::size_t at, std::uint64_t slot, double sd) {
      if (sd == 0.0) {
        return 0.0;
      }
      residual.seek(assessment_slot(slot_base, at, slot));
      return sd * residual.normal();
    };
    const double sbp_pre = reading_error(pre, kSbpReadingSlot, sbp_sd);
    const double dbp_pre = reading_error(pre, kDbpReadingSlot, dbp_sd);
    const double hr_pre = reading_error(pre, kHrReadingSlot, hr_sd);
    const auto change = [&](double exact, std::size_t at, std::uint64_t slot, double sd,
                            double pre_error) {
      return sd == 0.0 ? exact : exact + (reading_error(at, slot, sd) - pre_error);
    };
    for (std::size_t j = 0; j < assessments.vitals.size(); ++j) {
      const std::size_t i = index_of(unique, t0 + assessments.vitals[j]);
      so.vitals[vitals_index(Variable::Dsbp)][j] =
          change(course.dsbp[i].value(), i, kSbpReadingSlot, sbp_sd, sbp_pre);
      so.vitals[vitals_index(Variable::Ddbp)][j] =
          change(course.ddbp[i].value(), i, kDbpReadingSlot, dbp_sd, dbp_pre);
      so.vitals[vitals_index(Variable::Dhr)][j] =
          change(course.dhr[i].value(), i, kHrReadingSlot, hr_sd, hr_pre);
      // Two concentration assays per time: ketamine uses the HAM-A slot, norketamine the FQ slot.
      const auto k_obs =
          pd::observed_concentration(p, course.ketamine[i], z_at(residual, i, pd::Scale::HamA));
      const auto nk_obs =
          pd::observed_concentration(p, course.norketamine[i], z_at(residual, i, pd::Scale::Fq));
      so.vitals[vitals_index(Variable::Ketamine)][j] = core::to_ng_per_ml(k_obs).value();
      so.vitals[vitals_index(Variable::Norketamine)][j] = core::to_ng_per_ml(nk_obs).value();
    }
  }
  apply_dropout(patient, sessions, assessments, seed, out);
  return out;
}

}  // namespace ketapath::trial
