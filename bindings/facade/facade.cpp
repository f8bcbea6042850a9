// The C++17 facade over the jobs (include/ketapath/facade.h): turns its standard-type requests
// into the jobs' requests, calls the same job functions as `ketapath`, and turns the results
// into column tables. A data table goes to the job as NM-TRAN CSV text, so io::parse_nmtran
// applies every rule and message of a file to it (docs/architecture.md "Bindings").

#include "ketapath/facade.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/dose_text.h"
#include "core/error.h"
#include "core/limits.h"
#include "io/model_file.h"
#include "jobs/nlme_job.h"
#include "jobs/population_job.h"
#include "jobs/population_model.h"
#include "jobs/predict_job.h"
#include "jobs/simulate_job.h"
#include "jobs/trial_job.h"
#include "pd/route.h"
#include "pk/model.h"
#include "trial/statistics.h"

namespace ketapath::facade {

Error::Error(std::string code, const std::string& message)
    : std::runtime_error(message), code_(std::move(code)) {}

namespace {

[[noreturn]] void raise(const core::Error& error) {
  throw Error(std::string(core::error_code_name(error.code)), error.message);
}

template <class T>
T value_or_throw(core::Result<T> result) {
  if (!result) {
    raise(result.error());
  }
  return std::move(*result);
}

void check_or_throw(const core::Status& status) {
  if (!status) {
    raise(status.error());
  }
}

[[noreturn]] void invalid(const std::string& message) {
  throw Error(std::string(core::error_code_name(core::ErrorCode::InvalidArgument)), message);
}

io::DataDirectories directories(const std::string& data_dir) {
  return io::DataDirectories::standard(
      data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(data_dir),
      KETAPATH_SOURCE_DATA_DIR);
}

/// A table as NM-TRAN CSV text: a header, numbers in shortest round-trip form (so the reader
/// gets the very doubles given), NaN as ".", texts as given. Only what CSV cannot hold is refused
/// here; every NM-TRAN rule is io::parse_nmtran's.
std::string nmtran_text(const Table& table, const std::string& name) {
  if (table.columns.empty()) {
    invalid(fmt::format("{}: no columns", name));
  }
  const auto plain = [&](std::string_view text, std::string_view where) {
    if (text.find_first_of(",\"\r\n") != std::string_view::npos) {
      invalid(
          fmt::format("{}: {}: \"{}\" contains a comma, quote or line break, which an NM-TRAN "
                      "CSV field cannot hold",
                      name, where, core::excerpt(text)));
    }
  };
  const std::size_t rows = table.columns.front().size();
  std::string text;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const Column& column = table.columns[c];
    plain(column.name, "column name");
    if (column.size() != rows) {
      invalid(fmt::format("{}: column {} has {} values, column {} has {}", name, column.name,
                          column.size(), table.columns.front().name, rows));
    }
    text += c == 0 ? "" : ",";
    text += column.name;
  }
  text += '\n';
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const Column& column = table.columns[c];
      text += c == 0 ? "" : ",";
      if (column.is_text) {
        plain(column.texts[r], fmt::format("{} in row {}", column.name, r + 1));
        text += column.texts[r];
      } else if (std::isnan(column.numbers[r])) {
        text += '.';
      } else {
        fmt::format_to(std::back_inserter(text), "{}", column.numbers[r]);
      }
    }
    text += '\n';
  }
  return text;
}

std::string upper(std::string name) {
  for (char& ch : name) {
    if (ch >= 'a' && ch <= 'z') {
      ch = static_cast<char>(ch - 'a' + 'A');
    }
  }
  return name;
}

/// The request's parameters in NONMEM's upper-case names, each given once (as `--param`).
pk::ParameterValues parameters_of(const std::map<std::string, double>& params) {
  pk::ParameterValues values;
  for (const auto& [given, value] : params) {
    const std::string name = upper(given);
    if (!values.emplace(name, value).second) {
      invalid(fmt::format("params: {} is given twice", name));
    }
  }
  return values;
}

/// The request's data set as the jobs take it: a path, or a name and NM-TRAN text.
struct DataSource {
  std::filesystem::path data;
  std::optional<std::string> text;
};

DataSource data_of(const ModelDataRequest& r) {
  if (!r.data_path.empty()) {
    if (!r.data.columns.empty()) {
      invalid("data: give a table or data_path, not both");
    }
    return {r.data_path, std::nullopt};
  }
  return {r.data_name, nmtran_text(r.data, r.data_name)};
}

/// etas and omega (lower triangle by rows) as the ETA names and the full matrix.
jobs::EtaSpec eta_spec(const ModelDataRequest& r) {
  const std::size_t n = r.omega.size();
  if (r.etas.size() != n) {
    invalid(fmt::format("omega: {} rows for {} etas (one row per ETA, in the order of etas)", n,
                        r.etas.size()));
  }
  jobs::EtaSpec spec;
  spec.omega = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t k = 0; k < n; ++k) {
    if (r.omega[k].size() != k + 1) {
      invalid(
          fmt::format("omega: row {} has {} values; OMEGA is given as its lower triangle by "
                      "rows, so row k has k values",
                      k + 1, r.omega[k].size()));
    }
    for (std::size_t c = 0; c <= k; ++c) {
      const auto i = static_cast<Eigen::Index>(k);
      const auto j = static_cast<Eigen::Index>(c);
      spec.omega(i, j) = spec.omega(j, i) = r.omega[k][c];
    }
    spec.etas.push_back(upper(r.etas[k]));
  }
  return spec;
}

/// The population model the request names (jobs::population_model, the CLI's definition), with
/// the request's field names in messages.
std::unique_ptr<nlme::PopulationModel> population_model_of(const ModelDataRequest& r) {
  jobs::PopulationModelSpec spec{.model = r.model,
                                 .model_file = r.model_file,
                                 .parameters = std::nullopt,
                                 .omega = std::nullopt,
                                 .sigma = std::nullopt};
  if (!r.params.empty()) {
    spec.parameters = parameters_of(r.params);
  }
  if (!r.etas.empty() || !r.omega.empty()) {
    spec.omega = eta_spec(r);
  }
  if (r.sigma_prop || r.sigma_add) {
    spec.sigma = nlme::ResidualError{.proportional_variance = r.sigma_prop.value_or(0.0),
                                     .additive_variance = r.sigma_add.value_or(0.0)};
  }
  return value_or_throw(
      jobs::population_model(spec, {.model = "model",
                                    .model_file = "model_file",
                                    .parameters = "params",
                                    .omega = r.omega.empty() ? "etas" : "omega",
                                    .sigma = r.sigma_prop ? "sigma_prop" : "sigma_add"}));
}

std::vector<core::Hours> grid_of(const std::vector<double>& grid) {
  check_or_throw(core::check_range("grid: output points per subject",
                                   static_cast<double>(grid.size()), "",
                                   {.high = static_cast<double>(core::limits::kMaxOutputPoints)},
                                   core::ErrorCode::LimitExceeded));
  std::vector<core::Hours> times;
  times.reserve(grid.size());
  for (const double t : grid) {
    if (!std::isfinite(t)) {
      invalid(fmt::format("grid: {} is not a finite time", t));
    }
    times.emplace_back(t);
  }
  return times;
}

/// IDs as numbers when every one reads as a number (NM-TRAN's usual IDs), else as written.
Column id_column(const std::vector<std::string>& ids) {
  std::vector<double> numbers;
  numbers.reserve(ids.size());
  for (const std::string& id : ids) {
    double value = 0.0;
    if (!core::parse_decimal(id, value)) {
      return Column("ID", ids);
    }
    numbers.push_back(value);
  }
  return Column("ID", std::move(numbers));
}

}  // namespace

namespace {

/// Fixed parameters: ID,TIME,CP,A1..An[,CE] (jobs::simulate_dataset).
Table simulate_fixed(const SimulateRequest& r) {
  const pk::ModelSpec* model = value_or_throw(jobs::find_catalogue_model(r.model, "model"));
  DataSource source = data_of(r);
  const jobs::SimulateRequest request{.model = model,
                                      .parameters = parameters_of(r.params),
                                      .extra_times = grid_of(r.grid),
                                      .data = std::move(source.data),
                                      .data_text = std::move(source.text)};
  const jobs::SimulateRun run = value_or_throw(jobs::simulate_dataset(request));
  const std::vector<std::string> names = jobs::simulate_columns(*model, run.effect_site);
  std::vector<std::string> ids;
  std::vector<std::vector<double>> values(names.size() - 1);
  for (const jobs::SubjectRows& subject : run.subjects) {
    for (const pk::OutputRow& row : subject.rows) {
      ids.push_back(subject.id);
      values[0].push_back(row.time.value());
      values[1].push_back(row.cp);
      for (std::size_t a = 0; a < row.amounts.size(); ++a) {
        values[2 + a].push_back(row.amounts[a]);
      }
      if (run.effect_site) {
        values.back().push_back(row.ce.value_or(std::nan("")));
      }
    }
  }
  Table out;
  out.columns.push_back(id_column(ids));
  for (std::size_t c = 1; c < names.size(); ++c) {
    out.columns.emplace_back(names[c], std::move(values[c - 1]));
  }
  return out;
}

/// [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n, as `ketapath simulate` writes it with variability.
Table variability_table(const jobs::NlmeSimulateRun& run, std::size_t etas, bool with_rep) {
  std::vector<double> rep, time, dv, ipred, pred;
  std::vector<std::vector<double>> eta(etas);
  std::vector<std::string> ids;
  for (const nlme::SimulatedSubject& s : run.subjects) {
    for (const nlme::SimulatedRow& row : s.rows) {
      rep.push_back(static_cast<double>(s.replicate + 1));
      ids.push_back(run.ids[s.subject]);
      time.push_back(row.time.value());
      dv.push_back(row.dv);
      ipred.push_back(row.ipred);
      pred.push_back(row.pred);
      for (std::size_t k = 0; k < etas; ++k) {
        eta[k].push_back(s.eta[k]);
      }
    }
  }
  Table out;
  if (with_rep) {
    out.columns.emplace_back("REP", std::move(rep));
  }
  out.columns.push_back(id_column(ids));
  out.columns.emplace_back("TIME", std::move(time));
  out.columns.emplace_back("DV", std::move(dv));
  out.columns.emplace_back("IPRED", std::move(ipred));
  out.columns.emplace_back("PRED", std::move(pred));
  for (std::size_t k = 0; k < etas; ++k) {
    out.columns.emplace_back(fmt::format("ETA{}", k + 1), std::move(eta[k]));
  }
  return out;
}

unsigned threads_of(int threads) {
  check_or_throw(core::check_limited_count("threads", threads, "", 1, core::limits::kMaxThreads));
  return static_cast<unsigned>(threads);
}

/// With variability (jobs::simulate_population over the request's population model).
Table simulate_variability(const SimulateRequest& r) {
  const int nsub = r.nsub.value_or(1);
  check_or_throw(core::check_limited_count("nsub", nsub, "", 1, core::limits::kMaxReplicates));
  const unsigned threads = threads_of(r.threads);
  const std::unique_ptr<nlme::PopulationModel> model = population_model_of(r);
  DataSource source = data_of(r);
  const jobs::NlmeSimulateRequest request{.data = std::move(source.data),
                                          .data_text = std::move(source.text),
                                          .extra_times = grid_of(r.grid),
                                          .replicates = static_cast<std::size_t>(nsub),
                                          .seed = r.seed.value_or(1),
                                          .threads = threads};
  const jobs::NlmeSimulateRun run = value_or_throw(jobs::simulate_population(*model, request));
  return variability_table(run, model->etas().size(), nsub > 1);
}

}  // namespace

Table simulate(const SimulateRequest& r) {
  const bool variability = !r.model_file.empty() || !r.etas.empty() || !r.omega.empty() ||
                           r.sigma_prop || r.sigma_add || r.nsub || r.seed;
  return variability ? simulate_variability(r) : simulate_fixed(r);
}

namespace {

/// ID,OBJ,ETA1..n,SE_ETA1..n,<P>..,RSE_<P>..,STARTS_AGREEING,ON_BOUND,HESSIAN_ADJUSTED (fit --out).
Table subjects_table(const nlme::PopulationModel& model, const jobs::NlmeFitRun& run) {
  std::vector<std::string> names{"OBJ"};
  for (const char* prefix : {"ETA", "SE_ETA"}) {
    for (std::size_t k = 0; k < model.etas().size(); ++k) {
      names.push_back(fmt::format("{}{}", prefix, k + 1));
    }
  }
  for (const char* prefix : {"", "RSE_"}) {
    for (const std::string& name : model.parameter_names()) {
      names.push_back(prefix + name);
    }
  }
  names.insert(names.end(), {"STARTS_AGREEING", "ON_BOUND", "HESSIAN_ADJUSTED"});
  std::vector<std::string> ids;
  std::vector<std::vector<double>> values(names.size());
  for (const nlme::SubjectFit& s : run.fit.subjects) {
    ids.push_back(run.ids[s.subject]);
    std::vector<double> row{s.objective};
    for (const auto* v : {&s.eta, &s.se_eta, &s.parameters, &s.rse}) {
      row.insert(row.end(), v->begin(), v->end());
    }
    row.insert(row.end(), {static_cast<double>(s.starts_agreeing), s.on_bound ? 1.0 : 0.0,
                           s.hessian_adjusted ? 1.0 : 0.0});
    if (row.size() != names.size()) {
      throw Error(std::string(core::error_code_name(core::ErrorCode::Internal)),
                  "fit: a subject's estimates do not match the model's names");
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      values[c].push_back(row[c]);
    }
  }
  Table out;
  out.columns.push_back(id_column(ids));
  for (std::size_t c = 0; c < names.size(); ++c) {
    out.columns.emplace_back(names[c], std::move(values[c]));
  }
  return out;
}

/// ID,TIME,DV,IPRED,PRED,IWRES per observation with DV (fit --predictions).
Table predictions_table(const jobs::NlmeFitRun& run) {
  std::vector<std::string> ids;
  std::vector<double> time, dv, ipred, pred, iwres;
  for (const nlme::SubjectFit& s : run.fit.subjects) {
    for (const nlme::ObservationFit& o : s.observations) {
      ids.push_back(run.ids[s.subject]);
      time.push_back(o.time.value());
      dv.push_back(o.dv);
      ipred.push_back(o.ipred);
      pred.push_back(o.pred);
      iwres.push_back(o.iwres);
    }
  }
  Table out;
  out.columns = {id_column(ids),
                 Column("TIME", std::move(time)),
                 Column("DV", std::move(dv)),
                 Column("IPRED", std::move(ipred)),
                 Column("PRED", std::move(pred)),
                 Column("IWRES", std::move(iwres))};
  return out;
}

}  // namespace

FitResult fit(const FitRequest& r) {
  if (r.method != "map" && r.method != "ls") {
    invalid(fmt::format("method: \"{}\" is not map or ls", core::excerpt(r.method)));
  }
  const unsigned threads = threads_of(r.threads);
  if (r.vpc != 0) {
    check_or_throw(core::check_limited_count("vpc", r.vpc, "", 1, core::limits::kMaxReplicates));
    if (!r.plots) {
      invalid("vpc: needs plots (the VPC comes back as vpc_svg)");
    }
  }
  const std::unique_ptr<nlme::PopulationModel> model = population_model_of(r);
  DataSource source = data_of(r);
  jobs::NlmeFitRequest request{.data = std::move(source.data),
                               .data_text = std::move(source.text),
                               .fit = {},
                               .vpc_replicates = static_cast<std::size_t>(r.vpc),
                               .seed = r.seed,
                               .plots = r.plots};
  request.fit.method = r.method == "ls" ? nlme::FitMethod::LeastSquares : nlme::FitMethod::Map;
  request.fit.threads = threads;
  const jobs::NlmeFitRun run = value_or_throw(jobs::fit_population(*model, request));
  return {subjects_table(*model, run), predictions_table(run), run.gof_svg, run.vpc_svg};
}

Table predict(const PredictRequest& r) {
  const pd::Route route = value_or_throw(pd::parse_route(r.route));
  const core::DoseQuantity dose = value_or_throw(core::parse_dose_quantity(r.dose, "dose"));
  const jobs::PredictRequest request{.route = route,
                                     .dose = dose,
                                     .duration = core::Minutes(r.duration_min),
                                     .weight = core::Kilograms(r.weight_kg),
                                     .end = core::Hours(r.hours),
                                     .step = core::Minutes(r.step_min),
                                     .model = r.model,
                                     .dirs = directories(r.data_dir)};
  check_or_throw(jobs::check_predict_request(request, {.duration = "duration_min",
                                                       .weight = "weight_kg",
                                                       .hours = "hours",
                                                       .step = "step_min",
                                                       .dose = "dose"}));
  const pd::TimeCourse course = value_or_throw(jobs::predict_typical(request));
  const std::size_t n = course.time.size();
  std::vector<std::vector<double>> values(jobs::predict_columns().size());
  for (auto& v : values) {
    v.reserve(n);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double row[] = {course.time[i].value(),
                          core::to_ng_per_ml(course.ketamine[i]).value(),
                          core::to_ng_per_ml(course.norketamine[i]).value(),
                          core::to_ng_per_ml(course.effect_site[i]).value(),
                          course.cadss[i],
                          course.dsbp[i].value(),
                          course.ddbp[i].value(),
                          course.dhr[i].value(),
                          course.drug_reduction[i],
                          course.acute[i],
                          course.sustained[i]};
    for (std::size_t c = 0; c < values.size(); ++c) {
      values[c].push_back(row[c]);
    }
  }
  Table out;
  for (std::size_t c = 0; c < values.size(); ++c) {
    out.columns.emplace_back(jobs::predict_columns()[c], std::move(values[c]));
  }
  return out;
}

namespace {

double number_or_nan(const nlohmann::json& value) {
  return value.is_number() ? value.get<double>() : std::nan("");
}

/// The endpoint table, read from the JSON document itself, so both say the same.
Table endpoint_table(const nlohmann::json& doc) {
  std::vector<std::string> name, kind, unit, published;
  std::vector<double> median, p05, p95, low, high, pass;
  for (const nlohmann::json& e : doc.at("endpoints")) {
    name.push_back(e.at("name").get<std::string>());
    kind.push_back(e.at("kind").get<std::string>());
    unit.push_back(e.at("unit").get<std::string>());
    median.push_back(number_or_nan(e.at("simulated").at("median")));
    p05.push_back(number_or_nan(e.at("simulated").at("p05")));
    p95.push_back(number_or_nan(e.at("simulated").at("p95")));
    const nlohmann::json& pub = e.at("published");
    published.push_back(pub.is_null()     ? std::string()
                        : pub.is_string() ? pub.get<std::string>()
                                          : fmt::format("{}", pub.get<double>()));
    const nlohmann::json& tolerance = e.at("tolerance");
    low.push_back(tolerance.is_array() ? number_or_nan(tolerance[0]) : std::nan(""));
    high.push_back(tolerance.is_array() ? number_or_nan(tolerance[1]) : std::nan(""));
    const nlohmann::json& verdict = e.at("pass");
    pass.push_back(verdict.is_boolean() ? (verdict.get<bool>() ? 1.0 : 0.0) : std::nan(""));
  }
  Table out;
  out.columns = {Column("endpoint", std::move(name)),
                 Column("kind", std::move(kind)),
                 Column("unit", std::move(unit)),
                 Column("median", std::move(median)),
                 Column("p05", std::move(p05)),
                 Column("p95", std::move(p95)),
                 Column("published", std::move(published)),
                 Column("tolerance_low", std::move(low)),
                 Column("tolerance_high", std::move(high)),
                 Column("pass", std::move(pass))};
  return out;
}

}  // namespace

TrialResult trial(const TrialRequest& r) {
  // Replicates and threads are checked by trial::run_trial, with its own message.
  const jobs::TrialRun run = value_or_throw(jobs::run_trial_job({
      .design = r.design,
      .model = r.model,
      .replicates = r.replicates,
      .seed = r.seed,
      .threads = r.threads,
      .per_subject = r.per_subject,
      .parameter_uncertainty = r.parameter_uncertainty,
      .dirs = directories(r.data_dir),
      .progress = {},
  }));
  const nlohmann::json doc = jobs::trial_result_json(run.result);
  return {endpoint_table(doc), doc.dump(2) + "\n"};
}

namespace {

struct PopulationTables {
  std::vector<double> arm, n, mean, sd, median, p05, p95;
  std::vector<std::string> label, endpoint;
  std::vector<double> r_arm, r_count, r_subjects, r_fraction, r_low, r_high;
  std::vector<std::string> r_label, r_rule;

  void add_responders(double a, const std::string& l, std::string rule, std::uint64_t positives,
                      std::uint64_t subjects) {
    const auto [low, high] = trial::wilson_interval(positives, subjects);
    r_arm.push_back(a);
    r_label.push_back(l);
    r_rule.push_back(std::move(rule));
    r_count.push_back(static_cast<double>(positives));
    r_subjects.push_back(static_cast<double>(subjects));
    r_fraction.push_back(static_cast<double>(positives) / static_cast<double>(subjects));
    r_low.push_back(low);
    r_high.push_back(high);
  }

  void add_arm(double a, const jobs::ArmRun& run) {
    const population::EndpointSummary& s = *run.summary;
    const std::string& l = run.workload->label;
    for (std::size_t e = 0; e < population::kEndpointCount; ++e) {
      const auto which = static_cast<population::Endpoint>(e);
      const population::RunningStatistic& st = s.statistic(which);
      arm.push_back(a);
      label.push_back(l);
      this->endpoint.emplace_back(population::kEndpointNames[e]);
      n.push_back(static_cast<double>(st.count()));
      mean.push_back(st.mean());
      sd.push_back(std::sqrt(st.variance()));
      median.push_back(s.quantile(which, 0.5));
      p05.push_back(s.quantile(which, 0.05));
      p95.push_back(s.quantile(which, 0.95));
    }
    if (run.clinical && run.workload->clinical &&
        run.workload->clinical->layout->has_responder_rule()) {
      add_responders(a, l, "design", run.clinical->positives(0), run.clinical->subjects());
    } else {
      add_responders(a, l, fmt::format("s_max >= {}", s.responder_threshold()), s.responders(),
                     s.subjects());
    }
  }
};

}  // namespace

PopulationResult population(const PopulationRequest& r) {
  std::optional<population::ProfileFormat> format;
  if (r.profiles == "csv" || (r.profiles == "auto" && r.subjects <= 1000)) {
    format = population::ProfileFormat::Csv;
  } else if (r.profiles == "hdf5" || r.profiles == "auto") {
    format = population::ProfileFormat::Hdf5;
  } else if (!r.profiles.empty()) {
    invalid(
        fmt::format("profiles: \"{}\" is not one of csv, hdf5, auto", core::excerpt(r.profiles)));
  }
  const jobs::PopulationRequest request{.design = r.design,
                                        .subjects = r.subjects,
                                        .subjects_file = r.subjects_file,
                                        .threads = r.threads,
                                        .seed = r.seed,
                                        .out = r.out,
                                        .profiles = format,
                                        .responder_s_max = r.responder_s_max,
                                        .pk_only = r.pk_only,
                                        .parameter_uncertainty = r.parameter_uncertainty,
                                        .dirs = directories(r.data_dir)};
  const std::unique_ptr<jobs::PopulationRun> run =
      value_or_throw(jobs::run_population_job(request, {}));
  PopulationTables t;
  for (std::size_t a = 0; a < run->arms.size(); ++a) {
    t.add_arm(static_cast<double>(a + 1), run->arms[a]);
  }
  PopulationResult out;
  out.endpoints.columns = {Column("arm", std::move(t.arm)),
                           Column("label", std::move(t.label)),
                           Column("endpoint", std::move(t.endpoint)),
                           Column("n", std::move(t.n)),
                           Column("mean", std::move(t.mean)),
                           Column("sd", std::move(t.sd)),
                           Column("median", std::move(t.median)),
                           Column("p05", std::move(t.p05)),
                           Column("p95", std::move(t.p95))};
  out.responders.columns = {
      Column("arm", std::move(t.r_arm)),           Column("label", std::move(t.r_label)),
      Column("rule", std::move(t.r_rule)),         Column("responders", std::move(t.r_count)),
      Column("subjects", std::move(t.r_subjects)), Column("fraction", std::move(t.r_fraction)),
      Column("ci_low", std::move(t.r_low)),        Column("ci_high", std::move(t.r_high))};
  return out;
}

std::vector<std::string> models() {
  std::vector<std::string> names;
  for (const pk::ModelSpec& m : pk::model_catalogue()) {
    names.push_back(m.name);
  }
  return names;
}

}  // namespace ketapath::facade
