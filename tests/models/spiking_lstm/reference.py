"""Spiking LSTM (SPEC §4): an independent integer reference, from the SPEC and the integer rules
with plain Python integers, and the fixed-point case the registry test runs against it."""

from __future__ import annotations

import numpy as np
from reference_int import ref_decay, ref_dense, ref_sat, ref_wrap

STATES = ("i", "ahp", "v", "ref")


def reference_fixed(p: dict, weights: np.ndarray, rec: np.ndarray, exps: tuple, x: np.ndarray):
    """Spikes (B, n, T), final states and overflow counts from SPEC §4 and the integer rules,
    one sample and one neuron at a time."""
    batch, _, steps = x.shape
    n = weights.shape[0]
    spikes = np.zeros((batch, n, steps), dtype=np.int64)
    final = {key: np.zeros((batch, n), dtype=np.int64) for key in STATES}
    overflow = np.zeros((batch, n), dtype=np.int64)
    for b in range(batch):
        i, ahp, v, ref, s = ([0] * n for _ in range(5))
        for t in range(steps):
            a_in = ref_dense(weights, x[b, :, t], exps[0])
            a_rec = ref_dense(rec, s, exps[1])
            new_s = [0] * n
            for j in range(n):
                bias = int(p["bias_mant"][j]) << int(p["bias_exp"][j])
                i[j], o1 = ref_wrap(
                    ref_decay(i[j], int(p["du"][j]) + 1) + (a_in[j] + a_rec[j]) * 64
                )
                ahp[j], o2 = ref_wrap(
                    ref_decay(ahp[j], int(p["da"][j]) + 1) - int(p["w_ahp"][j]) * s[j]
                )
                v[j], o3 = ref_sat(ref_decay(v[j], int(p["dv"][j])) + i[j] + ahp[j] + bias)
                if ref[j] > 0:
                    v[j] = 0
                new_s[j] = int(v[j] > int(p["vth"][j]) * 64)
                if new_s[j]:
                    v[j], ref[j] = 0, int(p["n_ref"][j])
                else:
                    ref[j] = max(ref[j] - 1, 0)
                overflow[b, j] += o1 or o2 or o3
            s = new_s
            spikes[b, :, t] = s
        for key, value in zip(STATES, (i, ahp, v, ref), strict=True):
            final[key][b] = value
    return spikes, final, overflow


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Random integer parameters with slow leaks (states wrap and saturate), refractoriness of
    0-3 steps; synaptic input < 2**17 (see the ALIF reference)."""
    batch, n_in, n, steps = 2, 4, 6, 300
    params = dict(
        du=rng.integers(0, 4096, n),
        da=rng.integers(0, 4096, n),
        dv=rng.integers(0, 4097, n),
        w_ahp=rng.integers(0, 2**18, n),
        vth=rng.integers(1, 2**10, n),
        bias_mant=rng.integers(-4096, 4096, n),
        bias_exp=rng.integers(0, 8, n),
        n_ref=rng.integers(0, 4, n),
    )
    params["du"][:2], params["dv"][:2], params["da"][0] = 0, 0, 0  # wrap and saturate
    weights = 2 * rng.integers(-60, 61, (n, n_in))
    rec = 2 * rng.integers(-60, 61, (n, n))
    x = rng.integers(0, 2**7, (batch, n_in, steps))
    spikes, final, overflow = reference_fixed(params, weights, rec, (1, -1), x)
    kwargs = dict(
        shape=(batch, n), weights=weights, rec_weights=rec, weight_exp=1, rec_weight_exp=-1,
        num_message_bits=8, **params,
    )  # fmt: skip
    return [
        dict(kwargs=kwargs, inputs=x, expected={"s_out": spikes, **final, "overflow": overflow})
    ]


# The registry test's small classifier of this model: its defaults.
CLASSIFIER: dict = {}
