"""The Python module against the `ketapath` command: the same numbers (exactly, where the command
prints round-trip numbers) and the same error messages. Run by scripts/test.sh's bindings stage:
    build/bindings/python/venv/bin/python -m pytest bindings/python/tests
KETAPATH_SOURCE_DIR and KETAPATH_BUILD_DIR default to this repository and its build/."""

import io
import json
import math
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

import ketapath

SOURCE = pathlib.Path(os.environ.get("KETAPATH_SOURCE_DIR", pathlib.Path(__file__).parents[3]))
BUILD = pathlib.Path(os.environ.get("KETAPATH_BUILD_DIR", SOURCE / "build"))
CLI = BUILD / "src" / "cli" / "ketapath"
EXAMPLES = SOURCE / "examples" / "nmtran"


def cli(*args, ok=True):
    run = subprocess.run([str(CLI), *args], capture_output=True, text=True, cwd=SOURCE)
    if ok:
        assert run.returncode == 0, run.stderr
    return run


def read_exact(text):
    # round_trip: the shortest round-trip numbers the command prints read back exactly
    return pd.read_csv(io.StringIO(text), float_precision="round_trip")


def nmtran(name):
    return pd.read_csv(EXAMPLES / name, comment="#", float_precision="round_trip")


CASES = [
    ("iv_infusion_addl.csv", "two_cmt", {"CL": 79, "V1": 80, "Q": 250, "V2": 172}, (0, 24, 0.5)),
    ("sc_depot_lag.csv", "two_cmt_depot",
     {"KA": 4, "CL": 79, "V2": 80, "Q": 250, "V3": 172, "F1": 0.9, "ALAG1": 0.05, "KE0": 2.5},
     None),
    ("oral_ss_reset.csv", "one_cmt_depot", {"KA": 1.2, "CL": 79, "V": 250, "F1": 0.2}, None),
]


@pytest.mark.parametrize("file,model,params,grid", CASES)
def test_simulate_gives_the_commands_numbers_exactly(file, model, params, grid):
    args = ["simulate", "--model", model, "--data", str(EXAMPLES / file),
            "--param", ",".join(f"{k}={v}" for k, v in params.items())]
    times = None
    if grid:
        args += ["--grid", ":".join(str(g) for g in grid)]
        times = grid[0] + np.arange(int((grid[1] - grid[0]) / grid[2] + 1e-9) + 1) * grid[2]
    expected = read_exact(cli(*args).stdout)
    from_frame = ketapath.simulate(nmtran(file), model=model, params=params, grid=times)
    from_file = ketapath.simulate(EXAMPLES / file, model=model, params=params, grid=times)
    assert list(from_frame.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(from_frame, expected, check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(from_file, expected, check_exact=True, check_dtype=False)


def test_a_bad_record_gives_the_commands_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,TIME,AMT,EVID\n1,0,100,1\n1,abc,.,0\n")
    message = cli("simulate", "--model", "one_cmt", "--param", "CL=2,V=10", "--data", str(bad),
                  ok=False)
    assert message.returncode == 2
    expected = message.stderr.strip().removeprefix("ketapath: error: ")
    assert expected == f'{bad}:3: TIME: "abc" is not a number'
    frame = pd.DataFrame({"ID": [1, 1], "TIME": ["0", "abc"], "AMT": [100, None], "EVID": [1, 0]})
    with pytest.raises(ketapath.KetapathError) as raised:
        ketapath.simulate(frame, model="one_cmt", params={"CL": 2, "V": 10}, data_name=str(bad))
    assert str(raised.value) == expected
    assert raised.value.code == "invalid data"
    with pytest.raises(ketapath.KetapathError, match="^data:3: TIME: \"abc\" is not a number$"):
        ketapath.simulate(frame, model="one_cmt", params={"CL": 2, "V": 10})
    with pytest.raises(ketapath.KetapathError) as raised:
        ketapath.simulate(bad, model="one_cmt", params={"CL": 2, "V": 10})
    assert str(raised.value) == expected


def test_a_bad_parameter_gives_the_commands_message():
    data = nmtran("iv_infusion_addl.csv")
    message = cli("simulate", "--model", "two_cmt", "--param", "CL=-1,V1=80,Q=250,V2=172",
                  "--data", str(EXAMPLES / "iv_infusion_addl.csv"), ok=False)
    with pytest.raises(ketapath.KetapathError) as raised:
        ketapath.simulate(data, model="two_cmt", params={"CL": -1, "V1": 80, "Q": 250, "V2": 172})
    assert "ketapath: error: " + str(raised.value) == message.stderr.strip()
    with pytest.raises(ketapath.KetapathError, match='model: "three" is not a model'):
        ketapath.simulate(data, model="three", params={})


USER_MODEL = SOURCE / "models" / "user" / "two_cmt_wt.toml"
WT_DATA = EXAMPLES / "two_cmt_wt_obs.csv"


def test_a_user_model_simulation_with_variability_is_the_commands():
    # issue 18's acceptance: the same simulation from the CLI, R and Python gives identical numbers
    expected = read_exact(cli("simulate", "--model-file", str(USER_MODEL), "--data", str(WT_DATA),
                              "--nsub", "3", "--seed", "7").stdout)
    assert list(expected.columns) == ["REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1", "ETA2"]
    from_frame = ketapath.simulate(nmtran("two_cmt_wt_obs.csv"), model_file=USER_MODEL, nsub=3,
                                   seed=7)
    from_file = ketapath.simulate(WT_DATA, model_file=str(USER_MODEL), nsub=3, seed=7, threads=2)
    pd.testing.assert_frame_equal(from_frame, expected, check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(from_file, expected, check_exact=True, check_dtype=False)


def test_a_catalogue_simulation_with_omega_and_sigma_is_the_commands():
    params = {"CL": 79, "V1": 80, "Q": 250, "V2": 172}
    expected = read_exact(cli("simulate", "--model", "two_cmt", "--data",
                              str(EXAMPLES / "iv_infusion_addl.csv"),
                              "--param", ",".join(f"{k}={v}" for k, v in params.items()),
                              "--omega", "CL,V1=0.09,0.02,0.04,Q=0.1",
                              "--sigma", "prop=0.01,add=1e-4", "--seed", "3").stdout)
    data = nmtran("iv_infusion_addl.csv")
    rows = ketapath.simulate(data, model="two_cmt", params=params, etas=["CL", "v1", "Q"],
                             omega=[[0.09], [0.02, 0.04], [0, 0, 0.1]],
                             sigma={"prop": 0.01, "add": 1e-4}, seed=3)
    matrix = ketapath.simulate(data, model="two_cmt", params=params, etas=["CL", "V1", "Q"],
                               omega=np.array([[0.09, 0.02, 0], [0.02, 0.04, 0], [0, 0, 0.1]]),
                               sigma={"prop": 0.01, "add": 1e-4}, seed=3)
    pd.testing.assert_frame_equal(rows, expected, check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(matrix, expected, check_exact=True, check_dtype=False)
    diagonal = read_exact(cli("simulate", "--model", "two_cmt", "--data",
                              str(EXAMPLES / "iv_infusion_addl.csv"),
                              "--param", ",".join(f"{k}={v}" for k, v in params.items()),
                              "--omega", "CL=0.09,V1=0.04", "--nsub", "1").stdout)
    got = ketapath.simulate(data, model="two_cmt", params=params, omega={"CL": 0.09, "V1": 0.04},
                            nsub=1)
    pd.testing.assert_frame_equal(got, diagonal, check_exact=True, check_dtype=False)


def test_a_fit_is_the_commands(tmp_path):
    out, predictions = tmp_path / "fit.csv", tmp_path / "pred.csv"
    cli("fit", "--model-file", str(USER_MODEL), "--data", str(WT_DATA), "--out", str(out),
        "--predictions", str(predictions))
    result = ketapath.fit(nmtran("two_cmt_wt_obs.csv"), model_file=USER_MODEL, plots=True)
    expected = pd.read_csv(out, float_precision="round_trip")
    assert list(expected.columns)[:4] == ["ID", "OBJ", "ETA1", "ETA2"]
    pd.testing.assert_frame_equal(result["subjects"], expected, check_exact=True,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(result["predictions"],
                                  pd.read_csv(predictions, float_precision="round_trip"),
                                  check_exact=True, check_dtype=False)
    assert "<svg" in result["gof_svg"] and result["vpc_svg"] == ""


def test_a_least_squares_fit_of_a_catalogue_model_is_the_commands(tmp_path):
    data, out = tmp_path / "obs.csv", tmp_path / "fit.csv"
    data.write_text("ID,TIME,AMT,EVID,DV\n1,0,100,1,.\n1,1,.,0,8.3\n1,4,.,0,6.1\n"
                    "2,0,100,1,.\n2,2,.,0,7.0\n2,6,.,0,3.9\n")
    cli("fit", "--model", "one_cmt", "--param", "CL=2,V=10", "--omega", "CL=0.09,V=0.04",
        "--sigma", "prop=0.01", "--method", "ls", "--data", str(data), "--out", str(out))
    got = ketapath.fit(data, model="one_cmt", params={"cl": 2, "V": 10},
                       omega={"CL": 0.09, "V": 0.04}, sigma={"prop": 0.01}, method="ls")
    pd.testing.assert_frame_equal(got["subjects"], pd.read_csv(out, float_precision="round_trip"),
                                  check_exact=True, check_dtype=False)


def test_a_bad_user_model_gives_the_commands_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(USER_MODEL.read_text().replace("V2 = TVV2", "V2 = TVV3"))
    message = cli("simulate", "--model-file", str(bad), "--data", str(WT_DATA), ok=False)
    assert message.returncode == 2 and "TVV3" in message.stderr
    for call in (ketapath.simulate, ketapath.fit):
        with pytest.raises(ketapath.KetapathError) as raised:
            call(nmtran("two_cmt_wt_obs.csv"), model_file=bad)
        assert "ketapath: error: " + str(raised.value) == message.stderr.strip()


def test_a_model_file_refuses_params_omega_and_sigma():
    data = nmtran("two_cmt_wt_obs.csv")
    for field, value in [("params", {"CL": 1}), ("omega", {"CL": 0.1}),
                         ("sigma", {"prop": 0.01})]:
        with pytest.raises(ketapath.KetapathError,
                           match=f"^{field}(_prop)?: the model file .* states its own THETAs"):
            ketapath.simulate(data, model_file=USER_MODEL, **{field: value})
    with pytest.raises(ketapath.KetapathError, match="^give model NAME .* not both$"):
        ketapath.fit(data, model="two_cmt", model_file=USER_MODEL)
    with pytest.raises(ketapath.KetapathError, match="^omega: row 2 has 1 values"):
        ketapath.simulate(data, model="two_cmt", params={"CL": 1}, etas=["CL", "V1"],
                          omega=[[0.1], [0.1]])
    with pytest.raises(ketapath.KetapathError, match="^nsub must be >= 1"):
        ketapath.simulate(data, model_file=USER_MODEL, nsub=0)


def test_predict_gives_the_commands_numbers():
    expected = read_exact(cli("predict", "--route", "iv", "--dose", "0.5mg/kg", "--duration-min",
                              "40", "--hours", "6").stdout)
    got = ketapath.predict(route="iv", dose="0.5mg/kg", duration_min=40, hours=6)
    assert list(got.columns) == list(expected.columns)
    # the command rounds: time to 4 decimals, concentrations and effects to 3, fractions to 5
    decimals = [4, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5]
    for column, places in zip(expected.columns, decimals):
        assert np.all(np.abs(got[column] - expected[column]) <= 0.5 * 10.0**-places + 1e-12), column
    message = cli("predict", "--route", "sc", "--dose", "0.5mg/kg", "--duration-min", "40",
                  ok=False).stderr
    with pytest.raises(ketapath.KetapathError) as raised:
        ketapath.predict(route="sc", dose="0.5mg/kg", duration_min=40)
    assert str(raised.value) == message.strip().removeprefix("ketapath: error: ").replace(
        "--duration-min", "duration_min")


def test_trial_gives_the_commands_json():
    expected = json.loads(cli("trial", "glue2017", "--replicates", "3", "--seed", "5",
                              "--format", "json").stdout)
    got = ketapath.trial("glue2017", replicates=3, seed=5)
    assert got.attrs["json"] == expected
    assert list(got["endpoint"]) == [e["name"] for e in expected["endpoints"]]
    for row, e in zip(got.itertuples(), expected["endpoints"]):
        median = e["simulated"]["median"]
        assert (math.isnan(row.median) and median is None) or row.median == median


def test_population_writes_the_commands_files(tmp_path):
    cli("population", "benchmark", "--subjects", "300", "--seed", "4", "--threads", "1",
        "--out", str(tmp_path / "cli"))
    result = ketapath.population("benchmark", subjects=300, seed=4, out=tmp_path / "py")
    assert (tmp_path / "py" / "endpoints.csv").read_bytes() == \
        (tmp_path / "cli" / "endpoints.csv").read_bytes()
    per_subject = pd.read_csv(tmp_path / "py" / "endpoints.csv", float_precision="round_trip")
    endpoints = result["endpoints"].set_index("endpoint")
    assert endpoints.loc["cmax_mg_l", "n"] == 300
    assert endpoints.loc["cmax_mg_l", "mean"] == pytest.approx(per_subject["cmax_mg_l"].mean(),
                                                               rel=1e-12)
    responders = result["responders"]
    assert responders.loc[0, "subjects"] == 300 and responders.loc[0, "rule"] == "s_max >= 0.3"


def test_models_lists_the_catalogue():
    assert {"one_cmt", "two_cmt", "three_cmt_depot"} <= set(ketapath.models())


def readme_block(language):
    text = (SOURCE / "README.md").read_text()
    section = text[text.index("## From R and Python"):]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start:section.index("```", start)]


def test_the_readme_example_runs(monkeypatch):
    monkeypatch.chdir(SOURCE)
    scope = {}
    exec(compile(readme_block("python"), "README.md (Python example)", "exec"), scope)
    assert list(scope["cp"].columns) == ["ID", "TIME", "CP", "A1", "A2"]
    assert len(scope["course"]) == 6 * 12 + 1
    assert "responders_0.5_1_mg_kg" in set(scope["glue"]["endpoint"])
    assert set(scope["pop"]) == {"endpoints", "responders"}
    assert list(scope["sims"].columns) == ["REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1",
                                           "ETA2"]
    assert list(scope["sims"]["REP"].unique()) == [1, 2, 3]
    assert len(scope["fits"]["subjects"]) == 20 and len(scope["fits"]["predictions"]) > 0
    assert list(scope["var"].columns)[-2:] == ["ETA1", "ETA2"] and scope["var"]["REP"].max() == 10
