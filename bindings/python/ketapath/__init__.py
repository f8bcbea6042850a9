"""Ketapath from Python: the same jobs as the `ketapath` command, with pandas DataFrames.

    import pandas as pd, ketapath
    data = pd.read_csv("examples/nmtran/iv_infusion_addl.csv")      # NM-TRAN layout
    cp = ketapath.simulate(data, model="two_cmt",
                           params={"CL": 79, "V1": 80, "Q": 250, "V2": 172})
    course = ketapath.predict(route="iv", dose="0.5mg/kg", duration_min=40, hours=6)

Every function calls the job function `ketapath` calls (through the C++17 facade), so the
numbers are the command's, and a bad input raises KetapathError (a ValueError) with the
command's message, e.g. ``data:3: TIME: "abc" is not a number`` (line 1 is the header, so line
N is row N-1 of the data frame). Units are in the argument names (weight_kg, duration_min).
"""

from __future__ import annotations

import json as _json
import os as _os
from typing import Mapping, Optional, Sequence, Union

import numpy as _np
import pandas as _pd

from ._ketapath import KetapathError  # noqa: F401  (re-exported)
from . import _ketapath

__all__ = ["simulate", "predict", "trial", "population", "models", "KetapathError"]


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


def simulate(
    data: Union[_pd.DataFrame, str, "_os.PathLike[str]"],
    model: str = "",
    params: Optional[Mapping[str, float]] = None,
    grid: Optional[Sequence[float]] = None,
    *,
    model_file: str = "",
    omega: Optional[Sequence[Sequence[float]]] = None,
    sigma: Optional[Sequence[Sequence[float]]] = None,
    nsub: int = 1,
    seed: Optional[int] = None,
    data_name: str = "data",
) -> _pd.DataFrame:
    """`ketapath simulate`: an NM-TRAN data set (a DataFrame, or the path of a CSV file) through a
    catalogue model with fixed parameters (NONMEM names, the data's units). Returns ID, TIME, CP,
    A1..An (and CE with KE0): one row per EVID=0 record in data order, plus the `grid` times
    merged in per ID. model_file, omega, sigma, nsub and seed are not supported yet (user models
    and simulation with variability, issue 18): giving one raises KetapathError."""
    if isinstance(data, _pd.DataFrame):
        columns, path = _columns_in(data), ""
    else:
        columns, path = [], _os.fspath(data)
    out = _ketapath.simulate(
        model=model,
        params={str(k): float(v) for k, v in (params or {}).items()},
        data=columns,
        data_path=path,
        data_name=data_name,
        grid=[float(t) for t in (grid if grid is not None else [])],
        model_file=model_file,
        omega=[list(map(float, row)) for row in (omega or [])],
        sigma=[list(map(float, row)) for row in (sigma or [])],
        nsub=int(nsub),
        seed=seed,
    )
    return _frame(out)


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
