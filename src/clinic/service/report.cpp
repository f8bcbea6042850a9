#include "clinic/service/report.h"

#include <algorithm>
#include <array>

#include "clinic/domain/clearance.h"
#include "clinic/domain/dose_calculator.h"
#include "core/number_text.h"
#include "core/svg.h"

namespace ketapath::clinic {
namespace {

std::string escape(std::string_view text) {
  return core::xml_escape(text);
}

struct Band {
  int upper;  // inclusive
  const char* colour;
};

// Severity bands to shade (clinic-practice.md section 5), light to dark.
std::vector<Band> bands_for(Scale scale) {
  switch (scale) {
    case Scale::Gad7:
      return {{4, "#e8f5e9"}, {9, "#fffde7"}, {14, "#fff3e0"}, {21, "#ffebee"}};
    case Scale::Phq9:
      return {{4, "#e8f5e9"}, {9, "#fffde7"}, {14, "#fff3e0"}, {19, "#fbe9e7"}, {27, "#ffebee"}};
    case Scale::HamA:
      return {{7, "#e8f5e9"}, {14, "#fffde7"}, {23, "#fff3e0"}, {56, "#ffebee"}};
    case Scale::Lsas:
      return {{29, "#e8f5e9"}, {54, "#fffde7"}, {79, "#fff3e0"}, {144, "#ffebee"}};
    case Scale::Fq:
    case Scale::Cadss:
      return {};
  }
  return {};
}

// A table row in Markdown or HTML.
std::string row(const std::vector<std::string>& cells, ReportFormat f, bool header = false) {
  std::string out;
  if (f == ReportFormat::Markdown) {
    out = "|";
    for (const auto& c : cells) {
      out += " " + c + " |";
    }
    out += "\n";
    if (header) {
      out += "|";
      for (std::size_t i = 0; i < cells.size(); ++i) {
        out += " --- |";
      }
      out += "\n";
    }
    return out;
  }
  out = "<tr>";
  for (const auto& c : cells) {
    out += fmt::format("<{0}>{1}</{0}>", header ? "th" : "td", escape(c));
  }
  return out + "</tr>\n";
}

std::string heading_text(const std::string& text, int level, ReportFormat f) {
  if (f == ReportFormat::Markdown) {
    return fmt::format("\n{} {}\n\n", std::string(static_cast<std::size_t>(level), '#'), text);
  }
  return fmt::format("<h{0}>{1}</h{0}>\n", level, escape(text));
}

std::string paragraph_text(const std::string& text, ReportFormat f) {
  return f == ReportFormat::Markdown ? text + "\n\n" : "<p>" + escape(text) + "</p>\n";
}

std::string table_text(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, ReportFormat f) {
  std::string out = f == ReportFormat::Html ? "<table>\n" : "";
  out += row(header, f, true);
  for (const auto& r : rows) {
    out += row(r, f);
  }
  return out + (f == ReportFormat::Html ? "</table>\n" : "\n");
}

}  // namespace

std::optional<core::Chart> score_chart(const ResponseSummary& r) {
  if (!r.baseline) {
    return std::nullopt;
  }
  const ScaleDefinition& def = scale_definition(r.scale);
  constexpr double kW = 560, kH = 252, kLeft = 44, kRight = 16, kTop = 24, kBottom = 48;
  const double plot_w = kW - kLeft - kRight;
  const double plot_h = kH - kTop - kBottom;
  std::vector<int> totals{*r.baseline};
  for (const auto& p : r.trajectory) {
    totals.push_back(p.total);
  }
  const int n = static_cast<int>(totals.size());
  const double ymax = def.total_max;
  const auto x = [&](int i) {
    return kLeft + (n == 1 ? plot_w / 2 : plot_w * i / (n - 1));
  };
  const auto y = [&](double v) {
    return kTop + plot_h * (1.0 - v / ymax);
  };
  const auto px = [](double v) {
    return core::svg_pixel(v);
  };
  const auto mark = [](std::string tag, std::vector<core::SvgAttribute> attributes,
                       std::string text = "", bool line_break = true) {
    return core::SvgElement{.tag = std::move(tag),
                            .attributes = std::move(attributes),
                            .text = std::move(text),
                            .children = {},
                            .line_break = line_break};
  };
  core::Chart chart{.width = kW,
                    .height = kH,
                    .attributes = {{"font-family", "sans-serif"},
                                   {"font-size", "11"},
                                   {"role", "img"},
                                   {"aria-label", fmt::format("{} scores", def.label)}},
                    .marks = {}};
  auto& out = chart.marks;
  int lower = 0;
  for (const Band& b : bands_for(r.scale)) {
    out.push_back(mark("rect", {{"x", px(kLeft)},
                                {"y", px(y(b.upper))},
                                {"width", px(plot_w)},
                                {"height", px(y(lower) - y(b.upper))},
                                {"fill", b.colour}}));
    out.push_back(mark(
        "text", {{"x", px(kLeft + plot_w - 4 - 60)}, {"y", px(y(b.upper) + 11)}, {"fill", "#888"}},
        std::string(severity_band(r.scale, b.upper))));
    lower = b.upper + 1;
  }
  out.push_back(mark("rect", {{"x", px(kLeft)},
                              {"y", px(kTop)},
                              {"width", px(plot_w)},
                              {"height", px(plot_h)},
                              {"fill", "none"},
                              {"stroke", "#999"}}));
  for (int t = 0; t <= 4; ++t) {
    const double v = ymax * t / 4.0;
    out.push_back(mark("text", {{"x", px(kLeft - 4)}, {"y", px(y(v) + 4)}, {"text-anchor", "end"}},
                       core::display_number(v, 0)));
  }
  const double base = *r.baseline;
  const auto reference = [&](double level, const char* colour, const char* dash, std::string label,
                             bool label_below = false) {
    out.push_back(mark("line",
                       {{"x1", px(kLeft + 2)},
                        {"x2", px(kLeft + plot_w)},
                        {"y1", px(y(level))},
                        {"y2", px(y(level))},
                        {"stroke", colour},
                        {"stroke-dasharray", dash}},
                       "", false));
    out.push_back(mark(
        "text",
        {{"x", px(kLeft + 2)}, {"y", px(y(level) + (label_below ? 11 : -3))}, {"fill", colour}},
        std::move(label)));
  };
  reference(base, "#555", "4 3", fmt::format("baseline {}", *r.baseline));
  // The responder and remission lines are analyse_response's (the stored response policy, the
  // scale's cut-off), not a percentage redrawn here; the remission label sits under its line so
  // that the two labels do not overlap when the lines are close.
  if (r.responder_total) {
    reference(*r.responder_total, "#2e7d32", "2 3",
              fmt::format("response <= {} (trough)", *r.responder_total));
  }
  if (r.remission_total) {
    reference(*r.remission_total, "#00695c", "1 3",
              fmt::format("remission <= {} (with a response)", *r.remission_total), true);
  }
  std::string path;
  for (int i = 0; i < n; ++i) {
    path += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", x(i),
                        y(totals[static_cast<std::size_t>(i)]));
  }
  out.push_back(
      mark("path", {{"d", path}, {"fill", "none"}, {"stroke", "#1565c0"}, {"stroke-width", "2"}}));
  // Each point is labelled by its date (month-day) and the infusions given before it.
  const auto point_day = [&](int i) -> std::optional<Date> {
    if (i == 0) {
      return r.baseline_at ? std::optional<Date>(day_of(*r.baseline_at)) : std::nullopt;
    }
    return day_of(r.trajectory[static_cast<std::size_t>(i - 1)].rated_at);
  };
  const auto point_infusions = [&](int i) {
    return i == 0 ? 0 : r.trajectory[static_cast<std::size_t>(i - 1)].infusion;
  };
  // With many points, every label would overlap: label about 12 of them, always the last.
  const int step = std::max(1, (n + 11) / 12);
  for (int i = 0; i < n; ++i) {
    const int total = totals[static_cast<std::size_t>(i)];
    const std::optional<Date> day = point_day(i);
    const std::string date = day ? format_date(*day) : "";
    core::SvgElement point =
        mark("circle", {{"cx", px(x(i))}, {"cy", px(y(total))}, {"r", "3.5"}, {"fill", "#1565c0"}});
    point.children.push_back(
        mark("title", {},
             fmt::format("{}{}: {} (after {} infusion(s))",
                         i == 0 ? "baseline" : "rating " + std::to_string(i),
                         date.empty() ? "" : " on " + date, total, point_infusions(i)),
             false));
    out.push_back(std::move(point));
    if (i % step != 0 && i != n - 1) {
      continue;
    }
    out.push_back(mark("text",
                       {{"x", px(x(i))}, {"y", px(kH - kBottom + 13)}, {"text-anchor", "middle"}},
                       date.size() == 10 ? date.substr(5) : (i == 0 ? "BL" : std::to_string(i))));
    out.push_back(mark("text",
                       {{"x", px(x(i))}, {"y", px(kH - kBottom + 25)}, {"text-anchor", "middle"}},
                       i == 0 ? "BL" : fmt::format("inf {}", point_infusions(i))));
  }
  out.push_back(
      mark("text", {{"x", px(kLeft + plot_w / 2)}, {"y", px(kH - 3)}, {"text-anchor", "middle"}},
           "trough ratings by date (month-day) and infusions given before (BL = baseline)"));
  out.push_back(mark("text", {{"x", px(kLeft)}, {"y", "14"}, {"font-weight", "bold"}},
                     fmt::format("{} total (0-{})", def.label, def.total_max)));
  return chart;
}

std::string score_chart_svg(const ResponseSummary& r) {
  const std::optional<core::Chart> chart = score_chart(r);
  return chart ? core::render_svg(*chart) : "";
}

/// Every amendment of the letter's records, with the original beside the amended value (only
/// when there is one, so a letter without amendments reads as before).
template <class Heading, class Table>
void amendments_section(const ReportData& d, Heading& heading, Table& table) {
  std::vector<std::vector<std::string>> rows;
  const auto add = [&](const Amendment& a) {
    rows.push_back({format_timestamp(a.amended_at), a.amended_by,
                    fmt::format("{} {}", to_string(a.kind), a.record), a.field, a.original,
                    a.amended, a.reason});
  };
  for (const ScreeningRecord& s : d.screenings) {
    std::for_each(s.amendments.begin(), s.amendments.end(), add);
  }
  for (const Session& s : d.sessions) {
    std::for_each(s.amendments.begin(), s.amendments.end(), add);
  }
  if (rows.empty()) {
    return;
  }
  std::sort(rows.begin(), rows.end());
  heading("Amendments", 2);
  table({"amended", "by", "record", "field", "original", "amended to", "reason"}, rows);
}

namespace {

// A probability for the reader: never 0% or 100%, which a posterior cannot claim.
std::string percent(double p) {
  if (p >= 0.995)
    return ">99%";
  if (p < 0.005)
    return "<1%";
  return core::display_number(100.0 * p, 0) + "%";
}

// The model-informed maintenance part of the plan (forecast.h): what the model was given, what
// it concludes, what it proposes beside the rule, and what the clinicians decided on it.
void forecast_blocks(const ReportData& d, Letter& letter) {
  const auto block = [&letter](LetterBlock::Kind kind, std::string text) {
    letter.blocks.push_back(
        {.kind = kind, .level = 3, .text = std::move(text), .header = {}, .rows = {}, .chart = {}});
  };
  const ClinicForecast& f = *d.forecast;
  block(LetterBlock::Kind::Heading, "Model-informed maintenance (decision support)");
  if (!f.sufficient) {
    block(LetterBlock::Kind::Paragraph,
          fmt::format("No model-informed proposal: {}. The rule-based plan above stands.",
                      f.insufficient_reason));
  } else {
    const std::string_view scale = scale_definition(f.scale).label;
    block(LetterBlock::Kind::Paragraph,
          fmt::format("Model {}, fitted to this patient's {} {} ratings ({} to {}) and {} doses, "
                      "with the population model as the prior.",
                      f.model, f.ratings_used, scale,
                      f.first_rating ? format_date(day_of(*f.first_rating)) : "-",
                      f.last_rating ? format_date(day_of(*f.last_rating)) : "-", f.doses_used));
    block(LetterBlock::Kind::Paragraph,
          fmt::format(
              "Probability of being a responder: {}. Probability of being in response now: {}. "
              "Without a further infusion, the {} trough is predicted to return above the "
              "response threshold ({} points) {}.",
              percent(f.p_responder), percent(f.p_response_now), scale,
              core::display_number(f.response_threshold, 0),
              f.relapse_median ? "by " + format_date(*f.relapse_median) + " (median)"
                               : "not within the forecast horizon (median)"));
    std::string dates;
    for (const Date day : f.proposed_dates)
      dates += (dates.empty() ? "" : ", ") + format_date(day);
    block(LetterBlock::Kind::Paragraph,
          fmt::format("Proposal: next infusion {}{}, {} infusion(s) in the horizon ({}); "
                      "P(loss of response) {} against the clinic's risk of {}; {} weeks in "
                      "response expected, {} gained per infusion. {}",
                      f.next_date ? format_date(*f.next_date) : "-",
                      f.interval_days ? fmt::format(", then every {} days", *f.interval_days) : "",
                      f.infusions, dates.empty() ? "none" : dates, percent(f.p_loss),
                      percent(f.risk), core::display_number(f.expected_weeks_in_response, 1),
                      core::display_number(f.weeks_gained_per_infusion, 2),
                      f.within_risk ? "Within the risk: it may be accepted as the maintenance plan."
                                    : "Risk not met: the rule-based plan stands unless a "
                                      "prescriber accepts this one with a reason."));
    std::vector<std::vector<std::string>> rows;
    for (const ForecastParameter& q : f.parameters) {
      rows.push_back(
          {q.name, core::display_number(q.estimate, 3),
           core::display_number(q.lower80, 3) + " - " + core::display_number(q.upper80, 3),
           core::display_number(q.population, 3), q.unit});
    }
    letter.blocks.push_back(
        {.kind = LetterBlock::Kind::Table,
         .level = 0,
         .text = {},
         .header = {"parameter", "this patient", "80% interval", "population", "unit"},
         .rows = std::move(rows),
         .chart = {}});
    letter.blocks.push_back({.kind = LetterBlock::Kind::Chart,
                             .level = 0,
                             .text = fmt::format("Forecast of {} with 50/80/95% bands", scale),
                             .header = {},
                             .rows = {},
                             .chart = forecast_chart(f)});
  }
  if (d.forecast_decisions.empty()) {
    block(LetterBlock::Kind::Paragraph, "No decision has been taken on a model-informed proposal.");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const ForecastDecision& decision : d.forecast_decisions) {
    rows.push_back({format_timestamp(decision.decided_at), std::string(to_string(decision.verdict)),
                    decision.decided_by,
                    decision.course ? std::to_string(decision.course->value()) : "-",
                    decision.reason.empty() ? "-" : decision.reason});
  }
  letter.blocks.push_back({.kind = LetterBlock::Kind::Table,
                           .level = 0,
                           .text = {},
                           .header = {"decided", "decision", "by", "course", "reason"},
                           .rows = std::move(rows),
                           .chart = {}});
}

}  // namespace

Letter letter_of(const ReportData& d) {
  const Patient& p = d.patient;
  const Date today = day_of(d.generated_at);
  Letter letter{.title = p.name, .blocks = {}};
  const auto heading = [&letter](std::string text, int level) {
    letter.blocks.push_back({.kind = LetterBlock::Kind::Heading,
                             .level = level,
                             .text = std::move(text),
                             .header = {},
                             .rows = {},
                             .chart = {}});
  };
  const auto paragraph = [&letter](std::string text) {
    letter.blocks.push_back({.kind = LetterBlock::Kind::Paragraph,
                             .level = 0,
                             .text = std::move(text),
                             .header = {},
                             .rows = {},
                             .chart = {}});
  };
  const auto table = [&letter](std::vector<std::string> header,
                               std::vector<std::vector<std::string>> rows) {
    letter.blocks.push_back({.kind = LetterBlock::Kind::Table,
                             .level = 0,
                             .text = {},
                             .header = std::move(header),
                             .rows = std::move(rows),
                             .chart = {}});
  };
  heading(fmt::format("Clinic report: {} (patient {})", p.name, p.id.value()), 1);
  {
    std::vector<const CareTeamMember*> to;
    for (const CareRole role : {CareRole::Psychiatrist, CareRole::Pcp}) {
      for (const CareTeamMember& m : d.care_team) {
        if (m.role == role) {
          to.push_back(&m);
        }
      }
    }
    if (to.empty()) {
      paragraph(
          "To: the patient's psychiatrist or PCP (no care team recorded: ketapath clinic "
          "care-team add).");
    }
    for (const CareTeamMember* m : to) {
      paragraph(fmt::format("To: {} ({}){}{}", m->name,
                            m->role == CareRole::Pcp ? "PCP" : "psychiatrist",
                            m->practice.empty() ? "" : ", " + m->practice,
                            m->contact.empty() ? "" : ", " + m->contact));
    }
  }
  paragraph(fmt::format("From: {}, treating clinician, ketamine infusion clinic (Ketapath).",
                        d.generated_by));
  {
    // The summary a reader needs before the tables: how many infusions, when, what went wrong.
    std::size_t events = 0;
    std::size_t unresolved = 0;
    for (const Session& s : d.sessions) {
      events += s.adverse_events.size();
      for (const AdverseEvent& e : s.adverse_events) {
        unresolved += e.resolved ? 0 : 1;
      }
    }
    const auto open = static_cast<std::size_t>(std::count_if(
        d.alerts.begin(), d.alerts.end(), [](const Alert& a) { return !a.acknowledged; }));
    paragraph(fmt::format(
        "Summary: {} infusion(s){}; {} adverse event(s) ({} unresolved); {} safety alert(s) ({} "
        "open); recommendation: {}.",
        d.sessions.size(),
        d.sessions.empty()
            ? std::string()
            : fmt::format(" from {} to {}", format_date(day_of(d.sessions.front().started_at)),
                          format_date(day_of(d.sessions.back().started_at))),
        events, unresolved, d.alerts.size(), open, to_string(d.plan.recommendation)));
  }
  const auto w = latest_weight(p, today);
  paragraph(fmt::format("Born {} ({} years), sex {}; latest weight {}. Generated {} by {}.",
                        format_date(p.birth_date), age_in_years(p.birth_date, today),
                        pd::sex_name(p.sex),
                        w ? fmt::format("{} kg on {}", core::display_number(w->weight.value(), 1),
                                        format_date(w->measured_on))
                          : "none",
                        format_timestamp(d.generated_at), d.generated_by));
  std::vector<std::vector<std::string>> rows;
  for (const auto& dx : p.diagnoses) {
    rows.push_back({dx.icd10, std::string(to_string(dx.disorder)), format_date(dx.diagnosed_on)});
  }
  if (!rows.empty()) {
    heading("Diagnoses", 2);
    table({"ICD-10", "disorder", "since"}, rows);
  }
  if (!p.medications.empty()) {  // the medication log was kept (issue 15 item 5)
    heading("Medications", 2);
    rows.clear();
    for (const ActiveMedication& m : active_medications(p.medications, today)) {
      rows.push_back({m.name, m.dose.empty() ? "-" : m.dose,
                      m.frequency.empty() ? "-" : m.frequency, format_date(m.started_on)});
    }
    if (rows.empty()) {
      paragraph("None taken on " + format_date(today) + ".");
    } else {
      table({"medication", "dose", "frequency", "since"}, rows);
    }
    const auto reconciled = last_reconciled(p.medications, today);
    paragraph(reconciled
                  ? "List last reconciled with the patient on " + format_date(*reconciled) + "."
                  : std::string("The list has never been reconciled with the patient."));
    for (const InteractionWarning& interaction :
         interaction_warnings(active_medications(p.medications, today))) {
      paragraph("Interaction: " + interaction.text);
    }
  }
  if (const ScreeningRecord* current = current_screening(d.screenings, day_of(d.generated_at))) {
    const ScreeningRecord& s = *current;
    heading("Latest screening", 2);
    paragraph(fmt::format("{} on {} by {}: {}.", "Screening " + std::to_string(s.id.value()),
                          format_timestamp(s.performed_at), s.performed_by,
                          to_string(s.result.eligibility)));
    if (s.amends) {
      paragraph(fmt::format("Amends screening {} of {} (see Amendments).", s.amends->value(),
                            format_date(screening_day(s))));
    }
    rows.clear();
    for (const auto& reason : s.result.reasons) {
      rows.push_back({reason});
    }
    table({"reasons"}, rows);
  }
  for (const Course& c : d.courses) {
    heading(fmt::format("Course {}: {} from {} ({})", c.id.value(), to_string(c.protocol),
                        format_date(c.start), to_string(c.status)),
            2);
    rows.clear();
    for (const auto& s : c.sessions) {
      rows.push_back({std::to_string(s.number), format_date(s.planned_on),
                      fmt::format("{} {} mg/kg", pd::route_name(s.route),
                                  core::display_number(s.dose.value(), 3)),
                      std::string(to_string(s.status)),
                      s.actual_on ? format_date(*s.actual_on) : ""});
    }
    table({"#", "planned", "dose", "status", "actual"}, rows);
  }
  if (!d.sessions.empty()) {
    heading("Dose history", 2);
    rows.clear();
    int infusion = 0;
    for (const Session& s : d.sessions) {
      double peak_sys = 0.0;
      for (const auto& v : s.vitals) {
        peak_sys = std::max(peak_sys, v.systolic ? v.systolic->value() : 0.0);
      }
      std::string discharge = "-";
      if (s.discharge) {
        discharge = s.discharge->ready ? "ready" : "NOT ready";
        for (const auto& reason : s.discharge->not_ready_reasons) {
          discharge += "; " + reason;
        }
      }
      ++infusion;
      rows.push_back({std::to_string(infusion) + (s.amendments.empty() ? "" : " (amended)"),
                      format_timestamp(s.started_at),
                      fmt::format("{} {} mg/kg = {} mg", pd::route_name(s.route),
                                  core::display_number(s.dose_per_kg.value(), 3),
                                  core::display_number(s.dose.value())),
                      s.dose_ended_at ? format_timestamp(*s.dose_ended_at) : "-",
                      s.course ? fmt::format("course {} #{}", s.course->value(),
                                             s.course_session_number.value_or(0))
                               : "-",
                      peak_sys > 0 ? core::display_number(peak_sys, 0) + " mmHg" : "-",
                      std::to_string(s.adverse_events.size()), discharge});
    }
    table({"infusion", "start", "dose", "dosing ended", "course", "peak SBP", "AEs", "discharge"},
          rows);
    rows.clear();
    infusion = 0;
    for (const Session& s : d.sessions) {
      ++infusion;
      for (const AdverseEvent& e : s.adverse_events) {
        rows.push_back({fmt::format("{} (session {})", infusion, s.id.value()),
                        format_timestamp(e.onset_at), e.description,
                        std::string(to_string(e.severity)) + (e.serious ? ", serious" : ""),
                        e.action.empty() ? "-" : e.action,
                        std::string(e.resolved ? "resolved" : "UNRESOLVED") +
                            (e.outcome.empty() ? "" : ": " + e.outcome)});
      }
    }
    heading("Adverse events", 2);
    if (rows.empty()) {
      paragraph("None recorded.");
    } else {
      table({"infusion", "onset", "event", "severity", "action", "outcome"}, rows);
    }
  }
  if (d.alerts.empty()) {
    heading("Safety alerts", 2);
    paragraph("None raised.");
  } else {
    heading("Safety alerts", 2);
    rows.clear();
    for (const Alert& a : d.alerts) {
      std::string handled = "OPEN";
      if (a.acknowledged) {
        handled = fmt::format("{} {}: {}", a.acknowledged_by,
                              a.acknowledged_at ? format_timestamp(*a.acknowledged_at) : "",
                              a.acknowledgement_note);
      }
      rows.push_back(
          {format_timestamp(a.raised_at), std::string(to_string(a.level)), a.message, handled});
    }
    table({"time", "level", "alert", "acknowledged"}, rows);
  }
  amendments_section(d, heading, table);
  heading("Response", 2);
  bool any = false;
  const auto points = [](const std::vector<TrajectoryPoint>& list) {
    std::string text;
    for (const TrajectoryPoint& t : list) {
      text +=
          fmt::format("{}{} ({}{}) {}", text.empty() ? "" : "; ", format_date(day_of(t.rated_at)),
                      t.infusion == 0 ? "before infusion 1" : "after infusion ",
                      t.infusion == 0 ? "" : std::to_string(t.infusion), t.total);
    }
    return text.empty() ? std::string("none") : text;
  };
  for (const ResponseSummary& r : d.plan.scales) {
    if (!r.baseline && r.acute.empty()) {
      continue;
    }
    any = true;
    heading(std::string(scale_definition(r.scale).label), 3);
    const int latest = r.trajectory.empty() ? r.baseline.value_or(0) : r.trajectory.back().total;
    const std::string_view band = severity_band(r.scale, latest);
    paragraph(fmt::format(
        "Baseline {}; latest trough {}{}; best trough change {}; trough status {} "
        "(best {}); trend {}; {}.",
        r.baseline ? std::to_string(*r.baseline) : "none", latest,
        band.empty() ? "" : fmt::format(" ({})", band),
        r.best_change ? core::display_number(100.0 * *r.best_change, 0) + "%" : "n/a",
        to_string(r.latest), to_string(r.best), r.trend.empty() ? "n/a" : r.trend, r.suggestion));
    paragraph("Trough (before a dose or >= 24 h after one): " + points(r.trajectory));
    paragraph("Acute (< 24 h after a dose): " + points(r.acute));
    letter.blocks.push_back({.kind = LetterBlock::Kind::Chart,
                             .level = 0,
                             .text = {},
                             .header = {},
                             .rows = {},
                             .chart = score_chart(r)});
  }
  {
    // Dissociation is a safety measure, not an outcome: its values by infusion, no response.
    std::string values;
    int infusion = 0;
    for (const Session& s : d.sessions) {
      ++infusion;
      for (const ScaleRating& rating : s.ratings) {
        if (rating.scale == Scale::Cadss) {
          values += fmt::format("{}{} (infusion {}) {}", values.empty() ? "" : "; ",
                                format_date(day_of(rating.rated_at)), infusion, rating.total);
        }
      }
    }
    if (!values.empty()) {
      any = true;
      heading("CADSS", 3);
      paragraph("Dissociation (safety measure, 0-92): " + values + ".");
    }
  }
  if (!any) {
    paragraph("No ratings recorded yet.");
  }
  heading("Plan", 2);
  std::string dates;
  for (const Date day : d.plan.proposed_dates) {
    dates += (dates.empty() ? "" : ", ") + format_date(day);
  }
  paragraph(fmt::format("Recommendation: {}{}. Rule: {}.", to_string(d.plan.recommendation),
                        d.plan.decided_by ? fmt::format(" (decided by {})",
                                                        scale_definition(*d.plan.decided_by).label)
                                          : "",
                        d.plan.rule));
  paragraph(
      fmt::format("Proposed dates: {} ({}).", dates.empty() ? "none" : dates, d.plan.dates_basis));
  if (d.forecast)
    forecast_blocks(d, letter);
  paragraph(
      "Calculations and suggestions are reviewable derivations for the treating clinician, not "
      "instructions.");
  letter.blocks.push_back({.kind = LetterBlock::Kind::Signature,
                           .level = 0,
                           .text = fmt::format("Signed: {}, acting clinician, {}.", d.generated_by,
                                               format_timestamp(d.generated_at)),
                           .header = {},
                           .rows = {},
                           .chart = {}});
  return letter;
}

std::string render_report(const ReportData& d, ReportFormat f) {
  const Letter letter = letter_of(d);
  std::string out;
  if (f == ReportFormat::Html) {
    out += fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ketapath clinic "
        "report: {}</title>\n<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;}}"
        "table{{border-collapse:collapse;margin-bottom:1em}}td,th{{border:1px solid #ccc;padding:"
        "2px 6px;text-align:left}}</style></head><body>\n",
        escape(letter.title));
  }
  for (const LetterBlock& b : letter.blocks) {
    switch (b.kind) {
      case LetterBlock::Kind::Heading:
        out += heading_text(b.text, b.level, f);
        break;
      case LetterBlock::Kind::Paragraph:
      case LetterBlock::Kind::Signature:
        out += paragraph_text(b.text, f);
        break;
      case LetterBlock::Kind::Table:
        out += table_text(b.header, b.rows, f);
        break;
      case LetterBlock::Kind::Chart:
        out += (b.chart ? core::render_svg(*b.chart) : std::string()) + "\n";
        break;
    }
  }
  if (f == ReportFormat::Html) {
    out += "</body></html>\n";
  }
  return out;
}

}  // namespace ketapath::clinic
