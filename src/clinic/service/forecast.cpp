// The JSON form and the chart of a clinic forecast (forecast.h).

#include "clinic/service/forecast.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clinic/json/json.h"

namespace ketapath::clinic {
namespace {

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

nlohmann::json dose_json(const ClinicForecast& f) {
  using nlohmann::json;
  if (f.dose_mg_per_kg <= 0.0) {
    return nullptr;
  }
  return {{"route", pd::route_name(f.dose_route)},
          {"mg_per_kg", f.dose_mg_per_kg},
          {"duration_min", f.dose_minutes ? json(*f.dose_minutes) : json(nullptr)}};
}

}  // namespace

nlohmann::json to_json(const ClinicForecast& f) {
  using nlohmann::json;
  json data{
      {"ratings_used", f.ratings_used}, {"doses_used", f.doses_used}, {"notes", f.data_notes}};
  if (f.first_rating) {
    data["first_rating"] = format_timestamp(*f.first_rating);
    data["last_rating"] = format_timestamp(*f.last_rating);
  }
  json observed = json::array();
  for (const auto& [at, total] : f.observed) {
    observed.push_back({{"at", format_timestamp(at)}, {"total", total}});
  }
  data["observed"] = observed;
  json out{{"patient", f.patient.value()},
           {"model", f.model},
           {"scale", pd::scale_record_name(f.scale)},
           {"data", data},
           {"sufficient", f.sufficient},
           {"basis", f.basis},
           {"reason", f.reason}};
  json rule{{"recommendation", to_string(f.rule.recommendation)}, {"rule", f.rule.rule}};
  json rule_dates = json::array();
  for (const Date d : f.rule.proposed_dates) {
    rule_dates.push_back(format_date(d));
  }
  rule["proposed_dates"] = rule_dates;
  out["rule_based"] = rule;
  if (!f.sufficient) {
    out["insufficient_reason"] = f.insufficient_reason;
    return out;
  }
  json params = json::array();
  for (const ForecastParameter& p : f.parameters) {
    params.push_back({{"name", p.name},
                      {"unit", p.unit},
                      {"estimate", p.estimate},
                      {"lower80", p.lower80},
                      {"upper80", p.upper80},
                      {"population", p.population}});
  }
  out["posterior"] = {{"p_responder", round3(f.p_responder)},
                      {"parameters", params},
                      {"effective_sample_size", std::round(f.effective_sample_size)},
                      {"map_starts_agreeing", f.map_starts_agreeing}};
  json days = json::array();
  for (const ForecastDay& d : f.days) {
    days.push_back({{"day", format_date(d.day)},
                    {"median", d.median},
                    {"interval50", {d.lower50, d.upper50}},
                    {"interval80", {d.lower80, d.upper80}},
                    {"interval95", {d.lower95, d.upper95}},
                    {"p_response", round3(d.p_response)},
                    {"trough", d.trough}});
  }
  json relapse = json::array();
  for (const auto& [day, p] : f.relapse) {
    relapse.push_back({{"day", format_date(day)}, {"p_relapsed", round3(p)}});
  }
  out["forecast"] = {
      {"response_threshold", f.response_threshold},
      {"p_response_now", round3(f.p_response_now)},
      {"relapse_median", f.relapse_median ? json(format_date(*f.relapse_median)) : json(nullptr)},
      {"relapse", relapse},
      {"days", days}};
  json dates = json::array();
  for (const Date d : f.proposed_dates) {
    dates.push_back(format_date(d));
  }
  out["recommendation"] = {
      {"within_risk", f.within_risk},
      {"risk", f.risk},
      {"next_date", f.next_date ? json(format_date(*f.next_date)) : json(nullptr)},
      {"interval_days", f.interval_days ? json(*f.interval_days) : json(nullptr)},
      {"infusions", f.infusions},
      {"p_loss", round3(f.p_loss)},
      {"expected_weeks_in_response", round3(f.expected_weeks_in_response)},
      {"weeks_per_infusion", round3(f.weeks_per_infusion)},
      {"weeks_gained_per_infusion", round3(f.weeks_gained_per_infusion)},
      {"schedules_tried", f.schedules_tried},
      {"schedules_within_risk", f.schedules_within_risk},
      {"proposed_dates", dates},
      {"dose", dose_json(f)}};
  return out;
}

nlohmann::json forecast_basis(const ClinicForecast& f) {
  using nlohmann::json;
  json dates = json::array();
  for (const Date d : f.proposed_dates) {
    dates.push_back(format_date(d));
  }
  json out{{"model", f.model},
           {"scale", pd::scale_record_name(f.scale)},
           {"ratings_used", f.ratings_used},
           {"doses_used", f.doses_used},
           {"sufficient", f.sufficient},
           {"basis", f.basis},
           {"within_risk", f.within_risk},
           {"risk", f.risk},
           {"p_loss", round3(f.p_loss)},
           {"expected_weeks_in_response", round3(f.expected_weeks_in_response)},
           {"weeks_per_infusion", round3(f.weeks_per_infusion)},
           {"weeks_gained_per_infusion", round3(f.weeks_gained_per_infusion)},
           {"p_responder", round3(f.p_responder)},
           {"next_date", f.next_date ? json(format_date(*f.next_date)) : json(nullptr)},
           {"interval_days", f.interval_days ? json(*f.interval_days) : json(nullptr)},
           {"proposed_dates", dates},
           {"dose", dose_json(f)},
           {"rule_based", to_string(f.rule.recommendation)},
           {"reason", f.reason}};
  if (f.first_rating) {
    out["first_rating"] = format_timestamp(*f.first_rating);
    out["last_rating"] = format_timestamp(*f.last_rating);
  }
  return out;
}

nlohmann::json to_json(const ForecastDecision& d) {
  using nlohmann::json;
  json basis = json::parse(d.basis_json.empty() ? "null" : d.basis_json, nullptr, false);
  if (basis.is_discarded()) {
    basis = d.basis_json;  // shown as stored rather than lost
  }
  return {{"id", d.id.value()},
          {"patient", d.patient.value()},
          {"decision", to_string(d.verdict)},
          {"decided_at", format_timestamp(d.decided_at)},
          {"decided_by", d.decided_by},
          {"reason", d.reason},
          {"course", d.course ? json(d.course->value()) : json(nullptr)},
          {"basis", basis}};
}

core::Chart forecast_chart(const ClinicForecast& f) {
  constexpr double kW = 720.0;
  constexpr double kH = 320.0;
  constexpr double kLeft = 50.0;
  constexpr double kRight = 20.0;
  constexpr double kTop = 30.0;
  constexpr double kBottom = 40.0;
  core::Chart chart{
      .width = kW,
      .height = kH,
      .attributes = {{"font-family", "sans-serif"}, {"font-size", "11"}, {"role", "img"}},
      .marks = {}};
  const auto text = [&](double x, double y, std::string s, std::string anchor = "start") {
    chart.marks.push_back({.tag = "text",
                           .attributes = {{"x", core::svg_pixel(x)},
                                          {"y", core::svg_pixel(y)},
                                          {"text-anchor", anchor}},
                           .text = std::move(s)});
  };
  text(kLeft, 18.0,
       fmt::format("{} forecast ({}): median and 50/80/95% prediction intervals",
                   pd::scale_record_name(f.scale), f.model));
  if (f.days.empty()) {
    text(kLeft, kH / 2, f.sufficient ? "no forecast" : "too few ratings: " + f.insufficient_reason);
    return chart;
  }
  const double d0 = static_cast<double>(f.days.front().day.time_since_epoch().count());
  const double d1 = static_cast<double>(f.days.back().day.time_since_epoch().count());
  double ymax = 1.0;
  for (const ForecastDay& d : f.days) {
    ymax = std::max(ymax, d.upper95);
  }
  for (const auto& o : f.observed) {
    ymax = std::max(ymax, static_cast<double>(o.second));
  }
  ymax = std::ceil(ymax / 5.0) * 5.0;
  const auto x = [&](double day) {
    return kLeft + (day - d0) / std::max(1.0, d1 - d0) * (kW - kLeft - kRight);
  };
  const auto y = [&](double v) {
    return kH - kBottom - v / ymax * (kH - kTop - kBottom);
  };
  const auto day_of_date = [](Date d) {
    return static_cast<double>(d.time_since_epoch().count());
  };
  // Axes and grid
  for (int k = 0; k <= 5; ++k) {
    const double v = ymax * k / 5.0;
    chart.marks.push_back({.tag = "line",
                           .attributes = {{"x1", core::svg_pixel(kLeft)},
                                          {"y1", core::svg_pixel(y(v))},
                                          {"x2", core::svg_pixel(kW - kRight)},
                                          {"y2", core::svg_pixel(y(v))},
                                          {"stroke", "#ddd"}}});
    text(kLeft - 6.0, y(v) + 4.0, core::svg_number(v), "end");
  }
  text(kLeft, kH - 12.0, format_date(f.days.front().day));
  text(kW - kRight, kH - 12.0, format_date(f.days.back().day), "end");
  // Bands, widest first
  const auto band = [&](auto lower, auto upper, const char* fill) {
    std::string points;
    for (const ForecastDay& d : f.days) {
      points += fmt::format("{},{} ", core::svg_pixel(x(day_of_date(d.day))),
                            core::svg_pixel(y(upper(d))));
    }
    for (auto it = f.days.rbegin(); it != f.days.rend(); ++it) {
      points += fmt::format("{},{} ", core::svg_pixel(x(day_of_date(it->day))),
                            core::svg_pixel(y(lower(*it))));
    }
    chart.marks.push_back(
        {.tag = "polygon", .attributes = {{"points", points}, {"fill", fill}, {"stroke", "none"}}});
  };
  band([](const ForecastDay& d) { return d.lower95; },
       [](const ForecastDay& d) { return d.upper95; }, "#dbe8f6");
  band([](const ForecastDay& d) { return d.lower80; },
       [](const ForecastDay& d) { return d.upper80; }, "#b6d1ee");
  band([](const ForecastDay& d) { return d.lower50; },
       [](const ForecastDay& d) { return d.upper50; }, "#8ab4e0");
  std::string median = "M";
  for (const ForecastDay& d : f.days) {
    median +=
        fmt::format(" {} {}", core::svg_pixel(x(day_of_date(d.day))), core::svg_pixel(y(d.median)));
  }
  chart.marks.push_back(
      {.tag = "path",
       .attributes = {
           {"d", median}, {"fill", "none"}, {"stroke", "#1f4e8c"}, {"stroke-width", "1.5"}}});
  // Response threshold
  chart.marks.push_back({.tag = "line",
                         .attributes = {{"x1", core::svg_pixel(kLeft)},
                                        {"y1", core::svg_pixel(y(f.response_threshold))},
                                        {"x2", core::svg_pixel(kW - kRight)},
                                        {"y2", core::svg_pixel(y(f.response_threshold))},
                                        {"stroke", "#2a8a2a"},
                                        {"stroke-dasharray", "4 3"}}});
  text(kW - kRight, y(f.response_threshold) - 4.0, "response threshold", "end");
  // Proposed doses
  for (const Date d : f.proposed_dates) {
    const double px = x(day_of_date(d));
    chart.marks.push_back(
        {.tag = "line",
         .attributes = {{"x1", core::svg_pixel(px)},
                        {"y1", core::svg_pixel(kTop)},
                        {"x2", core::svg_pixel(px)},
                        {"y2", core::svg_pixel(kH - kBottom)},
                        {"stroke", "#c77"},
                        {"stroke-dasharray", "2 3"}},
         .children = {{.tag = "title", .text = "proposed dose " + format_date(d)}}});
  }
  // Observed ratings
  for (const auto& [at, score] : f.observed) {
    const double day =
        static_cast<double>(std::chrono::floor<std::chrono::days>(at).time_since_epoch().count());
    chart.marks.push_back(
        {.tag = "circle",
         .attributes = {{"cx", core::svg_pixel(x(day))},
                        {"cy", core::svg_pixel(y(score))},
                        {"r", "3"},
                        {"fill", "#000"}},
         .children = {
             {.tag = "title", .text = fmt::format("{} {}", format_timestamp(at), score)}}});
  }
  return chart;
}

}  // namespace ketapath::clinic
