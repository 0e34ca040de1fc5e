"""Item 8 of issue 13: the command line rejects unknown and bad options with its usage (exit
2, no traceback), every benchmark's ``--help`` shows its own options, and every benchmark module
runs its ``main`` under ``python -m``."""

from __future__ import annotations

import importlib
import runpy
import subprocess
import sys
import warnings

import pytest

from lava_sd import cli

MODULES = {
    "audio": "lava_sd.bench.audio_digits",
    "har-augment": "lava_sd.bench.har_augment",
    "har": "lava_sd.bench.har_watch",
    "har-cv": "lava_sd.bench.har_cv",
    "sigma-delta-speed": "lava_sd.bench.sigma_delta_speed",
    "speed": "lava_sd.bench.sim_speed",
    "torch-fixed": "lava_sd.bench.torch_fixed_speed",
    "select": "lava_sd.bench.selection",
    "qat": "lava_sd.bench.qat",
    "seeds": "lava_sd.bench.seeds",
    "activity": "lava_sd.bench.activity",
}


def test_every_benchmark_is_a_module_with_build_parser_and_main() -> None:
    assert {name: command.module for name, command in cli.BENCHMARKS.items()} == MODULES
    for module in MODULES.values():
        loaded = importlib.import_module(module)
        assert callable(loaded.build_parser) and callable(loaded.main), module


def exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    return info.value.code


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    assert exit_code(["demo", "sigma-delta", "--bogus-flag"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: lava-sd") and "unrecognized arguments: --bogus-flag" in err
    assert exit_code(["bench", "har", "--bogus-flag"]) == 2
    assert "unrecognized arguments: --bogus-flag" in capsys.readouterr().err
    assert exit_code(["bench", "all", "--n-test", "3"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["bench", "sigma-delta-speed", "--steps", "-5"],
        ["bench", "sigma-delta-speed", "--batches", "1", "0"],
        ["bench", "speed", "--frames", "x"],
        ["bench", "audio", "--n-test", "0"],
        ["bench", "har", "--n-test", "-1"],
        ["bench", "har-cv", "--n-test", "2.5"],
    ],
)
def test_bad_option_value_is_a_usage_error(argv: list[str], capsys) -> None:  # noqa: ANN001
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: lava-sd bench {argv[1]} ") and "must be an integer >= 1" in err


def test_bad_option_value_from_the_shell_prints_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.cli", "bench", "sigma-delta-speed", "--steps", "-5"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "argument --steps: must be an integer >= 1, got '-5'" in done.stderr


@pytest.mark.parametrize("name", sorted(MODULES))
def test_bench_help_shows_the_benchmarks_own_options(name: str, capsys) -> None:  # noqa: ANN001
    assert exit_code(["bench", name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: lava-sd bench {name} ")
    own = importlib.import_module(MODULES[name]).build_parser()
    for action in own._actions:
        for option in action.option_strings:
            assert option in out, f"{option} missing from `lava-sd bench {name} --help`"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_bench_module_runs_its_main(name: str, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(sys, "argv", [MODULES[name], "--help"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the module is already imported
        with pytest.raises(SystemExit) as info:
            runpy.run_module(MODULES[name], run_name="__main__")
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: lava-sd bench {name} ")


def test_python_m_audio_digits_runs_main() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.bench.audio_digits", "--n-test", "0"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("usage: lava-sd bench audio ")


def test_demo_arguments_still_parse() -> None:
    assert cli.build_parser(["demo"]).parse_args(["demo"]).which == "audio"
    args = cli.build_parser(["demo", "sigma-delta"]).parse_args(["demo", "sigma-delta"])
    assert args.which == "sigma-delta"
    assert exit_code(["demo", "nope"]) == 2
