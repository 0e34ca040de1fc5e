"""The runner: clear errors before run(), no hangs, no processes left behind."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import child_processes
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source
from lava.proc.lif.process import LIF
from lava_boom.boom import Boom

import lava_sd
from lava_sd import (
    BackendUnavailable,
    ParameterError,
    SigmaDelta,
    SimulationError,
    SimulationTimeout,
)
from lava_sd.harness import drive


def lif_boom_lif_chain(hang: bool = False) -> Sink:
    """LIF -> Boom -> LIF -> sink: Boom fails in the middle of the graph at step 3."""
    first, boom, last = (
        LIF(shape=(3,), bias_mant=1.0, vth=0.5),
        Boom(shape=(3,), hang=hang),
        LIF(shape=(3,)),
    )
    sink = Sink(shape=(3,), buffer=10)
    first.s_out.connect(boom.a_in)
    boom.s_out.connect(last.a_in)
    last.s_out.connect(sink.a_in)
    return sink


def test_model_raising_inside_lava_gives_clear_error_fast() -> None:
    before = set(child_processes())
    started = time.monotonic()
    with pytest.raises(SimulationError, match="boom at step 3") as info:
        lava_sd.run({"spikes": lif_boom_lif_chain().data}, 10, timeout=30)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"the error took {elapsed:.1f} s"
    assert info.value.process is not None and "Boom" in info.value.process
    assert "Traceback" in info.value.child_traceback
    assert set(child_processes()) <= before, "Lava actors were left behind"


def test_hanging_model_times_out_and_is_killed() -> None:
    before = set(child_processes())
    started = time.monotonic()
    with pytest.raises(SimulationTimeout, match="did not finish within 3.0 s"):
        lava_sd.run({"spikes": lif_boom_lif_chain(hang=True).data}, 10, timeout=3)
    assert time.monotonic() - started < 15
    assert set(child_processes()) <= before, "Lava actors were left behind"


def test_successful_run_leaves_no_processes() -> None:
    before = set(child_processes())
    out = drive(SigmaDelta(shape=(2,)), np.ones((2, 20)), record=("v",))
    assert out["s_out"].shape == (2, 20)
    assert out.seconds_run > 0 and out.seconds_total >= out.seconds_run
    assert set(child_processes()) <= before


def test_parent_processes_are_untouched_by_a_run() -> None:
    neurons = SigmaDelta(shape=(2,))
    first = drive(neurons, np.ones((2, 5)), record=("i_fb",))
    assert first["i_fb"].min() < 0
    np.testing.assert_array_equal(neurons.i_fb.init, 0)


def test_var_of_wrong_shape_in_a_lava_process_is_caught_before_run() -> None:
    lif = LIF(shape=(3,), v=np.zeros(4))  # Lava accepts this and would hang at run time
    sink = Sink(shape=(3,), buffer=5)
    lif.s_out.connect(sink.a_in)
    with pytest.raises(ParameterError, match=r"Var 'v' has shape \(3,\) but its value has shape"):
        lava_sd.run({"s": sink.data}, 5)


def test_var_set_to_wrong_shape_after_construction_is_caught() -> None:
    neurons = SigmaDelta(shape=(3,))
    neurons.v.init = np.zeros(5)
    with pytest.raises(ParameterError, match="Var 'v'"):
        drive(neurons, np.zeros((3, 4)))


def test_nan_in_source_data_is_caught() -> None:
    data = np.ones((2, 6))
    data[1, 4] = np.nan
    with pytest.raises(ParameterError, match=r"NaN or infinite .*index \(1, 4\)"):
        drive(SigmaDelta(shape=(2,)), data)


def test_float_input_for_fixed_backend_is_caught() -> None:
    source = Source(data=np.full((2, 5), 0.5))
    sink = Sink(shape=(2,), buffer=5)
    source.s_out.connect(sink.a_in)
    with pytest.raises(ParameterError, match="not an integer.*silently truncate"):
        lava_sd.run({"s": sink.data}, 5, backend="fixed")


def test_loihi2_backend_without_lava_loihi_is_a_clear_error() -> None:
    with pytest.raises(BackendUnavailable, match="lava-loihi"):
        drive(SigmaDelta(shape=(2,)), np.zeros((2, 3), dtype=int), backend="loihi2")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(num_steps=0), "num_steps"),
        (dict(num_steps=2.5), "num_steps"),
        (dict(num_steps=5, backend="gpu"), "unknown backend"),
    ],
)
def test_bad_run_arguments(kwargs: dict, match: str) -> None:
    neurons = SigmaDelta(shape=(2,))
    with pytest.raises(ParameterError, match=match):
        lava_sd.run({"v": neurons.v}, **kwargs)


def test_outputs_must_be_vars() -> None:
    with pytest.raises(ParameterError, match="lava Var"):
        lava_sd.run({"v": np.zeros(3)}, 5)
    with pytest.raises(ParameterError, match="non-empty"):
        lava_sd.run({}, 5)


def test_outputs_from_unconnected_graphs_are_refused() -> None:
    a, b = SigmaDelta(shape=(2,)), SigmaDelta(shape=(2,))
    with pytest.raises(ParameterError, match="not connected"):
        lava_sd.run({"a": a.v, "b": b.v}, 5)


def test_progress_bar_runs_in_chunks(capsys: pytest.CaptureFixture) -> None:
    out = drive(SigmaDelta(shape=(1,)), np.ones((1, 120)), progress=True)
    assert out["s_out"].shape == (1, 120)
    assert "120/120" in capsys.readouterr().err
