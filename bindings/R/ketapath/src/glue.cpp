// The R package's C++17 glue (Rcpp) over Ketapath's facade (bindings/facade/include/ketapath/
// facade.h): named lists of columns in and out; R/ketapath.R makes the data frames. A
// ketapath::facade::Error becomes an R error whose message is Ketapath's (Rcpp's END_RCPP).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <R_ext/Rdynload.h>
#include <Rcpp.h>

#include "ketapath/facade.h"

namespace facade = ketapath::facade;

namespace {

facade::Table table_of(const Rcpp::List& columns) {
  facade::Table table;
  if (columns.size() == 0) {
    return table;  // a file path instead
  }
  const Rcpp::CharacterVector names = columns.names();
  for (R_xlen_t i = 0; i < columns.size(); ++i) {
    const std::string name = Rcpp::as<std::string>(names[i]);
    SEXP values = columns[i];
    if (TYPEOF(values) == STRSXP) {
      table.columns.emplace_back(name, Rcpp::as<std::vector<std::string>>(values));
    } else {
      table.columns.emplace_back(name, Rcpp::as<std::vector<double>>(values));
    }
  }
  return table;
}

Rcpp::List list_of(const facade::Table& table) {
  Rcpp::List out(table.columns.size());
  Rcpp::CharacterVector names(table.columns.size());
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const facade::Column& column = table.columns[i];
    names[i] = column.name;
    if (column.is_text) {
      out[i] = Rcpp::wrap(column.texts);
    } else {
      out[i] = Rcpp::wrap(column.numbers);
    }
  }
  out.attr("names") = names;
  return out;
}

std::uint64_t seed_of(SEXP seed) {
  const double value = Rcpp::as<double>(seed);
  if (!(value >= 0.0 && value <= 9007199254740992.0) ||
      value != static_cast<double>(static_cast<std::uint64_t>(value))) {
    throw facade::Error("invalid argument", "seed: must be a whole number >= 0");
  }
  return static_cast<std::uint64_t>(value);
}

std::optional<double> optional_double(SEXP value) {
  if (Rf_isNull(value)) {
    return std::nullopt;
  }
  return Rcpp::as<double>(value);
}

/// The model and data fields shared by simulate and fit.
void set_model_data(facade::ModelDataRequest& r, SEXP model, SEXP params, SEXP model_file,
                    SEXP etas, SEXP omega, SEXP sigma_prop, SEXP sigma_add, SEXP data,
                    SEXP data_path, SEXP data_name) {
  r.model = Rcpp::as<std::string>(model);
  const Rcpp::NumericVector p(params);
  if (p.size() > 0) {
    if (Rf_isNull(p.names())) {
      throw facade::Error("invalid argument", "params: must be named, e.g. c(CL = 2, V = 10)");
    }
    const Rcpp::CharacterVector names = p.names();
    for (R_xlen_t i = 0; i < p.size(); ++i) {
      const std::string name = Rcpp::as<std::string>(names[i]);
      if (!r.params.emplace(name, p[i]).second) {
        throw facade::Error("invalid argument", "params: " + name + " is given twice");
      }
    }
  }
  r.model_file = Rcpp::as<std::string>(model_file);
  r.etas = Rcpp::as<std::vector<std::string>>(etas);
  for (SEXP row : Rcpp::List(omega)) {
    r.omega.push_back(Rcpp::as<std::vector<double>>(row));
  }
  r.sigma_prop = optional_double(sigma_prop);
  r.sigma_add = optional_double(sigma_add);
  r.data = table_of(Rcpp::List(data));
  r.data_path = Rcpp::as<std::string>(data_path);
  r.data_name = Rcpp::as<std::string>(data_name);
}

}  // namespace

extern "C" {

SEXP kp_simulate_(SEXP model, SEXP params, SEXP model_file, SEXP etas, SEXP omega, SEXP sigma_prop,
                  SEXP sigma_add, SEXP data, SEXP data_path, SEXP data_name, SEXP grid, SEXP nsub,
                  SEXP seed, SEXP threads) {
  BEGIN_RCPP
  facade::SimulateRequest r;
  set_model_data(r, model, params, model_file, etas, omega, sigma_prop, sigma_add, data, data_path,
                 data_name);
  r.grid = Rcpp::as<std::vector<double>>(grid);
  if (!Rf_isNull(nsub)) {
    r.nsub = Rcpp::as<int>(nsub);
  }
  if (!Rf_isNull(seed)) {
    r.seed = seed_of(seed);
  }
  r.threads = Rcpp::as<int>(threads);
  return list_of(facade::simulate(r));
  END_RCPP
}

SEXP kp_fit_(SEXP model, SEXP params, SEXP model_file, SEXP etas, SEXP omega, SEXP sigma_prop,
             SEXP sigma_add, SEXP data, SEXP data_path, SEXP data_name, SEXP method, SEXP vpc,
             SEXP seed, SEXP threads, SEXP plots) {
  BEGIN_RCPP
  facade::FitRequest r;
  set_model_data(r, model, params, model_file, etas, omega, sigma_prop, sigma_add, data, data_path,
                 data_name);
  r.method = Rcpp::as<std::string>(method);
  r.vpc = Rcpp::as<int>(vpc);
  r.seed = seed_of(seed);
  r.threads = Rcpp::as<int>(threads);
  r.plots = Rcpp::as<bool>(plots);
  const facade::FitResult result = facade::fit(r);
  return Rcpp::List::create(Rcpp::Named("subjects") = list_of(result.subjects),
                            Rcpp::Named("predictions") = list_of(result.predictions),
                            Rcpp::Named("gof_svg") = result.gof_svg,
                            Rcpp::Named("vpc_svg") = result.vpc_svg);
  END_RCPP
}

SEXP kp_predict_(SEXP route, SEXP dose, SEXP duration_min, SEXP weight_kg, SEXP hours,
                 SEXP step_min, SEXP model, SEXP data_dir) {
  BEGIN_RCPP
  const facade::PredictRequest r{Rcpp::as<std::string>(route),   Rcpp::as<std::string>(dose),
                                 Rcpp::as<double>(duration_min), Rcpp::as<double>(weight_kg),
                                 Rcpp::as<double>(hours),        Rcpp::as<double>(step_min),
                                 Rcpp::as<std::string>(model),   Rcpp::as<std::string>(data_dir)};
  return list_of(facade::predict(r));
  END_RCPP
}

SEXP kp_trial_(SEXP design, SEXP model, SEXP replicates, SEXP seed, SEXP threads, SEXP per_subject,
               SEXP parameter_uncertainty, SEXP data_dir) {
  BEGIN_RCPP
  const facade::TrialRequest r{Rcpp::as<std::string>(design),
                               Rcpp::as<std::string>(model),
                               Rcpp::as<int>(replicates),
                               seed_of(seed),
                               Rcpp::as<int>(threads),
                               Rcpp::as<bool>(per_subject),
                               Rcpp::as<bool>(parameter_uncertainty),
                               Rcpp::as<std::string>(data_dir)};
  const facade::TrialResult result = facade::trial(r);
  return Rcpp::List::create(Rcpp::Named("endpoints") = list_of(result.endpoints),
                            Rcpp::Named("json") = result.json);
  END_RCPP
}

SEXP kp_population_(SEXP design, SEXP subjects, SEXP subjects_file, SEXP threads, SEXP seed,
                    SEXP out, SEXP profiles, SEXP responder_s_max, SEXP pk_only,
                    SEXP parameter_uncertainty, SEXP data_dir) {
  BEGIN_RCPP
  const double n = Rcpp::as<double>(subjects);
  const double t = Rcpp::as<double>(threads);
  if (!(n >= 1.0 && n <= 1e12) || !(t >= 1.0 && t <= 1024.0)) {
    throw facade::Error("invalid argument", "subjects and threads must be whole numbers >= 1");
  }
  const facade::PopulationRequest r{Rcpp::as<std::string>(design),
                                    static_cast<std::size_t>(n),
                                    Rcpp::as<std::string>(subjects_file),
                                    static_cast<unsigned>(t),
                                    seed_of(seed),
                                    Rcpp::as<std::string>(out),
                                    Rcpp::as<std::string>(profiles),
                                    Rcpp::as<double>(responder_s_max),
                                    Rcpp::as<bool>(pk_only),
                                    Rcpp::as<bool>(parameter_uncertainty),
                                    Rcpp::as<std::string>(data_dir)};
  const facade::PopulationResult result = facade::population(r);
  return Rcpp::List::create(Rcpp::Named("endpoints") = list_of(result.endpoints),
                            Rcpp::Named("responders") = list_of(result.responders));
  END_RCPP
}

SEXP kp_models_() {
  BEGIN_RCPP
  return Rcpp::wrap(facade::models());
  END_RCPP
}

static const R_CallMethodDef kCallMethods[] = {
    {"kp_simulate_", reinterpret_cast<DL_FUNC>(&kp_simulate_), 14},
    {"kp_fit_", reinterpret_cast<DL_FUNC>(&kp_fit_), 15},
    {"kp_predict_", reinterpret_cast<DL_FUNC>(&kp_predict_), 8},
    {"kp_trial_", reinterpret_cast<DL_FUNC>(&kp_trial_), 8},
    {"kp_population_", reinterpret_cast<DL_FUNC>(&kp_population_), 11},
    {"kp_models_", reinterpret_cast<DL_FUNC>(&kp_models_), 0},
    {nullptr, nullptr, 0}};

void R_init_ketapath(DllInfo* dll) {
  R_registerRoutines(dll, nullptr, kCallMethods, nullptr, nullptr);
  R_useDynamicSymbols(dll, FALSE);
}

}  // extern "C"
