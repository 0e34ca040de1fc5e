"""NIR (Neuromorphic Intermediate Representation, ``nir`` 1.0.8) import and export.

Import maps a graph of dense synapses and spiking neurons onto the registered ``lif`` model
(one ``lava_sd.models.lif`` layer per spiking node, its synapses fused into the layer) at the
caller's time step ``dt``. NIR's parameters are continuous time; per step, with
``a(tau) = dt / tau`` (forward Euler, the default: NIR's authors' reference, Norse, snnTorch and
Lava) or ``a(tau) = 1 - exp(-dt / tau)`` (``method="zoh"``: each equation's exact solution for
an input held over the step)::

    LIF      tau dv/dt = (v_leak - v) + r I          v <- v (1 - a) + a (v_leak + r I_t)
    IF           dv/dt = r I                          v <- v + dt r I_t
    CubaLIF  tau_syn dI/dt = -I + w_in S              I <- I (1 - a_s) + a_s w_in S_t
             tau_mem dv/dt = (v_leak - v) + r I       v <- v (1 - a_m) + a_m (v_leak + r I_t)
    spike    z = v > v_threshold;  v <- v_reset (= 0) where z

with ``I_t = W x_t + b (+ W_rec z_{t-1})`` from the Affine / Linear / Scale nodes before the
neuron (a cycle inside a sub-graph is the recurrent matrix). In the ``lif`` layer (``u`` its
synaptic current, ``v`` its membrane)::

    u <- u (1 - du) + g (W x_t + W_rec z_{t-1})      du = a_s (CubaLIF) or 1 (LIF, IF)
    v <- v (1 - dv) + u + bias                        dv = a_m, a or 0 (IF)
    g = a r (LIF), dt r (IF), a_m r a_s w_in (CubaLIF); bias = a (v_leak + r b) (LIF),
    dt r b (IF), a_m v_leak (CubaLIF: an Affine bias would enter the current, which Lava's LIF
    cannot; refused)

so ``v`` of a CubaLIF uses this step's current ``I_t`` (Lava's and snnTorch's order; NIR's
authors' reference uses ``I_{t-1}``: its CubaLIF spikes come one step later per layer). The
last spiking layer's output, or a readout (``Affine``/``Linear`` to ``Output``, optionally
through a ``LI`` node), becomes the network's host readout: ``logits = W_o mean_t(r_t) + b_o``
with ``r_t = r_{t-1} (1 - k) + k z_t`` (``k = a(tau)`` of the LI node, 1 without one).

Export (``to_nir``) writes a ``lava_sd.Network`` (or ``Classifier``) of ``lif`` layers (and
``alif`` layers with their adaptation off) as that graph at a chosen ``dt``, with the readout as
``Affine`` (``k = 1``) or ``Linear`` + ``LI``. docs/interop.md has every decision.
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError

__all__ = ["from_nir", "nir_classifier", "spike_trains", "to_nir"]

METHODS = ("euler", "zoh")
RESETS = ("zero", "subtract")
SYNAPSES = ("Affine", "Linear", "Scale")
SPIKING = ("LIF", "CubaLIF", "IF")
READOUTS = ("LI",)
NOT_YET = ("Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "Flatten")
METADATA_KEY = "lava_sd"
UNITY_RTOL = 1e-12  # gains this close to 1 are taken as exactly 1 (round trips through NIR)
RESET_CHANGED = (1, 0, 6)  # NIR 1.0.6 (PR #129): LIF / CubaLIF / IF reset to v_reset
MISSING_PRIMITIVE = {
    "lprnn": "a ΣΔ (sigma-delta) neuron with graded events",
    "sigma_delta": "a ΣΔ (sigma-delta) neuron with graded events",
    "spiking_lstm": "a gated spiking LSTM unit (LIF + AHP neurons)",
    "egru": "a gated recurrent unit with graded events (EGRU)",
    "alif": "an adaptive LIF neuron (adaptation a_w, b_w)",
}


@dataclass
class _Layer:
    """One spiking node with the dense synapses in front of it, in NIR units."""

    name: str
    node: Any
    weight: np.ndarray  # (n, n_in)
    bias: np.ndarray  # (n,) Affine biases: a constant input current
    rec_weight: np.ndarray | None = None  # (n, n)


@dataclass
class _Readout:
    """What the graph's output reads: the last spiking layer (identity), an affine map of its
    spikes, or a leaky integrator (LI) of that map."""

    weight: np.ndarray  # (n_out, n_last)
    bias: np.ndarray
    li: Any = None
    names: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- reading graphs


def _nir() -> Any:
    try:
        import nir
    except ImportError:  # pragma: no cover - nir is a dev dependency
        raise ParameterError(
            "NIR interchange needs the 'nir' package (pip install nir==1.0.8)."
        ) from None
    return nir


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _file_version(path: Path) -> str | None:
    """The NIR version a file says wrote it (``version`` at its root), if any."""
    import h5py

    with h5py.File(path, "r") as f:
        if "version" not in f:
            return None
        value = f["version"][()]
    return value.decode() if isinstance(value, bytes) else str(value)


def _load(path_or_graph: Any) -> tuple[Any, str | None, str]:
    """The NIR graph, the NIR version that wrote it (files only) and where it came from."""
    nir = _nir()
    if isinstance(path_or_graph, nir.NIRGraph):
        return path_or_graph, None, "a nir.NIRGraph"
    if not isinstance(path_or_graph, (str, Path)):
        raise ParameterError(
            f"from_nir: expected a nir.NIRGraph or the path of a .nir file, got "
            f"{type(path_or_graph).__name__}."
        )
    path = Path(path_or_graph)
    if not path.is_file():
        raise ParameterError(f"from_nir: no NIR file at {path}.")
    try:
        graph = nir.read(path)
        version = _file_version(path)
    except (ValueError, KeyError, OSError, AssertionError) as exc:
        raise ParameterError(
            f"from_nir: {path} is not a NIR graph nir {nir.version} can read: {exc}"
        ) from None
    return graph, version, str(path)


def _flatten(graph: Any) -> tuple[dict[str, Any], list[tuple[str, str]], str, str]:
    """Every node of ``graph`` and its sub-graphs under one dotted name, the edges between
    them (sub-graph Input / Output nodes contracted away), and the top-level input and output.
    """
    nir = _nir()
    nodes: dict[str, Any] = {}
    edges: list[tuple[str, str]] = []
    inner: set[str] = set()

    def endpoint(g: Any, prefix: str, name: str, side: str) -> str:
        if name in g.nodes:
            node = g.nodes[name]
            if not isinstance(node, nir.NIRGraph):
                return prefix + name
            kind = nir.Output if side == "out" else nir.Input
            ends = [k for k, v in node.nodes.items() if isinstance(v, kind)]
            if len(ends) != 1:
                raise ParameterError(
                    f"from_nir: an edge names sub-graph '{prefix + name}', which has "
                    f"{len(ends)} {kind.__name__} nodes; name one of them ('{name}.<node>')."
                )
            return endpoint(node, f"{prefix}{name}.", ends[0], side)
        head, _, rest = name.partition(".")
        if rest and isinstance(g.nodes.get(head), nir.NIRGraph):
            return endpoint(g.nodes[head], f"{prefix}{head}.", rest, side)
        raise ParameterError(f"from_nir: an edge names '{prefix + name}', which is no node.")

    def walk(g: Any, prefix: str) -> None:
        for name, node in g.nodes.items():
            if isinstance(node, nir.NIRGraph):
                walk(node, f"{prefix}{name}.")
            else:
                nodes[prefix + name] = node
                if prefix and isinstance(node, (nir.Input, nir.Output)):
                    inner.add(prefix + name)
        for a, b in g.edges:
            edges.append((endpoint(g, prefix, a, "out"), endpoint(g, prefix, b, "in")))

    walk(graph, "")
    for name in inner:  # a sub-graph's Input / Output passes its input through
        before = [a for a, b in edges if b == name]
        after = [b for a, b in edges if a == name]
        edges = [e for e in edges if name not in e]
        edges += [(a, b) for a in before for b in after]
        del nodes[name]
    inputs = [k for k, v in nodes.items() if isinstance(v, nir.Input)]
    outputs = [k for k, v in nodes.items() if isinstance(v, nir.Output)]
    if len(inputs) != 1 or len(outputs) != 1:
        raise ParameterError(
            f"from_nir: lava_sd maps graphs with one Input and one Output node; this one has "
            f"inputs {inputs} and outputs {outputs}."
        )
    return nodes, sorted(set(edges)), inputs[0], outputs[0]


def _type(node: Any) -> str:
    return type(node).__name__


def _check_node(name: str, node: Any) -> None:
    """Refuse a node lava_sd does not map, naming it and its type."""
    kind = _type(node)
    if kind in SYNAPSES + SPIKING + READOUTS + ("Input", "Output"):
        return
    if kind in NOT_YET:
        raise ParameterError(
            f"from_nir: node '{name}' is a {kind}: convolutions, pooling and flattening are not "
            "yet supported (lava_sd maps dense layers: Affine, Linear, Scale and LIF, CubaLIF, "
            "IF neurons, with an LI readout)."
        )
    raise ParameterError(
        f"from_nir: node '{name}' is a {kind}, which lava_sd does not map; supported: "
        f"{', '.join(SYNAPSES + SPIKING)}, an LI readout, Input, Output and sub-graphs."
    )


def _vector(name: str, node: Any, key: str, n: int | None = None) -> np.ndarray:
    value = np.asarray(getattr(node, key), dtype=np.float64).reshape(-1)
    if n is not None and value.size == 1:
        value = np.full(n, value[0])
    if not np.all(np.isfinite(value) | np.isposinf(value)) or np.any(np.isnan(value)):
        raise ParameterError(f"from_nir: node '{name}': '{key}' holds NaN or -inf values.")
    return value


def _synapse(name: str, node: Any, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``(M, b)`` with ``y = M x + b`` of an Affine / Linear / Scale node on ``width`` inputs."""
    kind = _type(node)
    if kind == "Scale":
        scale = _vector(name, node, "scale", width)
        if scale.size != width:
            raise ParameterError(f"from_nir: Scale '{name}' has {scale.size} entries for {width}.")
        return np.diag(scale), np.zeros(width)
    weight = np.asarray(node.weight, dtype=np.float64)
    if weight.ndim != 2 or weight.shape[1] != width:
        raise ParameterError(
            f"from_nir: {kind} '{name}' has weights of shape {weight.shape}; lava_sd maps 2-D "
            f"weights (out, in) with in = {width} here."
        )
    bias = np.zeros(weight.shape[0])
    if kind == "Affine":
        bias = np.asarray(node.bias, dtype=np.float64).reshape(-1) * np.ones(weight.shape[0])
    if not (np.all(np.isfinite(weight)) and np.all(np.isfinite(bias))):
        raise ParameterError(f"from_nir: {kind} '{name}' holds NaN or infinite weights.")
    return weight, bias


def _width(name: str, node: Any) -> int:
    """Neurons of a neuron node."""
    key = {"LIF": "tau", "CubaLIF": "tau_mem", "IF": "r", "LI": "tau"}.get(_type(node), "r")
    return int(np.asarray(getattr(node, key)).size)


def _parse(graph: Any) -> tuple[int, list[_Layer], _Readout | None]:
    """The input width, the spiking layers and the readout of a dense NIR graph."""
    nodes, edges, source, sink = _flatten(graph)
    for name, node in nodes.items():
        _check_node(name, node)
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
        pred[b].append(a)
    nir_input = nodes[source]
    n_in = int(np.prod(np.asarray(nir_input.input_type["input"])))

    def chain(start: str, width: int, owner: str) -> tuple[str, np.ndarray, np.ndarray, list]:
        """Follow synapse nodes from ``start``: (first non-synapse node, M, b, names)."""
        m, b, names, here = np.eye(width), np.zeros(width), [], start
        while _type(nodes[here]) in SYNAPSES:
            mm, bb = _synapse(here, nodes[here], m.shape[0])
            m, b = mm @ m, mm @ b + bb
            names.append(here)
            if len(succ[here]) != 1 or len(pred[here]) != 1:
                raise ParameterError(
                    f"from_nir: node '{here}' (after '{owner}') has {len(pred[here])} inputs "
                    f"and {len(succ[here])} outputs; lava_sd maps chains of layers (branches, "
                    "skip connections and merges are not supported)."
                )
            here = succ[here][0]
        return here, m, b, names

    layers: list[_Layer] = []
    readout = None
    if len(succ[source]) != 1:
        raise ParameterError(f"from_nir: the Input '{source}' must feed exactly one node.")
    here, width, came_from = succ[source][0], n_in, source
    visited: set[str] = set()
    while True:
        target, m, b, names = chain(here, width, came_from)
        kind = _type(nodes[target])
        if kind == "Output":
            if names:
                readout = _Readout(m, b, names=names)
            break
        if kind in READOUTS:
            if succ[target] != [sink]:
                raise ParameterError(
                    f"from_nir: the {kind} node '{target}' must feed the Output directly: "
                    "lava_sd maps a non-spiking LI node as the network's readout only."
                )
            readout = _Readout(m, b, li=nodes[target], names=[*names, target])
            break
        if kind not in SPIKING:
            raise ParameterError(f"from_nir: node '{target}' ({kind}) cannot follow '{came_from}'.")
        if target in visited:
            raise ParameterError(
                f"from_nir: node '{target}' is reached twice (a loop across layers)."
            )
        visited.add(target)
        n = _width(target, nodes[target])
        if m.shape[0] != n:
            raise ParameterError(
                f"from_nir: '{target}' has {n} neurons but its input has {m.shape[0]} values."
            )
        layer = _Layer(target, nodes[target], m, b)
        forward = []
        for nxt in succ[target]:
            end, mr, br, _ = chain(nxt, n, target) if nxt != target else (target, np.eye(n), 0, [])
            if end == target:
                if layer.rec_weight is not None:
                    raise ParameterError(f"from_nir: '{target}' has two recurrent paths.")
                layer.rec_weight, layer.bias = mr, layer.bias + br
            else:
                forward.append(nxt)
        expected_inputs = 1 + (layer.rec_weight is not None)
        if len(pred[target]) != expected_inputs or len(forward) != 1:
            raise ParameterError(
                f"from_nir: node '{target}' has {len(pred[target])} inputs and {len(forward)} "
                "forward outputs; lava_sd maps one input path (plus an optional recurrent cycle) "
                "and one output path per neuron node."
            )
        layers.append(layer)
        here, width, came_from = forward[0], n, target
    if not layers:
        raise ParameterError("from_nir: the graph has no spiking node (LIF, CubaLIF or IF).")
    return n_in, layers, readout


# ---------------------------------------------------------------------- discretising at dt


def _alpha(name: str, tau: np.ndarray, dt: float, method: str, key: str) -> np.ndarray:
    """Per-step decay fraction of a time constant: dt / tau (Euler) or 1 - exp(-dt / tau)."""
    if np.any(tau <= 0):
        raise ParameterError(f"from_nir: node '{name}': '{key}' must be positive (seconds).")
    if method == "zoh":
        return -np.expm1(-dt / tau)
    alpha = dt / tau
    if np.any(alpha > 1):
        raise ParameterError(
            f"from_nir: node '{name}': '{key}' = {float(tau.min()):g} s is shorter than dt = "
            f"{dt:g} s; forward Euler would overshoot (decay beyond 1 per step). Use a smaller "
            "dt or method='zoh'."
        )
    return alpha


def _unity(gain: np.ndarray) -> np.ndarray:
    return np.where(np.isclose(gain, 1.0, rtol=UNITY_RTOL, atol=0.0), 1.0, gain)


def _discretise(layer: _Layer, dt: float, method: str) -> dict[str, np.ndarray]:
    """Per-neuron step parameters of one spiking node: du, dv, vth, gain (rows of W, W_rec)
    and the bias added to v every step."""
    name, node = layer.name, layer.node
    kind = _type(node)
    n = layer.weight.shape[0]
    vec = lambda key: _vector(name, node, key, n)  # noqa: E731
    v_reset = vec("v_reset") if getattr(node, "v_reset", None) is not None else np.zeros(n)
    if np.any(v_reset != 0):
        raise ParameterError(
            f"from_nir: node '{name}' resets to v_reset = {v_reset[v_reset != 0][0]:g}; Lava's LIF "
            "resets to 0 (or subtracts the threshold): shift v_leak and v_threshold by -v_reset "
            "in the graph to use it."
        )
    theta = vec("v_threshold")
    if np.any(theta <= 0) or not np.all(np.isfinite(theta)):
        raise ParameterError(f"from_nir: node '{name}': v_threshold must be positive and finite.")
    r = vec("r")
    if kind == "IF":
        gain, dv, du = _unity(dt * r), np.zeros(n), np.ones(n)
        v_bias = gain * layer.bias
    elif kind == "LIF":
        dv = _alpha(name, vec("tau"), dt, method, "tau")
        du, gain = np.ones(n), dv * r
        v_bias = dv * (vec("v_leak") + r * layer.bias)
    else:  # CubaLIF
        du = _alpha(name, vec("tau_syn"), dt, method, "tau_syn")
        dv = _alpha(name, vec("tau_mem"), dt, method, "tau_mem")
        if np.any(layer.bias != 0):
            raise ParameterError(
                f"from_nir: the Affine bias in front of CubaLIF '{name}' is a constant input "
                "current, which Lava's LIF cannot hold (its bias acts on v). Use Linear there, or "
                "fold a constant drive into the CubaLIF's v_leak."
            )
        gain = dv * r * du * vec("w_in")
        v_bias = dv * vec("v_leak")
    if not (np.all(np.isfinite(gain)) and np.all(np.isfinite(v_bias))):
        raise ParameterError(f"from_nir: node '{name}': r, w_in or v_leak give infinite values.")
    return {"du": du, "dv": dv, "vth": theta, "gain": _unity(gain), "v_bias": v_bias}


def _readout_parts(
    readout: _Readout | None, n_last: int, dt: float, method: str
) -> tuple[np.ndarray, np.ndarray, float]:
    """Host readout ``(W_o, b_o, k)``."""
    if readout is None:
        return np.eye(n_last), np.zeros(n_last), 1.0
    if readout.li is None:
        return readout.weight, readout.bias, 1.0
    name = readout.names[-1]
    n = readout.weight.shape[0]
    tau = _vector(name, readout.li, "tau", n)
    k = _alpha(name, tau, dt, method, "tau")
    if not np.all(k == k[0]):
        raise ParameterError(
            f"from_nir: the LI readout '{name}' has several time constants; lava_sd's readout "
            "has one decay for all outputs."
        )
    r, v_leak = _vector(name, readout.li, "r", n), _vector(name, readout.li, "v_leak", n)
    return r[:, None] * readout.weight, v_leak + r * readout.bias, float(k[0])


# --------------------------------------------------------------------------------- import


def _metadata(graph: Any) -> dict[str, Any]:
    raw = (getattr(graph, "metadata", None) or {}).get(METADATA_KEY)
    if raw is None:
        return {}
    try:
        return json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    except (ValueError, AttributeError):
        return {}


def _resolve_reset(reset: str | None, version: str | None) -> str:
    if reset is None:
        old = version is not None and _version(version) < RESET_CHANGED
        return "subtract" if old else "zero"
    if reset not in RESETS:
        raise ParameterError(f"from_nir: reset must be one of {RESETS} or None, got {reset!r}.")
    return reset


def nir_classifier(
    path_or_graph: Any,
    dt: float | None = None,
    *,
    method: str = "euler",
    reset: str | None = None,
    readout_mode: str | None = None,
    frame_steps: int | None = None,
    double: bool = False,
) -> Any:
    """A NIR graph as a ``lava_sd.Classifier`` of the registered ``lif`` model (its torch face).

    Per layer (module docstring): ``u <- u (1 - du) + g (W x + W_rec z)``, ``v <- v (1 - dv) +
    u + bias``, ``z = v > v_threshold``; readout ``W_o mean(r) + b_o``.

    Args:
        path_or_graph: a ``nir.NIRGraph`` or the path of a ``.nir`` file.
        dt: the simulation time step in seconds (NIR's time constants are in seconds); default:
            the one stored by ``to_nir``, else required.
        method: ``"euler"`` (forward Euler, decay ``dt / tau``) or ``"zoh"``
            (``1 - exp(-dt / tau)``).
        reset: ``"zero"`` (NIR >= 1.0.6: reset to ``v_reset`` = 0) or ``"subtract"`` (older
            files; lava_sd subtracts the threshold on the next step, undecayed, as snnTorch);
            default: from the file's NIR version, ``"zero"`` for graphs.
        readout_mode: ``"mean"`` (default) or ``"last"``: how the host reads the output over time.
        frame_steps: steps each input column is held, ``K`` (default 1, or what ``to_nir``
            stored): the graph itself runs one update per step of ``dt``.
        double: float64 parameters (what ``from_nir`` maps) instead of torch's float32.

    Returns:
        The ``Classifier`` (``K = frame_steps``), per-neuron
        ``du``, ``dv``, ``vth``, ``v_bias`` in its cells; ``training_info`` records the source.

    Raises:
        ParameterError: an unsupported node (named, with its type), structure or parameter.
    """
    return _build(
        *_load(path_or_graph), dt, method=method, reset=reset, readout_mode=readout_mode,
        frame_steps=frame_steps, double=double,
    )  # fmt: skip


def _build(
    graph: Any,
    version: str | None,
    source: str,
    dt: float | None,
    *,
    method: str,
    reset: str | None,
    readout_mode: str | None,
    frame_steps: int | None,
    double: bool,
) -> Any:
    """``nir_classifier`` of a loaded graph."""
    import torch

    from lava_sd.torch.classifier import Classifier

    meta = _metadata(graph)
    dt = meta.get("dt") if dt is None else dt
    if dt is None or isinstance(dt, bool) or not (isinstance(dt, numbers.Real) and dt > 0):
        raise ParameterError(
            f"from_nir: dt must be the time step in seconds (a positive number), got {dt!r}; NIR "
            "stores continuous-time parameters, so the simulation step must be chosen."
        )
    if not math.isfinite(dt):
        raise ParameterError(f"from_nir: dt must be finite, got {dt!r}.")
    if method not in METHODS:
        raise ParameterError(f"from_nir: method must be one of {METHODS}, got {method!r}.")
    reset = _resolve_reset(reset, version)
    readout_mode = readout_mode or meta.get("readout_mode", "mean")
    frame_steps = int(meta.get("frame_steps", 1) if frame_steps is None else frame_steps)
    n_in, layers, readout = _parse(graph)
    steps = [_discretise(layer, float(dt), method) for layer in layers]
    w_o, b_o, k = _readout_parts(readout, layers[-1].weight.shape[0], float(dt), method)
    hidden = [layer.weight.shape[0] for layer in layers]
    with torch.random.fork_rng():
        model = Classifier(
            "lif", n_in, hidden, w_o.shape[0], frame_steps=frame_steps, frame_offset=0,
            readout_decay=k,
            readout_mode=readout_mode, reset=reset,
            recurrent=[layer.rec_weight is not None for layer in layers],
        )  # fmt: skip
    if double:
        model = model.double()
    dtype = model.readout.weight.dtype
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=dtype)  # noqa: E731
    with torch.no_grad():
        for layer, step, torch_layer in zip(layers, steps, model.layers, strict=True):
            syn, cell = torch_layer.synapses, torch_layer.cell
            syn.weight.copy_(as_t(step["gain"][:, None] * layer.weight))
            syn.bias.zero_()
            if layer.rec_weight is not None:
                syn.recurrent_weight.copy_(as_t(step["gain"][:, None] * layer.rec_weight))
            for key in cell.NEURON_BUFFERS:
                setattr(cell, key, as_t(step[key]))
        model.readout.weight.copy_(as_t(w_o))
        model.readout.bias.copy_(as_t(b_o))
    model.class_names = [str(c) for c in meta.get("class_names", range(w_o.shape[0]))]
    if len(model.class_names) != w_o.shape[0]:
        model.class_names = [str(c) for c in range(w_o.shape[0])]
    model.training_info = {
        "source": f"NIR ({source}, nir {version or 'in memory'})",
        "dt": float(dt), "method": method, "reset": reset,
        "nir_layers": [f"{layer.name} ({_type(layer.node)})" for layer in layers],
    }  # fmt: skip
    return model


def from_nir(
    path_or_graph: Any,
    dt: float | None = None,
    *,
    method: str = "euler",
    reset: str | None = None,
    readout_mode: str | None = None,
    frame_steps: int | None = None,
    input_scale: int | None = None,
    vth: int | Sequence[int] | None = None,
) -> Any:
    """A NIR graph as a ``lava_sd.Network`` of ``lif`` layers (Lava float and fixed point).

    ``convert(nir_classifier(..., double=True))``: the float network runs NIR's discretised
    equations in float64 (module docstring); fixed point rounds decays to 1/4096, thresholds to
    ``vth`` units of the layer's largest threshold, weights to 8-bit mantissas
    (``network.report()`` lists the errors and headroom per layer).

    Args:
        path_or_graph, dt, method, reset, readout_mode, frame_steps: as ``nir_classifier``.
        input_scale: fixed-point input ``round(x input_scale)`` (default 32, or what ``to_nir``
            stored).
        vth: integer threshold of each layer's largest threshold, one for all layers or a list
            with one per layer (default 1024, or what ``to_nir`` stored).

    Returns:
        The ``lava_sd.Network`` (by default one step per input column).
    """
    from lava_sd.torch.convert import convert

    graph, version, source = _load(path_or_graph)
    meta = _metadata(graph)
    model = _build(
        graph, version, source, dt, method=method, reset=reset, readout_mode=readout_mode,
        frame_steps=frame_steps, double=True,
    )  # fmt: skip
    if version is not None and _resolve_reset(reset, version) == "subtract" and reset is None:
        warnings.warn(
            f"from_nir: {source} was written by NIR {version}, before NIR 1.0.6 changed "
            "the reset to v_reset: its neurons subtract the threshold (pass reset='zero' to "
            "override).",
            UserWarning,
            stacklevel=2,
        )
    vth = meta.get("vth", 1024) if vth is None else vth
    vths = [vth] * len(model.layers) if np.ndim(vth) == 0 else list(vth)
    if len(vths) != len(model.layers):
        raise ParameterError(
            f"from_nir: vth gives {len(vths)} thresholds for {len(model.layers)} layers; give one, "
            "or one per layer."
        )
    scale = input_scale or int(meta.get("input_scale", 32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        nets = {v: convert(model, input_scale=scale, vth=v) for v in dict.fromkeys(vths)}
    net = nets[vths[0]]  # each layer is mapped on its own: take layer i from its vth's mapping
    net.layers = [nets[v].layers[i] for i, v in enumerate(vths)]
    return net


# --------------------------------------------------------------------------------- export


def _layer_values(index: int, layer: Any) -> dict[str, np.ndarray]:
    """A Network layer's float step parameters, per neuron, or a ParameterError naming the NIR
    primitive it lacks."""
    p, n = layer.float_params, layer.n
    vec = lambda key, default=None: np.broadcast_to(  # noqa: E731
        np.asarray(p.get(key, default), dtype=np.float64), (n,)
    ).copy()
    if layer.model not in ("lif", "alif"):
        what = MISSING_PRIMITIVE.get(layer.model, f"the {layer.model} neuron")
        raise ParameterError(
            f"to_nir: layer {index} is a '{layer.model}' layer: NIR 1.0.8 has no primitive for "
            f"{what} (its neurons: LIF, CubaLIF, IF, LI, CubaLI, I). Export lif layers, or alif "
            "layers with their adaptation off."
        )
    if layer.model == "alif" and (np.any(vec("a_w") != 0) or np.any(vec("b_w") != 0)):
        raise ParameterError(
            f"to_nir: layer {index} is an alif layer with its adaptation on (a_w or b_w != 0): "
            "NIR 1.0.8 has no adaptive LIF primitive. Set the neurons' a and b to 0 "
            "(adaptation off) to export it as LIF / CubaLIF."
        )
    if layer.model == "lif" and int(np.asarray(p.get("reset", 0)).reshape(-1)[0]) != 0:
        raise ParameterError(
            f"to_nir: layer {index} resets by subtraction: NIR 1.0.8's LIF, CubaLIF and IF "
            "reset to v_reset, and no NIR primitive subtracts the threshold. Use reset='zero'."
        )
    bias = vec("bias_mant", 0.0) * 2.0 ** vec("bias_exp", 0.0)
    return {"du": vec("du", 1.0), "dv": vec("dv"), "vth": vec("vth"), "bias": bias}


def _neuron_node(index: int, values: dict[str, np.ndarray], dt: float) -> tuple[Any, bool]:
    """The NIR neuron of one layer and whether its bias must ride on an Affine (IF)."""
    nir = _nir()
    du, dv, vth, bias = values["du"], values["dv"], values["vth"], values["bias"]
    if np.all(dv == 0) and np.all(du == 1):
        r = np.full(du.shape, 1.0 / dt)
        return nir.IF(r=r, v_threshold=vth, v_reset=np.zeros_like(vth)), True
    if np.any(dv == 0):
        raise ParameterError(
            f"to_nir: layer {index} mixes leak-free neurons (dv = 0) with a synaptic current or "
            "leaky neurons: NIR has no current-based IF primitive (CubaLIF needs tau_mem < inf)."
        )
    tau_mem = dt / dv
    common = dict(r=tau_mem / dt, v_leak=bias / dv, v_threshold=vth, v_reset=np.zeros_like(vth))
    if np.all(du == 1):
        return nir.LIF(tau=tau_mem, **common), False
    tau_syn = dt / du
    return nir.CubaLIF(tau_syn=tau_syn, tau_mem=tau_mem, w_in=tau_syn / dt, **common), False


def to_nir(network_or_classifier: Any, dt: float = 1e-3, path: str | Path | None = None) -> Any:
    """A network of ``lif`` (or adaptation-free ``alif``) layers as a NIR graph.

    Each layer becomes ``Linear`` (``Affine`` for an IF with a bias) -> ``LIF`` / ``CubaLIF``
    / ``IF`` with ``tau = dt / d`` for each step decay ``d``, ``r = tau_mem / dt``,
    ``w_in = tau_syn / dt`` (so the step gain is 1) and ``v_leak = bias / dv``; a recurrent
    layer is a sub-graph ``input -> lif -> w_rec -> lif -> output``. The readout is ``Affine``
    (trace decay k = 1) or ``Linear`` -> ``LI`` (``tau = dt / k``, ``v_leak = b_o``). The graph's
    metadata keeps dt, K, the fixed-point settings, readout mode and class names for
    ``from_nir``.

    Args:
        network_or_classifier: a ``lava_sd.Network`` or a ``lava_sd.Classifier``.
        dt: seconds per simulation step.
        path: also write the graph there (``nir.write``).

    Returns:
        The ``nir.NIRGraph``.

    Raises:
        ParameterError: a layer NIR cannot express (the message names the missing primitive).
    """
    nir = _nir()
    net = network_or_classifier
    if hasattr(net, "layers") and hasattr(net, "readout") and not hasattr(net, "readout_weight"):
        from lava_sd.torch.convert import convert

        net = convert(net)
    if not (hasattr(net, "layers") and hasattr(net, "readout_weight")):
        raise ParameterError(
            f"to_nir: expected a lava_sd.Network or Classifier, got {type(net).__name__}."
        )
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not (0 < dt < math.inf):
        raise ParameterError(f"to_nir: dt must be a positive number of seconds, got {dt!r}.")
    dt = float(dt)
    nodes: dict[str, Any] = {"input": nir.Input(input_type=np.array([net.n_in]))}
    edges: list[tuple[str, str]] = []
    last = "input"
    for i, layer in enumerate(net.layers):
        values = _layer_values(i, layer)
        neuron, affine = _neuron_node(i, values, dt)
        w = np.asarray(layer.float_params["weights"], dtype=np.float64)
        synapse = nir.Affine(weight=w, bias=values["bias"]) if affine else nir.Linear(weight=w)
        nodes[f"w{i}"] = synapse
        edges.append((last, f"w{i}"))
        if layer.recurrent:
            rec = np.asarray(layer.float_params["rec_weights"], dtype=np.float64)
            shape = np.array([layer.n])
            sub = nir.NIRGraph(
                nodes={
                    "input": nir.Input(input_type=shape), "neuron": neuron,
                    "w_rec": nir.Linear(weight=rec), "output": nir.Output(output_type=shape),
                },
                edges=[("input", "neuron"), ("neuron", "w_rec"), ("w_rec", "neuron"),
                       ("neuron", "output")],
                type_check=False,
            )  # fmt: skip
            nodes[f"layer{i}"] = sub
        else:
            nodes[f"layer{i}"] = neuron
        edges.append((f"w{i}", f"layer{i}"))
        last = f"layer{i}"
    w_o, b_o, k = net.readout_weight, net.readout_bias, float(net.readout_decay)
    if k >= 1:
        nodes["readout"] = nir.Affine(weight=np.asarray(w_o, np.float64), bias=np.asarray(b_o))
        edges.append((last, "readout"))
        last = "readout"
    else:
        n_out = len(b_o)
        nodes["readout_w"] = nir.Linear(weight=np.asarray(w_o, np.float64))
        nodes["readout"] = nir.LI(
            tau=np.full(n_out, dt / k), r=np.ones(n_out), v_leak=np.asarray(b_o, np.float64)
        )
        edges += [(last, "readout_w"), ("readout_w", "readout")]
        last = "readout"
    nodes["output"] = nir.Output(output_type=np.array([len(b_o)]))
    edges.append((last, "output"))
    meta = {
        "dt": dt, "frame_steps": int(net.frame_steps), "input_scale": int(net.input_scale),
        "vth": [int(np.max(layer.fixed_params["vth"])) for layer in net.layers],
        "readout_mode": net.readout_mode,
        "class_names": list(net.class_names), "model": net.model,
    }  # fmt: skip
    graph = nir.NIRGraph(nodes=nodes, edges=edges, metadata={METADATA_KEY: json.dumps(meta)})
    if path is not None:
        nir.write(path, graph)
    return graph


# ------------------------------------------------------------------------------ running


def spike_trains(
    network: Any,
    x: np.ndarray,
    lengths: np.ndarray | None = None,
    *,
    backend: str = "fixed",
    record: tuple[str, ...] = (),
) -> dict[str, np.ndarray]:
    """Every layer's output per step, ``(B, n, steps)``, from one Lava run of ``network``.

    Args:
        network: a ``lava_sd.Network``.
        x: inputs ``(B, n_in, T)``; ``lengths`` default: all ``T``.
        backend: ``"float"`` or ``"fixed"``.
        record: final neuron states to read too (e.g. ``("v",)``): ``"<name>_<layer>"``.

    Returns:
        ``{"s_0": ..., "s_1": ..., ...}`` plus the recorded states.
    """
    from lava.proc.io.sink import RingBuffer as Sink

    from lava_sd.run import run

    x = np.asarray(x, dtype=np.float64)
    if lengths is None:
        lengths = np.full(x.shape[0], x.shape[-1] if x.ndim == 3 else 0)
    procs, steps = network.graph(x, lengths, backend)
    outputs = {}
    for i, proc in enumerate(procs):
        sink = Sink(shape=proc.s_out.shape, buffer=steps)
        proc.s_out.connect(sink.a_in)
        outputs[f"s_{i}"] = sink.data
        for name in record:
            outputs[f"{name}_{i}"] = getattr(proc, name)
    return dict(run(outputs, steps, backend=backend))
