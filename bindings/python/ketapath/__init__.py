"""Ketapath from Python: the same jobs as the `ketapath` command, with pandas DataFrames.

    import pandas as pd, ketapath
    data = pd.read_csv("examples/nmtran/iv_infusion_addl.csv")      # NM-TRAN layout
    cp = ketapath.simulate(data, model="two_cmt",
                           params={"CL": 79, "V1": 80, "Q": 250, "V2": 172})
    course = ketapath.predict(route="iv", dose="0.5mg/kg", duration_min=40, hours=6)
    obs = pd.read_csv("examples/nmtran/two_cmt_wt_obs.csv")          # with DV
    sims = ketapath.simulate(obs, model_file="models/user/two_cmt_wt.toml", nsub=3, seed=7)
    etas = ketapath.fit(obs, model_file="models/user/two_cmt_wt.toml")["subjects"]

Every function calls the job function `ketapath` calls (through the C++17 facade), so the
numbers are the command's, and a bad input raises KetapathError (a ValueError) with the
command's message, e.g. ``data:3: TIME: "abc" is not a number`` (line 1 is the header, so line
N is row N-1 of the data frame). Units are in the argument names (weight_kg, duration_min).
"""

from __future__ import annotations

import collections.abc as _abc
import json as _json
import os as _os
from typing import Mapping, Optional, Sequence, Union

import numpy as _np
import pandas as _pd

from ._ketapath import KetapathError  # noqa: F401  (re-exported)
from . import _ketapath

__all__ = ["simulate", "fit", "predict", "trial", "population", "models", "KetapathError"]


def _columns_in(data: _pd.DataFrame) -> list:
    """A data frame as (name, values): numeric columns as float64 (NaN = missing), others as
    str (None/NaN = missing, written as ".")."""
    columns = []
    for name in data.columns:
        series = data[name]
        if _pd.api.types.is_bool_dtype(series):
            raise KetapathError(f"data: column {name} is logical; NM-TRAN columns are numbers")
        if _pd.api.types.is_numeric_dtype(series):
            columns.append((str(name), series.to_numpy(dtype=_np.float64, na_value=_np.nan)))
        else:
            columns.append((str(name), ["." if _pd.isna(v) else str(v) for v in series]))
    return columns


def _frame(columns: list) -> _pd.DataFrame:
    return _pd.DataFrame({name: values for name, values in columns}, columns=[n for n, _ in columns])


def _invalid(message: str) -> KetapathError:
    error = KetapathError(message)
    error.code = "invalid argument"
    return error


def _data_in(data) -> tuple:
    """(columns, path): a DataFrame's columns, or the path of an NM-TRAN CSV file."""
    if isinstance(data, _pd.DataFrame):
        return _columns_in(data), ""
    return [], _os.fspath(data)


def _model_in(model, params, model_file, omega, etas, sigma) -> dict:
    """The model arguments of simulate and fit as the module takes them. omega: {name: variance}
    (a diagonal; the names are the ETAs), rows of its lower triangle ([[0.09], [0.02, 0.04]]) or
    a square symmetric matrix (numpy), with `etas` naming the parameters. sigma: {"prop": VAR,
    "add": VAR}."""
    etas = [str(e) for e in (etas or [])]
    if isinstance(omega, _abc.Mapping):
        if etas:
            raise _invalid("etas: give the ETA names once, as omega's keys or as etas")
        etas = [str(k) for k in omega]
        rows = [[0.0] * k + [float(v)] for k, v in enumerate(omega.values())]
    elif isinstance(omega, _np.ndarray) and omega.ndim == 2:
        if omega.shape[0] != omega.shape[1] or not _np.array_equal(omega, omega.T):
            raise _invalid(f"omega: a {omega.shape[0]}x{omega.shape[1]} matrix is not square "
                           "and symmetric")
        rows = [[float(v) for v in omega[k, : k + 1]] for k in range(omega.shape[0])]
    else:
        rows = [[float(v) for v in row] for row in (omega if omega is not None else [])]
    variances = {"prop": None, "add": None}
    for key, value in (sigma or {}).items():
        name = str(key).lower()
        if name not in variances:
            raise _invalid(f'sigma: "{key}" must be prop or add (variances)')
        variances[name] = float(value)
    return dict(
        model=model or "",
        params={str(k): float(v) for k, v in (params or {}).items()},
        model_file=_os.fspath(model_file or ""),
        etas=etas,
        omega=rows,
        sigma_prop=variances["prop"],
        sigma_add=variances["add"],
    )


def simulate(
    data: Union[_pd.DataFrame, str, "_os.PathLike[str]"],
    model: str = "",
    params: Optional[Mapping[str, float]] = None,
    grid: Optional[Sequence[float]] = None,
    *,
    model_file: Union[str, "_os.PathLike[str]"] = "",
    omega=None,
    etas: Optional[Sequence[str]] = None,
    sigma: Optional[Mapping[str, float]] = None,
    nsub: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 1,
    data_name: str = "data",
) -> _pd.DataFrame:
    """`ketapath simulate`: an NM-TRAN data set (a DataFrame, or the path of a CSV file) through
    a model.

    With a catalogue model and fixed parameters (NONMEM names, the data's units) it returns ID,
    TIME, CP, A1..An (and CE with KE0): one row per EVID=0 record in data order, plus the `grid`
    times merged in per ID.

    With any of model_file (a user model file, docs/user-models.md), omega, sigma, nsub or seed it
    simulates with variability and returns [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n as `ketapath
    simulate` writes it (REP when nsub > 1): exponential ETAs on the parameters `etas` names,
    omega as {"CL": 0.09, "V1": 0.04} (a diagonal; the keys name the ETAs), the rows of its lower
    triangle ([[0.09], [0.02, 0.04]]) or a symmetric numpy matrix, with etas=["CL", "V1"];
    sigma={"prop": VAR, "add": VAR} (DV = IPRED (1 + EPS1) + EPS2); nsub replicates of the data
    set; seed of the draws (default 1); threads (the numbers do not depend on them). A model file
    states its own THETAs, OMEGA and SIGMA: params, omega and sigma are refused beside it."""
    columns, path = _data_in(data)
    out = _ketapath.simulate(
        **_model_in(model, params, model_file, omega, etas, sigma),
        data=columns,
        data_path=path,
        data_name=data_name,
        grid=[float(t) for t in (grid if grid is not None else [])],
        nsub=None if nsub is None else int(nsub),
        seed=None if seed is None else int(seed),
        threads=int(threads),
    )
    return _frame(out)


def fit(
    data: Union[_pd.DataFrame, str, "_os.PathLike[str]"],
    model: str = "",
    params: Optional[Mapping[str, float]] = None,
    *,
    model_file: Union[str, "_os.PathLike[str]"] = "",
    omega=None,
    etas: Optional[Sequence[str]] = None,
    sigma: Optional[Mapping[str, float]] = None,
    method: str = "map",
    vpc: int = 0,
    seed: int = 1,
    threads: int = 1,
    plots: bool = False,
    data_name: str = "data",
) -> dict:
    """`ketapath fit`: each subject's ETAs fitted to the DV of an NM-TRAN data set (DataFrame or
    path), by MAP with OMEGA as the prior (method="map") or least squares ("ls"). The model as in
    simulate (model_file, or model with params, omega, etas, sigma).

    Returns {"subjects": DataFrame as `fit --out` (ID, OBJ, ETA1..n, SE_ETA1..n, the model's
    parameters, RSE_<parameter>, STARTS_AGREEING, ON_BOUND, HESSIAN_ADJUSTED), "predictions":
    DataFrame as `fit --predictions` (ID, TIME, DV, IPRED, PRED, IWRES), "gof_svg": the
    goodness-of-fit chart with plots=True, "vpc_svg": with plots=True and vpc=N replicates of a
    visual predictive check (seeded by seed)}; the SVG texts are "" when not asked for."""
    columns, path = _data_in(data)
    subjects, predictions, gof, vpc_chart = _ketapath.fit(
        **_model_in(model, params, model_file, omega, etas, sigma),
        data=columns,
        data_path=path,
        data_name=data_name,
        method=method,
        vpc=int(vpc),
        seed=int(seed),
        threads=int(threads),
        plots=bool(plots),
    )
    return {"subjects": _frame(subjects), "predictions": _frame(predictions), "gof_svg": gof,
            "vpc_svg": vpc_chart}


def predict(
    route: str = "iv",
    dose: str = "0.5mg/kg",
    duration_min: float = 0.0,
    weight_kg: float = 70.0,
    hours: float = 24.0,
    step_min: float = 5.0,
    model: str = "ketamine",
    data_dir: str = "",
) -> _pd.DataFrame:
    """`ketapath predict`: the typical patient's time course after one dose ("0.5mg/kg" or
    "35mg"). Columns time_h, ket_ng_ml, norket_ng_ml, ce_ng_ml, cadss, dsbp_mmhg, ddbp_mmhg,
    dhr_bpm, anxiety_reduction, acute_reduction, sustained_reduction at full precision."""
    return _frame(
        _ketapath.predict(
            route=route, dose=dose, duration_min=float(duration_min), weight_kg=float(weight_kg),
            hours=float(hours), step_min=float(step_min), model=model, data_dir=data_dir,
        )
    )


def trial(
    design: str,
    replicates: int = 200,
    seed: int = 1,
    model: str = "",
    threads: int = 1,
    per_subject: bool = False,
    parameter_uncertainty: bool = False,
    data_dir: str = "",
) -> _pd.DataFrame:
    """`ketapath trial DESIGN`: one row per endpoint (endpoint, kind, unit, median, p05, p95,
    published, tolerance_low, tolerance_high, pass). ``.attrs["json"]`` holds the document of
    `ketapath trial --format json`, parsed."""
    columns, document = _ketapath.trial(
        design=design, model=model, replicates=int(replicates), seed=int(seed),
        threads=int(threads), per_subject=bool(per_subject),
        parameter_uncertainty=bool(parameter_uncertainty), data_dir=data_dir,
    )
    frame = _frame(columns)
    frame.attrs["json"] = _json.loads(document)
    return frame


def population(
    design: str,
    subjects: int = 1000,
    seed: int = 1,
    threads: int = 1,
    out: str = "",
    profiles: str = "",
    subjects_file: str = "",
    responder_s_max: float = 0.3,
    pk_only: bool = False,
    parameter_uncertainty: bool = False,
    data_dir: str = "",
) -> dict:
    """`ketapath population DESIGN`: returns {"endpoints": DataFrame (arm, label, endpoint, n,
    mean, sd, median, p05, p95; endpoint names carry their units, e.g. cmax_mg_l), "responders":
    DataFrame (arm, label, rule, responders, subjects, fraction, ci_low, ci_high)}. With `out`,
    the per-subject files of `--out` (endpoints.csv, clinical.csv, profiles) are written there."""
    endpoints, responders = _ketapath.population(
        design=design, subjects=int(subjects), subjects_file=_os.fspath(subjects_file),
        threads=int(threads), seed=int(seed), out=_os.fspath(out), profiles=profiles,
        responder_s_max=float(responder_s_max), pk_only=bool(pk_only),
        parameter_uncertainty=bool(parameter_uncertainty), data_dir=data_dir,
    )
    return {"endpoints": _frame(endpoints), "responders": _frame(responders)}


def models() -> list:
    """The catalogue's model names, as `ketapath models` lists them."""
    return list(_ketapath.models())
