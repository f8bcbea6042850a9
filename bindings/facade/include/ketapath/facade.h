#pragma once
// Ketapath for other languages: a C++17 header over the engine's jobs, with standard types only
// (no <expected>, Eigen or fmt), so that R (whose packages build as C++17 at most) and Python
// (pybind11) bind it. Every function runs the same job function as the `ketapath` command and
// throws ketapath::facade::Error with Ketapath's own message when the job reports an error, e.g.
// `data:3: TIME: "abc" is not a number`.
//
//   ketapath::facade::SimulateRequest request;
//   request.model = "one_cmt";
//   request.params = {{"CL", 2.0}, {"V", 10.0}};
//   request.data.columns = {{"ID", {1, 1}}, {"TIME", {0, 1}}, {"AMT", {100, 0}},
//                           {"EVID", {1, 0}}};
//   ketapath::facade::Table out = ketapath::facade::simulate(request);  // ID,TIME,CP,A1
//
// Units are in the names, as on the command line (weight_kg, duration_min); NM-TRAN data are in
// the data's own units, as `ketapath simulate` reads them.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#define KETAPATH_FACADE_API __attribute__((visibility("default")))

namespace ketapath::facade {

/// A Ketapath error: what() is Ketapath's message (the CLI prints it after "ketapath: error: "),
/// code() the kind as core::error_code_name spells it: "invalid argument", "invalid data",
/// "limit exceeded", "not found", "solver failure", ... (the CLI's exit code follows from it).
class KETAPATH_FACADE_API Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message);

  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

/// One column of a table: numbers (NaN for a missing value) or texts.
struct Column {
  std::string name;
  std::vector<double> numbers;     ///< the values when !is_text
  std::vector<std::string> texts;  ///< the values when is_text ("" or "." for a missing value)
  bool is_text = false;

  Column() = default;

  Column(std::string n, std::vector<double> values)
      : name(std::move(n)), numbers(std::move(values)) {}

  Column(std::string n, std::vector<std::string> values)
      : name(std::move(n)), texts(std::move(values)), is_text(true) {}

  [[nodiscard]] std::size_t size() const { return is_text ? texts.size() : numbers.size(); }
};

/// Columns of equal length, in order (a data frame).
struct Table {
  std::vector<Column> columns;

  [[nodiscard]] std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }

  /// The column of that name (exact spelling), or nullptr.
  [[nodiscard]] const Column* find(const std::string& name) const {
    for (const Column& c : columns) {
      if (c.name == name) {
        return &c;
      }
    }
    return nullptr;
  }
};

/// The population model and the data set of `simulate` and `fit`: a catalogue model with its
/// parameters (and, for variability, ETAs, OMEGA and SIGMA), or a user model file, which states
/// its own THETAs, OMEGA and SIGMA (so params, etas, omega and sigma are refused beside it).
struct ModelDataRequest {
  std::string model;                     ///< a catalogue model (`ketapath models`), e.g. two_cmt
  std::map<std::string, double> params;  ///< NONMEM names (CL, V1, ..., F1, ALAG1, KE0), any case
  std::string model_file;                ///< a user model file instead (docs/user-models.md)
  /// ETA1..n: the catalogue model's parameters the ETAs act on, exponentially
  /// (P = TV exp(ETA)), as `--omega CL,V1=...` names them; `omega` has one row per ETA.
  std::vector<std::string> etas;
  /// OMEGA as its lower triangle by rows: row k has k values (NONMEM's $OMEGA BLOCK order), e.g.
  /// {{0.09}, {0.02, 0.04}} for a CL-V1 block, {{0.09}, {0, 0.04}} for a diagonal.
  std::vector<std::vector<double>> omega;
  std::optional<double> sigma_prop;  ///< proportional residual variance (`--sigma prop=`)
  std::optional<double> sigma_add;   ///< additive residual variance (`--sigma add=`)
  Table data;                        ///< NM-TRAN columns (ID, TIME, AMT, ...), or:
  std::string data_path;             ///< an NM-TRAN CSV file (then `data` must be empty)
  std::string data_name = "data";    ///< what messages call `data` ("data:3: TIME: ...")
};

/// `ketapath simulate`.
struct SimulateRequest : ModelDataRequest {
  std::vector<double> grid;  ///< extra output times in the data's time unit
  /// Replicates of the data set (1 to 100000; a REP column when > 1).
  std::optional<int> nsub;
  std::optional<std::uint64_t> seed;  ///< seed of the ETA and EPS draws (default 1)
  int threads = 1;                    ///< threads for replicates (the numbers do not depend on it)
};

/// Fixed parameters (a catalogue model, and none of model_file, etas, omega, sigma_*, nsub,
/// seed): columns ID, TIME, CP, A1..An (and CE with KE0), one row per EVID=0 record in data order
/// plus the grid. With any of those: [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n (REP when nsub > 1),
/// replicate by replicate. Exactly the numbers of `ketapath simulate` (which prints them in
/// round-trip form). ID is numeric when every ID of the data is a number, else text.
KETAPATH_FACADE_API Table simulate(const SimulateRequest& request);

/// `ketapath fit`: each subject's ETAs fitted to the DV of the data set.
struct FitRequest : ModelDataRequest {
  std::string method = "map";  ///< "map" (OMEGA as the prior) or "ls" (least squares)
  int vpc = 0;                 ///< replicates of a visual predictive check (needs plots); 0: none
  std::uint64_t seed = 1;      ///< seed of the VPC's simulations
  int threads = 1;             ///< the results do not depend on it
  bool plots = false;          ///< render gof_svg (and vpc_svg with vpc)
};

struct FitResult {
  /// One row per subject with DV, as `fit --out`: ID, OBJ, ETA1..n, SE_ETA1..n, the model's
  /// parameters, RSE_<parameter>.., STARTS_AGREEING, ON_BOUND, HESSIAN_ADJUSTED (1 or 0).
  Table subjects;
  /// One row per observation with DV, as `fit --predictions`: ID, TIME, DV, IPRED, PRED, IWRES.
  Table predictions;
  std::string gof_svg;  ///< with plots: `--plots DIR`'s gof.svg
  std::string vpc_svg;  ///< with plots and vpc: vpc.svg
};

KETAPATH_FACADE_API FitResult fit(const FitRequest& request);

/// `ketapath predict`: the typical patient's time course after one dose.
struct PredictRequest {
  std::string route = "iv";   ///< iv, sc, im, in, po, sl
  std::string dose;           ///< with its unit: "0.5mg/kg" or "35mg"
  double duration_min = 0.0;  ///< IV infusion duration (0: bolus)
  double weight_kg = 70.0;
  double hours = 24.0;    ///< length of the time course
  double step_min = 5.0;  ///< output step
  std::string model = "ketamine";
  std::string data_dir;  ///< searched for models/ before the bundled files
};

/// Columns time_h, ket_ng_ml, norket_ng_ml, ce_ng_ml, cadss, dsbp_mmhg, ddbp_mmhg, dhr_bpm,
/// anxiety_reduction, acute_reduction, sustained_reduction: the CLI's columns at full precision
/// (the CLI rounds them to 3-5 decimals).
KETAPATH_FACADE_API Table predict(const PredictRequest& request);

/// `ketapath trial DESIGN`: replicate trials of a design.
struct TrialRequest {
  std::string design;  ///< bundled name (glue2017) or a path
  std::string model;   ///< empty: the design's model
  int replicates = 200;
  std::uint64_t seed = 1;
  int threads = 1;  ///< the results do not depend on it
  bool per_subject = false;
  bool parameter_uncertainty = false;
  std::string data_dir;
};

struct TrialResult {
  /// One row per endpoint: endpoint, kind, unit, median, p05, p95, published (text, "" when
  /// none), tolerance_low, tolerance_high (NaN when none), pass (1, 0, NaN when not judged).
  Table endpoints;
  std::string json;  ///< the document `ketapath trial --format json` prints
};

KETAPATH_FACADE_API TrialResult trial(const TrialRequest& request);

/// `ketapath population DESIGN`: a virtual population on the batch engine.
struct PopulationRequest {
  std::string design;           ///< "benchmark", a bundled design name or a path
  std::size_t subjects = 1000;  ///< per arm
  std::string subjects_file;    ///< your own subjects (CSV) instead of drawn ones
  unsigned threads = 1;         ///< results do not depend on it
  std::uint64_t seed = 1;
  std::string out;               ///< folder for endpoints.csv (+ clinical.csv, profiles)
  std::string profiles;          ///< "" (none), "csv", "hdf5" or "auto"; needs `out`
  double responder_s_max = 0.3;  ///< plasticity surrogate threshold (fraction)
  bool pk_only = false;
  bool parameter_uncertainty = false;
  std::string data_dir;
};

struct PopulationResult {
  /// One row per arm and endpoint: arm (1..), label, endpoint (cmax_mg_l, auc_mg_h_l, ...: the
  /// engine's machine names, units in the name), n, mean, sd, median, p05, p95.
  Table endpoints;
  /// One row per arm: arm, label, rule ("design" or "s_max"), responders, subjects, fraction,
  /// ci_low, ci_high (Wilson 95%), the lines `ketapath population` prints.
  Table responders;
};

KETAPATH_FACADE_API PopulationResult population(const PopulationRequest& request);

/// The catalogue's model names, as `ketapath models` lists them.
KETAPATH_FACADE_API std::vector<std::string> models();

}  // namespace ketapath::facade
