"""Parent-side validation of a Lava process graph before it runs.

An exception inside a Lava process model makes ``run()`` hang in lava-nc 0.10, and a Var whose
initial value has the wrong shape is not caught by Lava's compiler (the forked actor fails and
the interpreter never exits). So ``lava_sd.run`` checks everything it can here, first.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, check_finite, check_integer

INT32_MAX = 2**31 - 1


def describe(proc: AbstractProcess) -> str:
    """``"ClassName 'name'"``: how a process is named in messages."""
    return f"{type(proc).__name__} '{proc.name}'"


def validate_var(proc: AbstractProcess, var: Var, backend: str) -> None:
    """Check one Var's initial value: shape, real and finite, and integral for integer backends.

    Raises:
        ParameterError: with the process, the Var and what to do about it.
    """
    owner = describe(proc)
    init = np.asarray(var.init)
    if init.dtype == object:
        raise ParameterError(f"{owner}: Var '{var.name}' holds non-numeric data {var.init!r}.")
    try:
        np.broadcast_to(init, var.shape)
    except ValueError:
        raise ParameterError(
            f"{owner}: Var '{var.name}' has shape {var.shape} but its value has shape "
            f"{init.shape}; set it to a scalar or an array of shape {var.shape}."
        ) from None
    if init.dtype.kind == "c":
        raise ParameterError(
            f"{owner}: Var '{var.name}' holds complex values; Lava Vars are real (Lava would "
            "silently drop the imaginary part). Pass the real part or the magnitude explicitly."
        )
    if init.dtype.kind not in "biuf":
        return
    check_finite(owner, f"Var {var.name}", init)
    if backend != "float" and init.dtype.kind == "f":
        check_integer(
            owner,
            f"Var {var.name}",
            init,
            f"backend '{backend}' stores Vars as integers and would silently truncate it; "
            "quantize the value first (e.g. np.round with your scale) or use backend='float'.",
        )
        if np.any(np.abs(init) > INT32_MAX):
            raise ParameterError(
                f"{owner}: Var '{var.name}' exceeds the int32 range of fixed-point models."
            )


def validate_graph(procs: Iterable[AbstractProcess], backend: str) -> None:
    """Validate each process: its own ``validate(backend)`` first (lava_sd processes know their
    parameters and give the most specific message), then every Var generically."""
    for proc in procs:
        own_check = getattr(proc, "validate", None)
        if callable(own_check):
            own_check(backend)
        for var in proc.vars:
            validate_var(proc, var, backend)
