// The Python module `ketapath._ketapath` (pybind11) over the C++17 facade: columns in as numpy
// arrays (numbers) or lists of str (texts), columns out as numpy float64 arrays or lists of str.
// The package `ketapath` (bindings/python/ketapath/__init__.py) wraps it with pandas DataFrames.
// Errors: ketapath.KetapathError (a ValueError) with Ketapath's message and `.code`.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "ketapath/facade.h"

namespace py = pybind11;
namespace facade = ketapath::facade;

namespace {

facade::Table table_of(const py::list& columns) {
  facade::Table table;
  for (const py::handle item : columns) {
    const auto pair = item.cast<py::tuple>();
    auto name = pair[0].cast<std::string>();
    const py::object values = pair[1];
    if (py::isinstance<py::array>(values)) {
      const auto array =
          py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
      if (!array || array.ndim() != 1) {
        throw facade::Error("invalid argument", "data: column " + name + " is not 1-dimensional");
      }
      table.columns.emplace_back(std::move(name),
                                 std::vector<double>(array.data(), array.data() + array.size()));
    } else {
      table.columns.emplace_back(std::move(name), values.cast<std::vector<std::string>>());
    }
  }
  return table;
}

py::list columns_of(const facade::Table& table) {
  py::list out;
  for (const facade::Column& column : table.columns) {
    if (column.is_text) {
      out.append(py::make_tuple(column.name, py::cast(column.texts)));
    } else {
      py::array_t<double> array(static_cast<py::ssize_t>(column.numbers.size()));
      std::copy(column.numbers.begin(), column.numbers.end(), array.mutable_data());
      out.append(py::make_tuple(column.name, std::move(array)));
    }
  }
  return out;
}

void set_model_data(facade::ModelDataRequest& r, const std::string& model,
                    const std::map<std::string, double>& params, const std::string& model_file,
                    const std::vector<std::string>& etas,
                    const std::vector<std::vector<double>>& omega, std::optional<double> sigma_prop,
                    std::optional<double> sigma_add, const py::list& data,
                    const std::string& data_path, const std::string& data_name) {
  r.model = model;
  r.params = params;
  r.model_file = model_file;
  r.etas = etas;
  r.omega = omega;
  r.sigma_prop = sigma_prop;
  r.sigma_add = sigma_add;
  r.data = table_of(data);
  r.data_path = data_path;
  r.data_name = data_name;
}

/// simulate and fit: the model and data arguments of facade::ModelDataRequest, then their own.
void def_simulate_and_fit(py::module_& m) {
  m.def(
      "simulate",
      [](const std::string& model, const std::map<std::string, double>& params,
         const std::string& model_file, const std::vector<std::string>& etas,
         const std::vector<std::vector<double>>& omega, std::optional<double> sigma_prop,
         std::optional<double> sigma_add, const py::list& data, const std::string& data_path,
         const std::string& data_name, const std::vector<double>& grid, std::optional<int> nsub,
         std::optional<std::uint64_t> seed, int threads) {
        facade::SimulateRequest r;
        set_model_data(r, model, params, model_file, etas, omega, sigma_prop, sigma_add, data,
                       data_path, data_name);
        r.grid = grid;
        r.nsub = nsub;
        r.seed = seed;
        r.threads = threads;
        facade::Table out;
        {
          py::gil_scoped_release release;
          out = facade::simulate(r);
        }
        return columns_of(out);
      },
      py::arg("model"), py::arg("params"), py::arg("model_file"), py::arg("etas"), py::arg("omega"),
      py::arg("sigma_prop"), py::arg("sigma_add"), py::arg("data"), py::arg("data_path"),
      py::arg("data_name"), py::arg("grid"), py::arg("nsub"), py::arg("seed"), py::arg("threads"));

  m.def(
      "fit",
      [](const std::string& model, const std::map<std::string, double>& params,
         const std::string& model_file, const std::vector<std::string>& etas,
         const std::vector<std::vector<double>>& omega, std::optional<double> sigma_prop,
         std::optional<double> sigma_add, const py::list& data, const std::string& data_path,
         const std::string& data_name, const std::string& method, int vpc, std::uint64_t seed,
         int threads, bool plots) {
        facade::FitRequest r;
        set_model_data(r, model, params, model_file, etas, omega, sigma_prop, sigma_add, data,
                       data_path, data_name);
        r.method = method;
        r.vpc = vpc;
        r.seed = seed;
        r.threads = threads;
        r.plots = plots;
        facade::FitResult out;
        {
          py::gil_scoped_release release;
          out = facade::fit(r);
        }
        return py::make_tuple(columns_of(out.subjects), columns_of(out.predictions), out.gof_svg,
                              out.vpc_svg);
      },
      py::arg("model"), py::arg("params"), py::arg("model_file"), py::arg("etas"), py::arg("omega"),
      py::arg("sigma_prop"), py::arg("sigma_add"), py::arg("data"), py::arg("data_path"),
      py::arg("data_name"), py::arg("method"), py::arg("vpc"), py::arg("seed"), py::arg("threads"),
      py::arg("plots"));
}

}  // namespace

PYBIND11_MODULE(_ketapath, m) {
  m.doc() =
      "Ketapath's engine (simulate, fit, predict, trial, population) through its C++17 facade";
  static py::exception<facade::Error> error(m, "KetapathError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) {
        std::rethrow_exception(p);
      }
    } catch (const facade::Error& e) {
      const auto type = py::reinterpret_borrow<py::object>(error.ptr());
      py::object instance = type(py::str(e.what()));
      instance.attr("code") = py::str(e.code());
      PyErr_SetObject(error.ptr(), instance.ptr());
    }
  });

  def_simulate_and_fit(m);

  m.def(
      "predict",
      [](const std::string& route, const std::string& dose, double duration_min, double weight_kg,
         double hours, double step_min, const std::string& model, const std::string& data_dir) {
        const facade::PredictRequest r{route, dose,     duration_min, weight_kg,
                                       hours, step_min, model,        data_dir};
        facade::Table out;
        {
          py::gil_scoped_release release;
          out = facade::predict(r);
        }
        return columns_of(out);
      },
      py::arg("route"), py::arg("dose"), py::arg("duration_min"), py::arg("weight_kg"),
      py::arg("hours"), py::arg("step_min"), py::arg("model"), py::arg("data_dir"));

  m.def(
      "trial",
      [](const std::string& design, const std::string& model, int replicates, std::uint64_t seed,
         int threads, bool per_subject, bool parameter_uncertainty, const std::string& data_dir) {
        const facade::TrialRequest r{
            design, model, replicates, seed, threads, per_subject, parameter_uncertainty, data_dir};
        facade::TrialResult out;
        {
          py::gil_scoped_release release;
          out = facade::trial(r);
        }
        return py::make_tuple(columns_of(out.endpoints), out.json);
      },
      py::arg("design"), py::arg("model"), py::arg("replicates"), py::arg("seed"),
      py::arg("threads"), py::arg("per_subject"), py::arg("parameter_uncertainty"),
      py::arg("data_dir"));

  m.def(
      "population",
      [](const std::string& design, std::size_t subjects, const std::string& subjects_file,
         unsigned threads, std::uint64_t seed, const std::string& out_dir,
         const std::string& profiles, double responder_s_max, bool pk_only,
         bool parameter_uncertainty, const std::string& data_dir) {
        const facade::PopulationRequest r{
            design,          subjects, subjects_file,         threads, seed, out_dir, profiles,
            responder_s_max, pk_only,  parameter_uncertainty, data_dir};
        facade::PopulationResult out;
        {
          py::gil_scoped_release release;
          out = facade::population(r);
        }
        return py::make_tuple(columns_of(out.endpoints), columns_of(out.responders));
      },
      py::arg("design"), py::arg("subjects"), py::arg("subjects_file"), py::arg("threads"),
      py::arg("seed"), py::arg("out"), py::arg("profiles"), py::arg("responder_s_max"),
      py::arg("pk_only"), py::arg("parameter_uncertainty"), py::arg("data_dir"));

  m.def("models", &facade::models, "The catalogue's model names (`ketapath models`)");
}
