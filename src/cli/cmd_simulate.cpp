// `ketapath simulate`: an NM-TRAN data set through one PK model with fixed parameters, written as
// CSV `ID,TIME,CP,A1..An[,CE]` (conventions.md, docs/nmtran.md).
//
// Example:
//   ketapath simulate --model one_cmt --param CL=2 --param V=10 --data doses.csv --grid 0:24:0.5

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.h"
#include "core/check.h"
#include "core/limits.h"
#include "jobs/simulate_job.h"
#include "pk/model.h"
#include "pk/simulate.h"

namespace ketapath::cli {
namespace {

struct Options {
  std::string model;
  std::vector<std::string> params;
  std::string data;
  std::string out;
  std::string grid;
};

core::Result<double> parse_double(std::string_view text, std::string_view what) {
  double value = 0.0;
  if (!core::parse_decimal(text, value)) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: \"{}\" is not a number", what,
                      core::excerpt(text));
  }
  return value;
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return result;
}

/// NAME=VALUE pairs; names are NONMEM's and case-insensitive (cl=2 is CL=2).
core::Result<pk::ParameterValues> parse_parameters(const std::vector<std::string>& items) {
  pk::ParameterValues values;
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "--param: \"{}\" must be NAME=VALUE, e.g. CL=2.5", item);
    }
    const std::string name = upper(item.substr(0, eq));
    const double value =
        KETAPATH_TRY(parse_double(item.substr(eq + 1), fmt::format("--param {}", name)));
    if (!values.emplace(name, value).second) {
      return core::fail(core::ErrorCode::InvalidArgument, "--param: {} is given twice", name);
    }
  }
  return values;
}

/// START:END:STEP in hours: START, START+STEP, ... up to END (inclusive within rounding).
core::Result<std::vector<core::Hours>> parse_grid(const std::string& text) {
  const std::size_t a = text.find(':');
  const std::size_t b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos || text.find(':', b + 1) != std::string::npos) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--grid: \"{}\" must be START:END:STEP in hours, e.g. 0:24:0.5", text);
  }
  const double start = KETAPATH_TRY(parse_double(text.substr(0, a), "--grid START"));
  const double end = KETAPATH_TRY(parse_double(text.substr(a + 1, b - a - 1), "--grid END"));
  const double step = KETAPATH_TRY(parse_double(text.substr(b + 1), "--grid STEP"));
  KETAPATH_TRY(core::check_range("--grid: STEP", step, "h", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  if (end < start) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--grid: END must not be before START (got {} to {} h)", start, end);
  }
  // Points START + i*STEP (computed, not accumulated, so 0:24:0.1 ends exactly on 24 when it
  // lands there within a relative 1e-9 of a step).
  const double count = std::floor((end - start) / step + 1e-9) + 1.0;
  KETAPATH_TRY(core::check_range("--grid: output points per subject", count, "",
                                 {.high = static_cast<double>(core::limits::kMaxOutputPoints)},
                                 core::ErrorCode::LimitExceeded));
  std::vector<core::Hours> times;
  times.reserve(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    times.emplace_back(start + static_cast<double>(i) * step);
  }
  return times;
}

std::string header_line(const pk::ModelSpec& model, bool effect_site) {
  return fmt::format("{}\n", fmt::join(jobs::simulate_columns(model, effect_site), ","));
}

/// Output goes to --out or stdout; closing reports write failures (a full disk, say).
class Output {
 public:
  static core::Result<std::unique_ptr<Output>> open(const std::string& path) {
    if (path.empty() || path == "-") {
      return std::make_unique<Output>(stdout, "standard output", false);
    }
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      return core::fail(core::ErrorCode::Io, "--out {}: cannot open for writing: {}", path,
                        std::strerror(errno));
    }
    return std::make_unique<Output>(file, path, true);
  }

  Output(std::FILE* file, std::string name, bool owned)
      : file_(file), name_(std::move(name)), owned_(owned) {}

  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  ~Output() {
    if (owned_ && file_ != nullptr) {
      std::fclose(file_);
    }
  }

  void write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      failed_ = true;
    }
  }

  core::Status close() {
    const bool flushed = std::fflush(file_) == 0;
    bool closed = true;
    if (owned_) {
      closed = std::fclose(file_) == 0;
      file_ = nullptr;
    }
    if (failed_ || !flushed || !closed) {
      return core::fail(core::ErrorCode::Io, "{}: write failed", name_);
    }
    return {};
  }

 private:
  std::FILE* file_;
  std::string name_;
  bool owned_;
  bool failed_ = false;
};

core::Status simulate(const Options& options) {
  const pk::ModelSpec* model = pk::find_model(options.model);
  if (model == nullptr) {
    std::vector<std::string> names;
    for (const pk::ModelSpec& m : pk::model_catalogue()) {
      names.push_back(m.name);
    }
    return core::fail(core::ErrorCode::NotFound, "--model: \"{}\" is not a model (known: {})",
                      options.model, fmt::join(names, ", "));
  }
  jobs::SimulateRequest request{.model = model,
                                .parameters = KETAPATH_TRY(parse_parameters(options.params)),
                                .extra_times = {},
                                .data = options.data,
                                .data_text = std::nullopt};
  if (!options.grid.empty()) {
    request.extra_times = KETAPATH_TRY(parse_grid(options.grid));
  }
  const jobs::SimulateRun run = KETAPATH_TRY(jobs::simulate_dataset(request));
  // Everything is simulated before anything is written, so an error leaves no partial output.
  std::string text = header_line(*model, run.effect_site);
  for (const jobs::SubjectRows& subject : run.subjects) {
    for (const pk::OutputRow& row : subject.rows) {
      fmt::format_to(std::back_inserter(text), "{},{},{}", subject.id, row.time.value(), row.cp);
      for (const double amount : row.amounts) {
        fmt::format_to(std::back_inserter(text), ",{}", amount);
      }
      if (run.effect_site) {
        fmt::format_to(std::back_inserter(text), ",{}", row.ce.value_or(std::nan("")));
      }
      text += '\n';
    }
  }
  std::unique_ptr<Output> out = KETAPATH_TRY(Output::open(options.out));
  out->write(text);
  return out->close();
}

Runner setup(CLI::App& app) {
  auto options = std::make_shared<Options>();
  app.description(
      "Simulate an NM-TRAN data set with one PK model and fixed parameters. Writes CSV "
      "ID,TIME,CP,A1..An (and CE when KE0 is given): one row per EVID=0 record in input order, "
      "plus --grid times merged in per ID. CP = central amount / central volume in the data's "
      "units. See `ketapath models` for models and parameters, docs/nmtran.md for the data rules.");
  app.add_option("--model", options->model, "Model name, e.g. one_cmt, two_cmt_depot")->required();
  app.add_option("--param", options->params,
                 "Parameter NAME=VALUE in data units (repeat, or separate with commas): the "
                 "model's own (CL, V, ...) and optionally F<n>, ALAG<n>, R<n>, D<n>, KE0")
      ->required()
      ->delimiter(',');
  app.add_option("--data", options->data, "NM-TRAN CSV data set")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", options->out, "Output CSV file (default: standard output)");
  app.add_option("--grid", options->grid,
                 "Extra output times START:END:STEP in the data's time unit, e.g. 0:24:0.5");
  return [options] {
    const core::Status status = simulate(*options);
    return status ? kExitOk : report_error(status.error());
  };
}

const Registration kRegistration{"simulate", "Simulate an NM-TRAN data set with a PK model", setup};

}  // namespace
}  // namespace ketapath::cli
