"""Drive one process with recorded input and record its output: the common test/encode harness."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lava.magma.core.process.process import AbstractProcess
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source

from lava_sd.checks import ParameterError, as_array
from lava_sd.layer.process import LayerProcess, check_input, warn_overflow
from lava_sd.run import RunResult, run


def drive(
    proc: AbstractProcess,
    inputs: np.ndarray,
    *,
    backend: str = "float",
    record: Sequence[str] = (),
    in_port: str = "a_in",
    out_port: str = "s_out",
    timeout: float | None = None,
    progress: bool = False,
) -> RunResult:
    """Feed ``inputs`` into ``proc.<in_port>`` step by step and record ``proc.<out_port>``.

    A ring-buffer source is connected straight to the input port (no delay) and a ring-buffer
    sink to the output port; the graph runs once through ``lava_sd.run``. A process can be
    driven once (its input port must not be connected yet).

    Args:
        proc: the process to drive.
        inputs: shape ``in_port.shape + (T,)``, time last; integers for fixed point.
        backend: ``"float"``, ``"fixed"`` or ``"loihi2"``.
        record: names of Vars of ``proc`` to read after the last step.
        in_port, out_port: port names (``"s_in"``/``"a_out"`` for synapses).
        timeout, progress: passed to ``lava_sd.run``.

    Returns:
        ``RunResult`` with the output under the key ``out_port`` (shape ``out_port.shape +
        (T,)``) and each recorded Var under its name.
    """
    owner = f"drive({type(proc).__name__} '{proc.name}')"
    ports = {}
    for key in (in_port, out_port):
        if not hasattr(proc, key):
            raise ParameterError(f"{owner}: the process has no port '{key}'.")
        ports[key] = getattr(proc, key)
    if ports[in_port].in_connections:
        raise ParameterError(
            f"{owner}: port '{in_port}' is already connected (to "
            f"{ports[in_port].in_connections[0].process.name}); drive() feeds it from its own "
            "source, and a second drive() of the same process would add a second source. "
            "Drive a new process, or connect a source yourself and call lava_sd.run."
        )
    inputs = as_array(owner, "inputs", inputs)
    in_shape, out_shape = tuple(ports[in_port].shape), tuple(ports[out_port].shape)
    if inputs.ndim != len(in_shape) + 1 or inputs.shape[:-1] != in_shape or inputs.shape[-1] < 1:
        raise ParameterError(
            f"{owner}: inputs must have shape {in_shape} + (T,) with T >= 1 (time last), "
            f"got {inputs.shape}."
        )
    for key in record:
        if key not in proc.vars.member_names:
            raise ParameterError(
                f"{owner}: the process has no Var '{key}'; "
                f"choose from {sorted(proc.vars.member_names)}."
            )
    num_steps = inputs.shape[-1]
    source = Source(data=inputs)
    sink = Sink(shape=out_shape, buffer=num_steps)
    source.s_out.connect(ports[in_port])
    ports[out_port].connect(sink.a_in)
    outputs = {out_port: sink.data, **{key: getattr(proc, key) for key in record}}
    layer = isinstance(proc, LayerProcess) and in_port == "a_in"
    if layer:
        if backend != "float":
            check_input(proc, inputs)
        outputs.update(_overflow_steps=proc.overflow_steps, _overflow_first=proc.overflow_first)
    result = run(outputs, num_steps, backend=backend, timeout=timeout, progress=progress)
    if layer:
        steps, first = result.pop("_overflow_steps"), result.pop("_overflow_first")
        warn_overflow(proc.owner, backend, proc.NEURON.overflow_names, steps, first)
    return result
