"""Helpers of every lava_sd process model: state Vars as a tuple, values derived from Vars, and
one BLAS thread per model process.

Plain Python, no imports with side effects: process models import it with absolute imports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


def load_state(model: Any, state_type: type[NamedTuple]) -> Any:
    """The model's state Vars as ``state_type`` (a NamedTuple whose fields name the Vars)."""
    return state_type(*(getattr(model, key) for key in state_type._fields))


class DerivedFromVars:
    """Mixin for process models: values computed from Vars (integer parameters, Lava-ready
    weights) once per run instead of every step, and again after Lava's ``set()``."""

    def derived(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` on first use of ``key`` (and after a ``set()``), else its cached value."""
        cache = self.__dict__.setdefault("_derived", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def _set_var(self) -> None:
        """Lava's ``set()`` handler: a set Var may feed a derived value, so forget them all."""
        super()._set_var()  # type: ignore[misc]
        self.__dict__.pop("_derived", None)


class OneBlasThread:
    """Mixin for process models: BLAS limited to one thread in the model's process (a Lava actor,
    in which the model is built).

    Lava already runs each process in its own OS process, and a layer's products are small
    (batch x n_in x n); with threads, a product waits whenever one of them is descheduled, which
    on 2 shared cores made the recurrent product up to 10x slower.
    """

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)  # type: ignore[call-arg]
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
