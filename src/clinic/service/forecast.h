#pragma once
// Model-informed maintenance for one patient (issue 13): the patient's own response model
// estimated from their doses and ratings (estimation/ketamine_individual.h), the forecast of a
// scale with prediction intervals, relapse, and the next infusion and maintenance interval with
// the most expected weeks in response per infusion among those that keep the predicted P(loss of
// response) under the clinic's risk, beside the rule-based suggestion (response.h). With too few
// ratings it says so and the rule stands.
//
// It is a use case of the service layer composed of ClinicService's read use cases (patient,
// sessions, assessments, response_plan, settings), each of which checks the acting user, so it
// takes the service rather than being a member (a member would change service.h, which every
// store, server and CLI file includes).
//
// Example:
//   auto f = clinic::forecast(service, patient, model, {.model_label = "ketamine 0.1.0"});
//   std::string svg = core::render_svg(clinic::forecast_chart(*f));

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinic/domain/course.h"
#include "clinic/domain/forecast_decision.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/response.h"
#include "clinic/domain/scales.h"
#include "clinic/domain/time.h"
#include "core/error.h"
#include "core/svg.h"

namespace ketapath::pd {
struct KetamineModel;
}

namespace ketapath::clinic {

class ClinicService;

struct ForecastQuery {
  std::string model_label;     ///< model name, file and version, shown with every forecast
  std::optional<Scale> scale;  ///< default: the modelled scale with the most ratings
  double risk = 0.2;           ///< largest acceptable P(loss of response), (0, 1)
  int horizon_weeks = 12;
  std::uint64_t seed = 1;
  int draws = 1000;  ///< importance-sampling draws (forecasts use 200 resampled)
};

/// The fewest ratings on the scale (with one before the first dose) a forecast is made from.
inline constexpr int kMinForecastRatings = 4;

struct ForecastParameter {
  std::string name;  ///< "ANX_EC50"
  std::string unit;
  double estimate = 0.0;  ///< MAP of the most probable class, natural scale
  double lower80 = 0.0;   ///< 80% credible interval (posterior draws)
  double upper80 = 0.0;
  double population = 0.0;  ///< the typical value
};

struct ForecastDay {
  Date day{};
  double median = 0.0;
  double lower50 = 0.0, upper50 = 0.0, lower80 = 0.0, upper80 = 0.0, lower95 = 0.0, upper95 = 0.0;
  double p_response = 0.0;
  bool trough = true;
};

struct ClinicForecast {
  PatientId patient{};
  std::string model;  ///< ForecastQuery::model_label
  Scale scale = Scale::HamA;
  // Data used
  int ratings_used = 0;
  int doses_used = 0;
  std::optional<Timestamp> first_rating;
  std::optional<Timestamp> last_rating;
  std::vector<std::string> data_notes;              ///< ratings left out and why
  std::vector<std::pair<Timestamp, int>> observed;  ///< the ratings of `scale` used
  bool sufficient = false;
  std::string insufficient_reason;  ///< when !sufficient: why the rule stands alone
  // Posterior
  double p_responder = 0.0;
  std::vector<ForecastParameter> parameters;
  double effective_sample_size = 0.0;
  int map_starts_agreeing = 0;
  // Forecast (no further dose) and relapse
  double response_threshold = 0.0;  ///< median threshold score (points)
  std::vector<ForecastDay> days;
  double p_response_now = 0.0;
  std::vector<std::pair<Date, double>> relapse;  ///< P(relapsed by day)
  std::optional<Date> relapse_median;
  // Recommendation: the allowed schedule with the most expected weeks in response gained per
  // infusion (over no further infusion) among those within the risk; when none is, the best of all,
  // flagged (within_risk false: "risk not met", shown beside the rule, which stands unless a
  // prescriber accepts the recommendation with a reason, ForecastAcceptance::above_risk_reason).
  bool within_risk = false;
  std::optional<Date> next_date;
  std::optional<int> interval_days;
  int infusions = 0;  ///< in the horizon
  double p_loss = 0.0;
  /// Until one interval after the last proposed infusion, under the proposed schedule.
  double expected_weeks_in_response = 0.0;
  double weeks_per_infusion = 0.0;  ///< expected_weeks_in_response / infusions
  /// Expected weeks in response the infusions add over no further infusion, per infusion: what
  /// the recommendation maximises.
  double weeks_gained_per_infusion = 0.0;
  int schedules_tried = 0;
  int schedules_within_risk = 0;
  double risk = 0.2;
  std::vector<Date> proposed_dates;
  /// The maintenance dose the proposal repeats: the last dose given (route, mg/kg, infusion
  /// minutes for IV), what an accepted proposal plans.
  Route dose_route = Route::Iv;
  double dose_mg_per_kg = 0.0;
  std::optional<double> dose_minutes;
  std::string reason;
  std::string basis;  ///< "model" or "rule" (which suggestion to follow)
  ResponsePlan rule;  ///< the rule-based suggestion, always shown beside
};

/// Model-informed maintenance for patient `id`: the patient's response model estimated from their
/// doses and ratings under `model` as the prior, the forecast of one scale, relapse, and the next
/// infusion and interval within query.risk, beside the rule-based plan. Read-only (no audit
/// entry). With fewer than kMinForecastRatings ratings of the scale, none before the first dose,
/// or no dose, it says so and the rule stands (sufficient = false). Validation for a scale the
/// model does not rate (PHQ-9, CADSS) or a risk outside (0, 1); the read use cases' errors
/// (NotFound, Unauthorized); Solver when the fit fails.
core::Result<ClinicForecast> forecast(ClinicService& clinic, PatientId id,
                                      const pd::KetamineModel& model, const ForecastQuery& query);

/// What the clinician saw and accepts (forecast accept): the recommendation's next date and
/// interval, and optionally the data counts the forecast was shown with. The accept recomputes
/// the forecast (same seed, same data, same answer) and refuses (Conflict) when any given value
/// differs: the data or the policy changed since it was shown.
struct ForecastAcceptance {
  Date next_date{};
  int interval_days = 0;
  std::optional<int> ratings_used;
  std::optional<int> doses_used;
  std::string note;                  ///< optional, stored with the decision
  std::string allow_overlap_reason;  ///< as course plan --allow-overlap
  /// Why the prescriber accepts a recommendation above the risk (within_risk false): required
  /// then, refused otherwise; stored as the decision's reason.
  std::string above_risk_reason;
};

/// A decision with the forecast it was made on.
struct ForecastOutcome {
  ForecastDecision decision;
  std::optional<Course> course;  ///< the planned maintenance course (accepted)
  ClinicForecast forecast;
};

/// Accepts the model's recommendation for patient `id`: recomputes the forecast (as `forecast`),
/// refuses (Validation) when it is not sufficient or not within the risk (the rule-based
/// suggestion stands: plan with course plan), refuses (Conflict) when `seen` no longer matches
/// the recomputed recommendation, and otherwise plans its proposed dates as a
/// maintenance_forecast course in ONE transaction through course plan's gates
/// (ClinicService::decide_forecast), the basis (forecast_basis) stored with the decision and
/// audited. Prescribers only (checked before the forecast is computed).
core::Result<ForecastOutcome> accept_forecast(ClinicService& clinic, PatientId id,
                                              const pd::KetamineModel& model,
                                              const ForecastQuery& query,
                                              const ForecastAcceptance& seen);

/// Rejects the recommendation with a reason (required, not blank): recomputes the forecast for
/// its basis and stores the decision (audited "forecast.reject"). Prescribers only.
core::Result<ForecastOutcome> reject_forecast(ClinicService& clinic, PatientId id,
                                              const pd::KetamineModel& model,
                                              const ForecastQuery& query, std::string reason);

/// What a decision is made on: model, scale, data used (ratings, doses, first and last rating),
/// sufficient, basis, within_risk, risk, p_loss, P(responder), next date, interval, proposed
/// dates, the dose, the rule-based recommendation.
nlohmann::json forecast_basis(const ClinicForecast& forecast);

/// The JSON form of a decision (its basis parsed back into an object).
nlohmann::json to_json(const ForecastDecision& decision);

/// The JSON document of a forecast (CLI --json and the server).
nlohmann::json to_json(const ClinicForecast& forecast);

/// The forecast chart: past ratings, the predicted median with 50/80/95% bands, the response
/// threshold and the proposed dates.
core::Chart forecast_chart(const ClinicForecast& forecast);

}  // namespace ketapath::clinic
