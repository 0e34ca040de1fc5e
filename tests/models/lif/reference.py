"""LIF (SPEC §7): an independent integer reference with plain Python integers, for both resets,
and the fixed-point cases the registry test runs against it."""

from __future__ import annotations

import numpy as np
from reference_int import ref_decay, ref_dense, ref_sat, ref_wrap

STATES = ("u", "v")


def reference_fixed(p: dict, weights: np.ndarray, rec: np.ndarray, exps: tuple, x: np.ndarray):
    """Spikes (B, n, T), final states and overflow counts, one sample and neuron at a time:
    Lava's LIF (reset 0) or the threshold subtracted on the next step (reset 1)."""
    batch, _, steps = x.shape
    n = weights.shape[0]
    spikes = np.zeros((batch, n, steps), dtype=np.int64)
    final = {key: np.zeros((batch, n), dtype=np.int64) for key in STATES}
    overflow = np.zeros((batch, n), dtype=np.int64)
    for b in range(batch):
        u, v, s = [0] * n, [0] * n, [0] * n
        for t in range(steps):
            a_in = ref_dense(weights, x[b, :, t], exps[0])
            a_rec = ref_dense(rec, s, exps[1])
            new_s = [0] * n
            for j in range(n):
                bias = int(p["bias_mant"][j]) << int(p["bias_exp"][j])
                vth = int(p["vth"][j]) * 64
                u[j], o1 = ref_wrap(
                    ref_decay(u[j], int(p["du"][j]) + 1) + (a_in[j] + a_rec[j]) * 64
                )
                total = ref_decay(v[j], int(p["dv"][j])) + u[j] + bias
                if p["reset"]:
                    total -= s[j] * vth
                v[j], o2 = ref_sat(total)
                new_s[j] = int(v[j] > vth)
                if new_s[j] and not p["reset"]:
                    v[j] = 0
                overflow[b, j] += o1 or o2
            s = new_s
            spikes[b, :, t] = s
        for key, value in zip(STATES, (u, v), strict=True):
            final[key][b] = value
    return spikes, final, overflow


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Both resets, random integer parameters with slow leaks (u wraps, v saturates); synaptic
    input < 2**17 (see the ALIF reference)."""
    cases = []
    for reset in (0, 1):
        batch, n_in, n, steps = 2, 4, 6, 300
        params = dict(
            du=rng.integers(0, 4096, n),
            dv=rng.integers(0, 4097, n),
            vth=rng.integers(1, 2**10, n),
            bias_mant=rng.integers(-4096, 4096, n),
            bias_exp=rng.integers(0, 8, n),
            reset=reset,
        )
        params["du"][:2], params["dv"][:2] = 0, 0
        weights = 2 * rng.integers(-60, 61, (n, n_in))
        rec = 2 * rng.integers(-60, 61, (n, n))
        x = rng.integers(0, 2**7, (batch, n_in, steps))
        spikes, final, overflow = reference_fixed(params, weights, rec, (1, -1), x)
        kwargs = dict(
            shape=(batch, n), weights=weights, rec_weights=rec, weight_exp=1, rec_weight_exp=-1,
            num_message_bits=8, **params,
        )  # fmt: skip
        expected = {"s_out": spikes, **final, "overflow": overflow}
        cases.append(dict(kwargs=kwargs, inputs=x, expected=expected))
    return cases


# The registry test's small classifier of this model: its defaults.
CLASSIFIER: dict = {}
