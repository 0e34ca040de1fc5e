"""evaluate / predict with shards=N on a local Ray cluster: the same predictions (bit-equal
logits in fixed point) as one process, each shard's Lava run in a fresh interpreter whose Ray
worker never imported Lava, nothing left behind; run_module's leftover, failure and timeout
handling; the eval command's --shards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import ray
from toy_data import tones

import lava_sd
from lava_sd import ParameterError
from lava_sd.commands import evaluate as eval_command
from lava_sd.torch import fresh
from lava_sd.torch.predict import evaluate, logits, predict

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small fitted model, test data and the one-process Lava results, computed before Ray
    starts (a Lava run forks; this process should not fork while it is a Ray driver)."""
    rng = np.random.default_rng(19)
    x, y = tones(rng, 190)
    lengths = rng.integers(9, 17, 70)  # variable lengths: shards pad to their own longest
    model = lava_sd.fit("lif", (x[:120], y[:120]), hidden=(12,), epochs=15, lr=0.02,
                        progress=False)  # fmt: skip
    root = tmp_path_factory.mktemp("shards")
    path = model.save(root / "model.npz")
    np.savez(root / "test.npz", x=x[120:], lengths=lengths, y=y[120:])
    one = {backend: logits(model, x[120:], lengths, backend=backend, batch_size=32)[0]
           for backend in ("float", "fixed")}  # fmt: skip
    report = evaluate(model, x[120:], y[120:], lengths, backend="fixed", batch_size=32)
    return dict(model=model, path=path, data=root / "test.npz", x=x[120:], y=y[120:],
                lengths=lengths, one=one, report=report)  # fmt: skip


@pytest.fixture(scope="module")
def cluster(setup: dict[str, Any]) -> Any:
    """A local Ray cluster of 2 CPUs for this module."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    yield ray
    ray.shutdown()


def test_shards_give_the_single_process_results(setup: dict[str, Any], cluster: Any) -> None:
    model, x, lengths = setup["model"], setup["x"], setup["lengths"]
    fixed, facts = logits(model, x, lengths, backend="fixed", batch_size=32, shards=2)
    np.testing.assert_array_equal(fixed, setup["one"]["fixed"])  # integer arithmetic: bit-equal
    assert [s["samples"] for s in facts["shards"]] == [35, 35]
    for shard in facts["shards"]:
        print(shard)
        # the Ray worker: Lava never imported, multiprocessing's start method never set
        assert shard["imported_lava"] is False and shard["start_method"] is None
        # Lava ran in the worker's child interpreter, which Lava set to fork
        interpreter = shard["interpreter"]
        assert interpreter["parent"] == shard["pid"] != interpreter["pid"] == shard["child_pid"]
        assert interpreter["start_method"] == "fork"
        assert shard["leftover"] == []  # no Lava actor outlived the shard
    floats, _ = logits(model, x, lengths, backend="float", shards=2)
    print("float: max |logit difference|", np.abs(floats - setup["one"]["float"]).max())
    np.testing.assert_array_equal(floats.argmax(1), setup["one"]["float"].argmax(1))


def test_eval_command_with_shards(
    setup: dict[str, Any], cluster: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "report.json"
    args = ["--model", str(setup["path"]), "--data", str(setup["data"]), "--json", str(out)]
    assert eval_command.main([*args, "--shards", "3", "--batch-size", "32"]) == 0
    assert "3 shards on Ray" in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert [s["samples"] for s in report.pop("shards")] == [24, 23, 23]
    for key, value in setup["report"].items():  # spikes, synops, confusion, ...: all equal
        if key != "seconds":
            assert report[key] == value, key


def test_a_shard_that_refuses_its_input_says_why(setup: dict[str, Any], cluster: Any) -> None:
    x = setup["x"][:4] * 1e6  # beyond the 24-bit input register of fixed point
    with pytest.warns(RuntimeWarning, match="largest training input"):
        with pytest.raises(ParameterError, match="a shard refused its input: .*24-bit"):
            logits(setup["model"], x, backend="fixed", shards=1)


def test_bad_shard_settings(setup: dict[str, Any]) -> None:
    model, x = setup["model"], setup["x"]
    with pytest.raises(ParameterError, match="use backend 'float' or 'fixed'"):
        predict(model, x, backend="torch", shards=2)
    with pytest.raises(ParameterError, match="shards must be a positive integer"):
        predict(model, x, backend="fixed", shards=0)
    with pytest.raises(ParameterError, match="give shards=N"):
        predict(model, x, backend="fixed", ray_address="auto")
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.commands.evaluate", "--model", str(setup["path"]),
         "--data", str(setup["data"]), "--ray-address", "auto"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--ray-address needs --shards" in done.stderr


@pytest.fixture
def fixtures_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(FIXTURES))


def test_run_module_ends_and_reports_a_process_that_outlives_the_job(
    fixtures_importable: None,
) -> None:
    done = fresh.run_module("fresh_job", 60, ["mode"], b"outlive")
    child = int(done["outputs"]["child"])
    assert [pid for pid, _ in done["worker"]["leftover"]] == [child]
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text()


def fresh_jobs() -> list[int]:
    """Live (not zombie) processes running the ``fresh_job`` fixture."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if b"fresh_job" in command and state != "Z":
            found.append(int(entry.name))
    return found


def test_run_module_failure_and_timeout(fixtures_importable: None) -> None:
    with pytest.raises(fresh.FreshRunError, match="(?s)exit status 1.*failing on purpose"):
        fresh.run_module("fresh_job", 60, ["mode"], b"fail")
    with pytest.raises(fresh.FreshRunError, match="ran longer than 3 s"):
        fresh.run_module("fresh_job", 3, ["mode"], b"hang")
    assert fresh_jobs() == []  # the job and the child it forked into another session: killed
