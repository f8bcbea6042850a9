// clinic::forecast: model-informed maintenance (forecast.h, issue 13).

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "clinic/domain/calendar.h"
#include "clinic/domain/dose_events.h"
#include "clinic/json/json.h"
#include "clinic/service/forecast.h"
#include "clinic/service/service.h"
#include "core/text.h"
#include "estimation/forecast.h"
#include "estimation/ketamine_individual.h"
#include "estimation/posterior.h"
#include "pd/ketamine_model.h"

namespace ketapath::clinic {
namespace {

// The scales the model rates (anxiety scales; PHQ-9 and CADSS are not outcomes of the model): the
// registry's model mapping (pd/scales.h).
std::optional<Scale> model_scale(Scale scale) {
  return pd::is_modelled_anxiety_scale(scale) ? std::optional(scale) : std::nullopt;
}

constexpr std::array<int, 4> kIntervalsDays{7, 14, 21, 28};
constexpr int kCandidateDays = 35;  // next dose searched up to 5 weeks after the last one
constexpr std::size_t kForecastDraws = 200;

double hours_between(Timestamp from, Timestamp to) {
  return static_cast<double>((to - from).count()) / 3600.0;
}

Timestamp at_hours(Timestamp origin, double hours) {
  return origin + std::chrono::seconds(static_cast<long long>(std::llround(hours * 3600.0)));
}

struct Gathered {
  std::vector<std::pair<Timestamp, ScaleRating>> ratings;  // modelled scales, kept
  std::vector<std::string> notes;
  std::vector<const Session*> dosed;
};

Gathered gather(const std::vector<Session>& sessions, const std::vector<Assessment>& assessments) {
  Gathered g;
  std::vector<Timestamp> starts;
  for (const Session& s : sessions) {
    if (s.dose.value() > 0.0) {
      g.dosed.push_back(&s);
      starts.push_back(s.started_at);
    }
  }
  std::ranges::sort(starts);
  std::ranges::sort(
      g.dosed, [](const Session* a, const Session* b) { return a->started_at < b->started_at; });
  const auto consider = [&](const ScaleRating& r) {
    if (!model_scale(r.scale)) {
      return;
    }
    if (const auto flag = recall_period_flag(r, starts)) {
      g.notes.push_back(fmt::format("{} {} left out: {}", pd::scale_record_name(r.scale),
                                    format_timestamp(r.rated_at), *flag));
      return;
    }
    g.ratings.emplace_back(r.rated_at, r);
  };
  for (const Session& s : sessions) {
    for (const ScaleRating& r : s.ratings) {
      consider(r);
    }
  }
  for (const Assessment& a : assessments) {
    consider(a.rating);
  }
  std::ranges::stable_sort(g.ratings,
                           [](const auto& a, const auto& b) { return a.first < b.first; });
  return g;
}

double weighted_quantile(std::vector<double> v, double q) {
  std::ranges::sort(v);
  const auto i = static_cast<std::size_t>(
      std::clamp(q * static_cast<double>(v.size()), 0.0, static_cast<double>(v.size() - 1)));
  return v[i];
}

}  // namespace

core::Result<ClinicForecast> forecast(ClinicService& clinic, PatientId id,
                                      const pd::KetamineModel& model, const ForecastQuery& query) {
  if (!(query.risk > 0.0 && query.risk < 1.0)) {
    return core::fail(core::ErrorCode::Validation,
                      "forecast: --risk must be a probability between 0 and 1, exclusive (got {})",
                      query.risk);
  }
  if (query.scale && !model_scale(*query.scale)) {
    return core::fail(core::ErrorCode::Validation,
                      "forecast: scale {} is not modelled (use ham-a, gad-7, fq or lsas)",
                      pd::scale_record_name(*query.scale));
  }
  const Patient patient = KETAPATH_TRY(clinic.patient(id));
  const auto all_sessions = KETAPATH_TRY(clinic.sessions(id));
  const auto all_assessments = KETAPATH_TRY(clinic.assessments(id));
  const ResponsePolicy policy = KETAPATH_TRY(clinic.response_policy());
  const ClinicCalendar calendar = KETAPATH_TRY(clinic.clinic_calendar());
  const DosingPolicy dosing = KETAPATH_TRY(clinic.dosing_policy());
  ClinicForecast out;
  out.patient = id;
  out.model = query.model_label;
  out.risk = query.risk;
  out.basis = "rule";
  out.rule = KETAPATH_TRY(clinic.response_plan(id));
  const Timestamp now = clinic.now();
  const Date today = local_day(now, calendar);

  Gathered g = gather(all_sessions, all_assessments);
  out.data_notes = g.notes;
  // The scale: asked for, else the modelled scale with the most ratings.
  if (query.scale) {
    out.scale = *query.scale;
  } else {
    int best = -1;
    for (const Scale s : {Scale::HamA, Scale::Gad7, Scale::Fq, Scale::Lsas}) {
      const auto n = static_cast<int>(
          std::ranges::count_if(g.ratings, [&](const auto& r) { return r.second.scale == s; }));
      if (n > best) {
        best = n;
        out.scale = s;
      }
    }
  }
  const auto on_scale = [&](const auto& r) {
    return r.second.scale == out.scale;
  };
  const int n_scale = static_cast<int>(std::ranges::count_if(g.ratings, on_scale));
  out.doses_used = static_cast<int>(g.dosed.size());
  const auto first_scale = std::ranges::find_if(g.ratings, on_scale);
  if (g.dosed.empty()) {
    out.insufficient_reason = "no dose has been given yet: the model has nothing to respond to";
  } else if (n_scale < kMinForecastRatings) {
    out.insufficient_reason =
        fmt::format("{} {} rating(s); a forecast needs at least {} (one before the first dose)",
                    n_scale, pd::scale_record_name(out.scale), kMinForecastRatings);
  } else if (first_scale->first > g.dosed.front()->started_at) {
    out.insufficient_reason = fmt::format(
        "no {} rating before the first dose: without a baseline the response cannot be estimated",
        pd::scale_record_name(out.scale));
  }
  if (!out.insufficient_reason.empty()) {
    out.reason = out.insufficient_reason + "; the rule-based suggestion stands";
    return out;
  }
  out.sufficient = true;

  // Times: hours from the earliest dose or rating.
  const Timestamp origin = std::min(g.ratings.front().first, g.dosed.front()->started_at);
  estimation::IndividualData data;
  const std::optional<WeightRecord> weight = latest_weight(patient, today);
  if (weight) {
    data.covariates.weight = weight->weight;
  } else {
    out.data_notes.push_back("no weight on record: the model's reference weight (70 kg) is used");
  }
  data.covariates.age_years = age_in_years(patient.birth_date, today);
  data.covariates.sex = patient.sex;  // one sex type (pd/sex.h)
  for (const Session* s : g.dosed) {
    core::Hours duration{0.0};
    if (s->route == Route::Iv && s->dose_ended_at && *s->dose_ended_at > s->started_at) {
      duration = core::Hours(hours_between(s->started_at, *s->dose_ended_at));
    }
    data.doses.push_back({.time = core::Hours(hours_between(origin, s->started_at)),
                          .route = s->route,
                          .amount = s->dose,
                          .duration = duration});
  }
  for (const auto& [at, r] : g.ratings) {
    if (r.scale == out.scale) {
      out.observed.emplace_back(at, r.total);
    }
    data.ratings.push_back({.scale = *model_scale(r.scale),
                            .time = core::Hours(hours_between(origin, at)),
                            .score = static_cast<double>(r.total)});
  }
  out.ratings_used = static_cast<int>(data.ratings.size());
  out.first_rating = g.ratings.front().first;
  out.last_rating = g.ratings.back().first;
  const pd::Scale scale = *model_scale(out.scale);

  const auto individual = estimation::KetamineIndividual::create(model, data);
  if (!individual) {
    return core::fail(core::ErrorCode::Solver, "forecast: {}", individual.error().message);
  }
  const estimation::Model& m = individual->model();
  const auto laplace = estimation::fit_laplace(m);
  if (!laplace) {
    return core::fail(core::ErrorCode::Solver, "forecast: {}", laplace.error().message);
  }
  const auto is =
      estimation::importance_sample(m, *laplace, {.draws = query.draws, .seed = query.seed});
  if (!is) {
    return core::fail(core::ErrorCode::Solver, "forecast: {}", is.error().message);
  }
  const auto draws = estimation::resample(is->draws, kForecastDraws);
  out.p_responder = is->class_probability.front();
  out.effective_sample_size = is->effective_sample_size;
  const std::size_t best = laplace->best_class();
  out.map_starts_agreeing = laplace->classes[best].starts_agreeing;
  for (std::size_t k = 0; k < m.parameters.size(); ++k) {
    const estimation::ParameterSpec& spec = m.parameters[k];
    std::vector<double> values;
    for (const auto& w : draws) {
      values.push_back(spec.natural(w.theta(static_cast<Eigen::Index>(k))));
    }
    out.parameters.push_back(
        {.name = spec.name,
         .unit = spec.unit,
         .estimate = spec.natural(laplace->classes[best].map(static_cast<Eigen::Index>(k))),
         .lower80 = weighted_quantile(values, 0.1),
         .upper80 = weighted_quantile(values, 0.9),
         .population = spec.natural(m.prior_mean(static_cast<Eigen::Index>(k)))});
  }

  // Recommendation: next dose on a clinic day, the same clock time as the last dose.
  const double now_h = std::max(hours_between(origin, now), data.ratings.back().time.value());
  const Session& last = *g.dosed.back();
  out.dose_route = last.route;
  out.dose_mg_per_kg = last.dose_per_kg.value();
  if (last.route == Route::Iv && last.dose_ended_at && *last.dose_ended_at > last.started_at) {
    out.dose_minutes = std::round(hours_between(last.started_at, *last.dose_ended_at) * 60.0);
  }
  estimation::RecommendRequest req;
  req.now = now_h;
  req.risk = query.risk;
  req.horizon = query.horizon_weeks * 7.0 * 24.0;
  req.maintenance = data.doses.back();
  for (int k = 1; k <= kCandidateDays; ++k) {
    const Timestamp t = last.started_at + std::chrono::days(k);
    const double h = hours_between(origin, t);
    if (h >= now_h && hours_between(last.started_at, t) >= dosing.min_dose_interval_hours &&
        is_clinic_day(local_day(t, calendar), calendar)) {
      req.candidates.push_back(h);
    }
  }
  for (const int d : kIntervalsDays) {
    req.intervals.push_back(d * 24.0);
  }
  const estimation::ForecastOptions options{.scale = scale,
                                            .responder_reduction = policy.responder_reduction};
  std::vector<pd::Dose> planned;
  if (!req.candidates.empty()) {
    const auto rec = estimation::recommend(*individual, draws, req, options);
    if (!rec) {
      return core::fail(core::ErrorCode::Solver, "forecast: {}", rec.error().message);
    }
    out.within_risk = rec->within_risk;
    out.p_loss = rec->chosen.p_loss;
    out.expected_weeks_in_response = rec->chosen.weeks_in_response;
    out.weeks_per_infusion = rec->chosen.weeks_per_infusion();
    out.weeks_gained_per_infusion = rec->chosen.credited_per_infusion();
    out.schedules_tried = static_cast<int>(rec->evaluated.size());
    out.schedules_within_risk = static_cast<int>(std::ranges::count_if(
        rec->evaluated, [&](const estimation::ScheduleRisk& e) { return e.p_loss <= query.risk; }));
    out.infusions = rec->chosen.infusions;
    out.reason = rec->reason;
    out.next_date = local_day(at_hours(origin, rec->chosen.next), calendar);
    out.interval_days = static_cast<int>(std::lround(rec->chosen.interval / 24.0));
    for (double t = rec->chosen.next; t < now_h + req.horizon; t += rec->chosen.interval) {
      out.proposed_dates.push_back(local_day(at_hours(origin, t), calendar));
      pd::Dose d = req.maintenance;
      d.time = core::Hours(t);
      planned.push_back(d);
    }
    out.basis = rec->within_risk ? "model" : "rule";
  } else {
    out.reason = "no clinic day within 5 weeks of the last dose is open for a next dose";
  }
  // Relapse without a further dose; the trajectory under the proposed schedule.
  const auto alone = estimation::forecast(
      *individual, draws, {.now = now_h, .horizon = req.horizon, .planned = {}}, options);
  const auto planned_forecast = estimation::forecast(
      *individual, draws, {.now = now_h, .horizon = req.horizon, .planned = planned}, options);
  if (!alone || !planned_forecast) {
    return core::fail(core::ErrorCode::Solver, "forecast: {}",
                      (!alone ? alone.error() : planned_forecast.error()).message);
  }
  out.p_response_now = alone->p_response_now;
  out.response_threshold = alone->threshold_median;
  for (const auto& r : alone->relapse) {
    const Date day = local_day(at_hours(origin, r.time), calendar);
    if (out.relapse.empty() || out.relapse.back().first != day) {
      out.relapse.emplace_back(day, r.probability);
    } else {
      out.relapse.back().second = r.probability;
    }
  }
  if (alone->relapse_median) {
    out.relapse_median = local_day(at_hours(origin, *alone->relapse_median), calendar);
  }
  for (const auto& p : planned_forecast->points) {
    out.days.push_back({.day = local_day(at_hours(origin, p.time), calendar),
                        .median = p.median,
                        .lower50 = p.i50.lower,
                        .upper50 = p.i50.upper,
                        .lower80 = p.i80.lower,
                        .upper80 = p.i80.upper,
                        .lower95 = p.i95.lower,
                        .upper95 = p.i95.upper,
                        .p_response = p.p_response,
                        .trough = p.trough});
  }
  return out;
}

namespace {

std::string dates_text(const std::vector<Date>& dates) {
  std::string out;
  for (const Date d : dates) {
    out += (out.empty() ? "" : ", ") + format_date(d);
  }
  return out;
}

// The recomputed recommendation against what the clinician saw: Conflict naming what changed.
core::Status check_seen(const ClinicForecast& f, const ForecastAcceptance& seen) {
  std::vector<std::string> changed;
  if (seen.ratings_used && *seen.ratings_used != f.ratings_used) {
    changed.push_back(
        fmt::format("ratings used {} (shown {})", f.ratings_used, *seen.ratings_used));
  }
  if (seen.doses_used && *seen.doses_used != f.doses_used) {
    changed.push_back(fmt::format("doses used {} (shown {})", f.doses_used, *seen.doses_used));
  }
  if (f.next_date != seen.next_date) {
    changed.push_back(fmt::format("next infusion {} (shown {})", format_date(*f.next_date),
                                  format_date(seen.next_date)));
  }
  if (f.interval_days != seen.interval_days) {
    changed.push_back(fmt::format("interval {} days (shown {} days)", f.interval_days.value_or(0),
                                  seen.interval_days));
  }
  if (changed.empty()) {
    return {};
  }
  std::string list;
  for (const std::string& c : changed) {
    list += (list.empty() ? "" : "; ") + c;
  }
  return core::fail(core::ErrorCode::Conflict,
                    "forecast accept: the forecast changed since it was shown ({}): review the new "
                    "forecast and accept that one",
                    list);
}

// A recommendation above the risk is for review beside the rule; a prescriber may still accept it,
// with a reason (the rule's own schedule is held to no risk at all, and when no schedule meets the
// risk the recommendation is the best the model found). A reason for one within the risk would
// record an override that did not happen: refused.
core::Status check_above_risk(const ClinicForecast& f, const ForecastAcceptance& seen) {
  if (f.within_risk) {
    if (!core::is_blank(seen.above_risk_reason)) {
      return core::fail(core::ErrorCode::Validation,
                        "forecast accept: the recommendation is within the risk (P(loss of "
                        "response) {:.2f} at risk {:.2f}): no above-risk reason is needed",
                        f.p_loss, f.risk);
    }
    return {};
  }
  if (core::is_blank(seen.above_risk_reason)) {
    return core::fail(core::ErrorCode::Validation,
                      "forecast accept: risk not met: no schedule the model tried keeps P(loss of "
                      "response) at or below the risk {:.2f} (the one shown: P {:.2f}); the "
                      "rule-based suggestion ({}) stands, or accept this one with a reason "
                      "(above_risk_reason, --above-risk-reason)",
                      f.risk, f.p_loss, to_string(f.rule.recommendation));
  }
  return core::check_required_text("forecast accept: above-risk reason", seen.above_risk_reason);
}

}  // namespace

core::Result<ForecastOutcome> accept_forecast(ClinicService& clinic, PatientId id,
                                              const pd::KetamineModel& model,
                                              const ForecastQuery& query,
                                              const ForecastAcceptance& seen) {
  KETAPATH_TRY(clinic.authorize(Permission::OrderDose));  // before a second of computing
  // The clearance gate today first: a patient not cleared today is not cleared on any later day
  // (consent and screenings are dated today or earlier, and a screening only ages), so this
  // refuses early with the gate's own reason; the course's first day is checked again in the
  // transaction (decide_forecast).
  const Date today = KETAPATH_TRY(clinic.clinic_day(clinic.now()));
  KETAPATH_TRY(clinic.clearance(id, today));
  ClinicForecast f = KETAPATH_TRY(forecast(clinic, id, model, query));
  if (!f.sufficient) {
    return core::fail(core::ErrorCode::Validation,
                      "forecast accept: the model cannot recommend for patient {} ({}); the "
                      "rule-based suggestion ({}) stands: plan it with course plan",
                      id.value(), f.insufficient_reason, to_string(f.rule.recommendation));
  }
  if (!f.next_date || !f.interval_days || f.proposed_dates.empty()) {
    return core::fail(core::ErrorCode::Validation,
                      "forecast accept: the model proposes no schedule for patient {}; the "
                      "rule-based suggestion ({}) stands: plan it with course plan",
                      id.value(), to_string(f.rule.recommendation));
  }
  KETAPATH_TRY(check_above_risk(f, seen));
  KETAPATH_TRY(check_seen(f, seen));
  Course c;
  c.patient = id;
  c.protocol = CourseProtocol::MaintenanceForecast;
  c.overlap_reason = seen.allow_overlap_reason;
  c.notes = fmt::format(
      "accepted forecast ({}): {} every {} days, {}; P(loss of response) {:.2f} at risk {:.2f}{}; "
      "{} {} rating(s), {} dose(s)",
      f.model, pd::route_name(f.dose_route), *f.interval_days, dates_text(f.proposed_dates),
      f.p_loss, f.risk, f.within_risk ? "" : " (above the risk, accepted with a reason)",
      f.ratings_used, pd::scale_record_name(f.scale), f.doses_used);
  int number = 1;
  for (const Date d : f.proposed_dates) {
    PlannedSession p;
    p.number = number++;
    p.planned_on = d;
    p.route = f.dose_route;
    p.dose = core::MilligramsPerKilogram(f.dose_mg_per_kg);
    if (f.dose_route == Route::Iv && f.dose_minutes) {
      p.duration = core::Minutes(*f.dose_minutes);
    }
    c.sessions.push_back(p);
  }
  ForecastDecision d;
  d.patient = id;
  d.verdict = ForecastVerdict::Accepted;
  d.reason = f.within_risk ? seen.note
                           : fmt::format("above the risk: {}{}", seen.above_risk_reason,
                                         seen.note.empty() ? "" : "; note: " + seen.note);
  d.basis_json = canonical(forecast_basis(f));
  auto stored = KETAPATH_TRY(clinic.decide_forecast(std::move(d), std::move(c)));
  return ForecastOutcome{.decision = std::move(stored.decision),
                         .course = std::move(stored.course),
                         .forecast = std::move(f)};
}

core::Result<ForecastOutcome> reject_forecast(ClinicService& clinic, PatientId id,
                                              const pd::KetamineModel& model,
                                              const ForecastQuery& query, std::string reason) {
  KETAPATH_TRY(clinic.authorize(Permission::OrderDose));
  if (core::is_blank(reason)) {
    return core::fail(core::ErrorCode::Validation, "forecast reject: a reason is required");
  }
  KETAPATH_TRY(core::check_required_text("forecast reject: reason", reason));
  ClinicForecast f = KETAPATH_TRY(forecast(clinic, id, model, query));
  ForecastDecision d;
  d.patient = id;
  d.verdict = ForecastVerdict::Rejected;
  d.reason = std::move(reason);
  d.basis_json = canonical(forecast_basis(f));
  auto stored = KETAPATH_TRY(clinic.decide_forecast(std::move(d), std::nullopt));
  return ForecastOutcome{
      .decision = std::move(stored.decision), .course = std::nullopt, .forecast = std::move(f)};
}

}  // namespace ketapath::clinic
