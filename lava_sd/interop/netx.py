"""Export a lava_sd network as a lava-dl netx hdf5 file (``lava.lib.dl.netx.hdf5.Network``), and
read one (``netx_layers``, behind ``lava_sd.Network.from_netx``: what SLAYER's ``export_hdf5``
writes for dense CUBA networks).

netx (lava-dl 0.6) loads ``dense`` and ``dense_rec`` layers of ``CUBA`` neurons, Lava's
``LIF`` (reset to zero) behind Lava's ``Dense`` synapses::

    layer/<i>/type     "dense" | "dense_rec"
    layer/<i>/shape    [n]
    layer/<i>/weight   integer weights (n, n_in); weight_rec (n, n) for dense_rec
    layer/<i>/bias     integer bias: bias_mant, with netx's fixed bias_exp = 6
    layer/<i>/neuron   type "CUBA", iDecay = du + 1, vDecay = dv, vThMant = vth, refDelay 1

The file holds a network's own fixed-point parameters, so netx runs the same integer arithmetic
as lava_sd's ``fixed`` backend when three conditions hold, which ``export_hdf5`` checks:

- every effective weight ``mantissa 2**weight_exp`` is an integer in [-256, 254] (netx
  rescales integer weights to 8 bits itself: ``lava.lib.dl.netx.utils.optimize_weight_bits``);
  the integer size of a layer's weights scales with its threshold unit ``vth``: the error lists
  the ``vth`` that fit each layer (``from_nir(..., vth=[...])`` takes one per layer);
- the bias is a multiple of 2**6 state units (netx fixes ``bias_exp = 6``);
- decays and thresholds are one value per layer (netx's neuron parameters are scalars), and
  the neurons reset to zero.

Timing: every netx layer is a ``Dense`` synapse process (one step of delay, Lava's) in front of
its neurons, whereas lava_sd's synapses are fused into the layer; layer ``l`` of the netx
network (counting from 1) therefore fires ``l`` steps after lava_sd's layer ``l`` on the same
input. Load the file with ``input_message_bits=24`` for lava_sd's graded input (``round(x X)``)
or 0 for binary spikes; netx has no batch axis and runs fixed point only.

``netx_layers`` reads the same subset back (``dense`` / ``dense_rec`` layers of ``CUBA`` neurons
with binary spikes, an ``input`` layer that only gives a shape): netx's Dense keeps the file's
integer weights exactly when they lie in [-256, 254], so each layer becomes a lava_sd ``lif``
layer with those integers as ``mant 2**weight_exp`` (the mantissa ``w 2**k`` for the largest
``k`` that Lava's 8-bit Dense keeps unchanged), ``du = iDecay - 1``, ``dv = vDecay``, ``vth =
vThMant``, ``bias_mant << 6``, reset to zero, and its float twin in threshold units (``theta =
1``, weights ``w / vThMant``, decays ``iDecay / 4096``, ``vDecay / 4096``). Its spikes equal
netx's on the same input, ``l`` steps earlier at layer ``l``, for a whole batch in one
simulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError

__all__ = ["export_hdf5", "netx_layers"]

NETX_BIAS_EXP = 6
NETX_WEIGHT_RANGE = (-256, 254)  # integer weights netx's optimize_weight_bits keeps exactly
NETX_BIAS_MANT_MAX = (1 << 12) - 1  # Lava LIF bias_mant: 13-bit signed


def _scalar(index: int, name: str, value: Any) -> int:
    arr = np.asarray(value).reshape(-1)
    if not np.all(arr == arr[0]):
        raise ParameterError(
            f"export_hdf5: layer {index}: '{name}' differs between neurons; netx's CUBA neuron "
            "takes one value per layer."
        )
    return int(arr[0])


def _weights(
    key: str, mant: Any, exp: int, vth: int
) -> tuple[np.ndarray | None, tuple[float, float]]:
    """Integer weights ``mant 2**exp`` if netx keeps them exactly (else ``None``), and the
    thresholds ``vth`` at which they would: quantisation (``quantize_weights``) gives even
    mantissas and the smallest exponent that fits 254, so the weights are integers in
    [-256, 254] when their largest magnitude lies in (63.5, 254], and it scales with vth."""
    value = np.asarray(mant, dtype=np.float64) * 2.0**exp
    low, high = NETX_WEIGHT_RANGE
    peak = float(np.abs(value).max(initial=0.0))
    window = (0.0, np.inf) if peak == 0 else (63.5 * vth / peak, 254 * vth / peak)
    exact = np.all(value == np.round(value)) and low <= value.min(initial=0)
    if exact and value.max(initial=0) <= high:
        return value.astype(np.int64), window
    return None, window


def _advice(windows: list[tuple[float, float]], vth: list[int]) -> str:
    """Which thresholds make every layer's weights fit netx (or why none does)."""
    parts, choice = [], []
    for i, (lo, hi) in enumerate(windows):
        first, last = int(np.floor(lo)) + 1, int(np.floor(min(hi, (1 << 17) - 1)))
        if first > last:
            hint = " at this input_scale" if i == 0 else ""
            parts.append(f"layer {i}: none (its input and recurrent weights differ too much{hint})")
            choice.append(None)
        else:
            parts.append(f"layer {i}: {first}..{last} (now {vth[i]})")
            choice.append(int(round(np.sqrt(first * last))))
    advice = "vth that fit, per layer: " + "; ".join(parts) + "."
    if None not in choice:
        advice += f" E.g. from_nir(..., vth={choice}) (a list: one per layer)."
    return advice


def _layer(index: int, layer: Any) -> dict[str, Any]:
    """One layer's netx description, checked."""
    p = layer.fixed_params
    if layer.model not in ("lif", "alif"):
        raise ParameterError(
            f"export_hdf5: layer {index} is a '{layer.model}' layer; netx loads CUBA (LIF) "
            "neurons in dense layers: export lif networks (or alif with its adaptation off)."
        )
    if layer.model == "alif" and (np.any(np.asarray(p["a_w"])) or np.any(np.asarray(p["b_w"]))):
        raise ParameterError(
            f"export_hdf5: layer {index} is an alif layer with its adaptation on; netx's CUBA "
            "neuron has no adaptation."
        )
    if int(np.asarray(p.get("reset", 0)).reshape(-1)[0]) != 0:
        raise ParameterError(
            f"export_hdf5: layer {index} resets by subtraction; netx's CUBA neuron resets to 0."
        )
    vth = _scalar(index, "vth", p["vth"])
    weight, window = _weights("weights", p["weights"], p.get("weight_exp", 0), vth)
    out = {
        "type": "dense_rec" if layer.recurrent else "dense",
        "shape": np.array([layer.n]),
        "weight": weight,
        "window": window,
        "neuron": {
            "type": "CUBA", "iDecay": _scalar(index, "du", p.get("du", 4095)) + 1,
            "vDecay": _scalar(index, "dv", p["dv"]), "vThMant": vth, "refDelay": 1,
            "gradedSpike": False,
        },
    }  # fmt: skip
    if layer.recurrent:
        rec, rec_window = _weights("rec", p["rec_weights"], p["rec_weight_exp"], vth)
        out["weight_rec"] = rec
        out["window"] = (max(window[0], rec_window[0]), min(window[1], rec_window[1]))
    bias = np.broadcast_to(
        np.left_shift(np.asarray(p["bias_mant"], np.int64), np.asarray(p["bias_exp"], np.int64)),
        (layer.n,),
    )
    if np.any(bias):
        mant = bias >> NETX_BIAS_EXP
        if np.any(mant << NETX_BIAS_EXP != bias) or np.abs(mant).max() > NETX_BIAS_MANT_MAX:
            raise ParameterError(
                f"export_hdf5: layer {index}: its bias ({int(np.abs(bias).max())} state units at "
                f"most) is not a 13-bit multiple of 2**{NETX_BIAS_EXP}, the only bias netx "
                "loads (bias_exp = 6); quantise it so, or leave the bias out."
            )
        out["bias"] = mant
    return out


def export_hdf5(network: Any, path: str | Path) -> Path:
    """Write ``network``'s fixed-point layers as a netx hdf5 file.

    a_l = W_l s_{l-1} (Lava Dense, one step of delay);  u, v: Lava LIF (du = iDecay - 1,
    dv = vDecay, vth = vThMant, bias = bias << 6), reset to zero.

    Args:
        network: a ``lava_sd.Network`` of ``lif`` (or adaptation-free ``alif``) layers.
        path: the ``.net`` / ``.h5`` file to write.

    Returns:
        The path written. Load it with ``lava.lib.dl.netx.hdf5.Network(path,
        input_message_bits=24)`` (lava_sd's graded input) and run it in fixed point; layer ``l``
        fires ``l`` steps later than in lava_sd (module docstring). The host readout is not
        part of the file.

    Raises:
        ParameterError: a layer netx cannot load exactly (the message says why and what to do).
    """
    import h5py

    if not (hasattr(network, "layers") and hasattr(network, "readout_weight")):
        raise ParameterError(
            f"export_hdf5: expected a lava_sd.Network, got {type(network).__name__}; convert a "
            "Classifier first (lava_sd.convert)."
        )
    layers = [_layer(i, layer) for i, layer in enumerate(network.layers)]
    bad = [
        i
        for i, layer in enumerate(layers)
        if layer["weight"] is None or ("weight_rec" in layer and layer["weight_rec"] is None)
    ]
    if bad:
        vth = [int(layer["neuron"]["vThMant"]) for layer in layers]
        raise ParameterError(
            f"export_hdf5: the weights of layer(s) {bad} are not integers in "
            f"[{NETX_WEIGHT_RANGE[0]}, {NETX_WEIGHT_RANGE[1]}] (mantissa << weight_exp), which "
            "netx stores and rescales to 8 bits itself; the weights' integer size scales with "
            f"the threshold unit vth. {_advice([layer['window'] for layer in layers], vth)} With "
            "graded inputs the first layer also depends on input_scale (binary: input_scale=1)."
        )
    path = Path(path)
    with h5py.File(path, "w") as f:
        for i, layer in enumerate(layers):
            group = f.create_group(f"layer/{i}")
            group.create_dataset("type", (1,), "S10", [layer["type"].encode("ascii")])
            for key in ("shape", "weight", "weight_rec", "bias"):  # not "window"
                if key in layer:
                    group.create_dataset(key, data=layer[key])
            for key, value in layer["neuron"].items():
                if key == "type":
                    group.create_dataset("neuron/type", (1,), "S10", [value.encode("ascii")])
                else:
                    group.create_dataset(f"neuron/{key}", data=value)
    return path


# --------------------------------------------------------------------------------- import


def netx_layers(path: str | Path, *, input_message_bits: int = 0) -> list[Any]:
    """A netx hdf5 file of dense CUBA layers as ``lif`` layer mappings (``LayerMapping``), one
    per layer (``lava_sd.Network.from_netx`` makes them a network).

    Per layer (module docstring)::

        u <- u (4096 - du) / 4096 + W s_in (+ W_rec s_prev)     du = iDecay - 1
        v <- v (4096 - dv) / 4096 + u + bias_mant << 6          dv = vDecay
        s = v > vThMant << 6, then v <- 0

    Args:
        path: the ``.net`` / ``.h5`` file (e.g. from SLAYER's ``export_hdf5``).
        input_message_bits: as netx's: 0 for binary input spikes (any nonzero input is a
            spike), else the bits of graded integer inputs (given as they are, scale 1).

    Raises:
        ParameterError: a missing or unreadable file, or a layer, neuron or weight netx would
            run differently from lava_sd's LIF (the message names the layer and why).
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"from_netx: no netx file at {path}.")
    if isinstance(input_message_bits, bool) or input_message_bits not in range(25):
        raise ParameterError(
            f"from_netx: input_message_bits must be 0 (binary spikes) .. 24, got "
            f"{input_message_bits!r}."
        )
    try:
        with h5py.File(path, "r") as f:
            layers: list[Any] = []
            for i, group in _netx_layers(f):
                bits = input_message_bits if not layers else 0
                layers.append(_lif_layer(i, group, layers[-1].n if layers else None, bits))
    except OSError as exc:
        raise ParameterError(
            f"from_netx: {path} is not a readable hdf5 file ({exc}); netx files are written by "
            "SLAYER's export_hdf5 or lava_sd.interop.netx.export_hdf5."
        ) from None
    except KeyError as exc:
        raise ParameterError(
            f"from_netx: {path} lacks an entry netx needs ({exc}); was it written by a netx "
            "exporter, and completely?"
        ) from None
    return layers


def _text(value: Any) -> str:
    """An hdf5 string (a bytes scalar, or a one-element array of bytes) as ``str``."""
    value = value[()] if hasattr(value, "shape") else value
    value = np.asarray(value).reshape(-1)[0]
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


def _netx_layers(f: Any) -> list[tuple[int, Any]]:
    """The file's dense layers in order, after checking every layer is one lava_sd reads."""
    if "layer" not in f:
        raise ParameterError("from_netx: the file has no 'layer' group; is it a netx file?")
    if not all(key.isdigit() for key in f["layer"]):
        raise ParameterError(
            f"from_netx: the layers must be named 0, 1, ...; found {sorted(f['layer'])}."
        )
    indices = sorted(int(key) for key in f["layer"])
    out = []
    for i in indices:
        group = f["layer"][str(i)]
        kind = _text(group["type"])
        if kind == "input" and "neuron" not in group and not out:
            continue  # only the input shape
        if kind not in ("dense", "dense_rec"):
            raise ParameterError(
                f"from_netx: layer {i} is a '{kind}' layer; lava_sd reads dense and dense_rec "
                "layers of CUBA neurons (and an input layer without neurons)."
            )
        out.append((i, group))
    if not out:
        raise ParameterError("from_netx: the file has no dense layer.")
    return out


def _integers(i: int, name: str, values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise ParameterError(
            f"from_netx: layer {i}: '{name}' holds values that are not integers; netx files "
            "store integer (fixed-point) parameters."
        )
    return array.astype(np.int64)


def _mantissa(i: int, name: str, weight: np.ndarray) -> tuple[np.ndarray, int]:
    """``weight`` as ``(mant, exp)`` with ``fixed_weights(mant) == mant`` and ``mant 2**exp ==
    weight``: the largest left shift (at most 8) that Lava's 8-bit Dense keeps unchanged."""
    from lava_sd.layer.synapses import fixed_weights

    low, high = NETX_WEIGHT_RANGE
    if weight.size and (weight.min() < low or weight.max() > high):
        raise ParameterError(
            f"from_netx: layer {i}: '{name}' reaches {int(np.abs(weight).max())}; netx clips "
            f"weights outside [{low}, {high}] (it warns), so the file does not hold the network "
            "netx runs."
        )
    for shift in range(8, -1, -1):
        mant = weight << shift
        if np.array_equal(fixed_weights(mant), mant):
            return mant, -shift
    raise ParameterError(
        f"from_netx: layer {i}: '{name}' has odd weights beyond +-127 in a matrix of both signs, "
        "which Lava's 8-bit Dense (and Loihi's mixed-sign synapses) cannot hold; netx keeps "
        "them only with a 9-bit mantissa."
    )


def _lif_layer(i: int, group: Any, n_prev: int | None, message_bits: int) -> Any:
    """One dense netx layer as a ``lif`` ``LayerMapping`` (module docstring)."""
    from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
    from lava_sd.layer.mapping import LayerMapping

    if "neuron" not in group:
        raise ParameterError(f"from_netx: layer {i} has no neuron description.")
    neuron = group["neuron"]
    kind = _text(neuron["type"])
    if kind not in ("CUBA", "LOIHI"):
        raise ParameterError(
            f"from_netx: layer {i} has '{kind}' neurons; lava_sd reads CUBA (Lava LIF) neurons."
        )
    graded = "gradedSpike" in neuron and bool(np.asarray(neuron["gradedSpike"][()]))
    if graded or ("messageBits" in neuron and int(np.asarray(neuron["messageBits"][()]))):
        raise ParameterError(f"from_netx: layer {i} sends graded spikes; lava_sd's LIF is binary.")
    if "delay" in group:
        raise ParameterError(f"from_netx: layer {i} has synaptic delays, which lava_sd lacks.")
    n = int(np.prod(np.asarray(group["shape"][()])))
    if not hasattr(group["weight"], "dtype"):
        raise ParameterError(f"from_netx: layer {i} has complex weights, which lava_sd lacks.")
    weight = _integers(i, "weight", group["weight"][()])
    if n < 1 or weight.size % n or weight.ndim > 2 or (weight.ndim == 2 and len(weight) != n):
        raise ParameterError(
            f"from_netx: layer {i}: weight of shape {weight.shape} does not fit its {n} neurons."
        )
    weight = weight.reshape(n, -1)
    if n_prev is not None and weight.shape[1] != n_prev:
        raise ParameterError(
            f"from_netx: layer {i} takes {weight.shape[1]} inputs; the layer before has {n_prev}."
        )
    scalars = {
        key: int(_integers(i, key, neuron[key][()]).reshape(-1)[0])
        for key in ("iDecay", "vDecay", "vThMant")
    }
    d_u, d_v, vth = scalars["iDecay"], scalars["vDecay"], scalars["vThMant"]
    if not (1 <= d_u <= DECAY_UNITY and 0 <= d_v <= DECAY_UNITY and vth >= 1):
        raise ParameterError(
            f"from_netx: layer {i}: iDecay {d_u} (1..4096), vDecay {d_v} (0..4096) or vThMant "
            f"{vth} (>= 1) out of range."
        )
    bias = _integers(i, "bias", group["bias"][()]) if "bias" in group else np.zeros(n, np.int64)
    bias = np.broadcast_to(bias.reshape(-1), (n,))
    mant, exp = _mantissa(i, "weight", weight)
    full = lambda value: np.full(n, value, dtype=np.int64)  # noqa: E731
    fixed = {
        "du": full(d_u - 1), "dv": full(d_v), "vth": full(vth), "bias_mant": bias.copy(),
        "bias_exp": full(NETX_BIAS_EXP), "reset": 0, "weights": mant, "weight_exp": exp,
        "num_message_bits": message_bits,
    }  # fmt: skip
    float_params = {
        "du": np.full(n, d_u / DECAY_UNITY), "dv": np.full(n, d_v / DECAY_UNITY),
        "vth": np.ones(n), "bias_mant": bias / vth, "bias_exp": 0, "reset": 0,
        "weights": weight / vth, "num_message_bits": message_bits,
    }  # fmt: skip
    recurrent = "weight_rec" in group
    if recurrent:
        rec = _integers(i, "weight_rec", group["weight_rec"][()]).reshape(n, n)
        fixed["rec_weights"], fixed["rec_weight_exp"] = _mantissa(i, "weight_rec", rec)
        float_params["rec_weights"] = rec / vth
    unit = float(vth << 6)
    return LayerMapping(
        "lif", weight.shape[1], n, recurrent, float_params, fixed, unit, float(DECAY_UNITY),
        {"weight_error": 0.0, "headroom": STATE_MAX / unit},
    )  # fmt: skip
