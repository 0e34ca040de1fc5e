"""ALIF (SPEC §3): an independent integer reference, from the SPEC and the integer rules with
plain Python integers, and the fixed-point case the registry test runs against it."""

from __future__ import annotations

import numpy as np
from reference_int import ref_decay, ref_dense, ref_sat, ref_wrap

STATES = ("i", "v", "w")


def reference_fixed(p: dict, weights: np.ndarray, rec: np.ndarray, exps: tuple, x: np.ndarray):
    """Spikes (B, n, T), final states and overflow counts, one sample at a time, from SPEC §3
    and the integer rules (w uses the new v, s when symplectic, the last step's otherwise)."""
    batch, _, steps = x.shape
    n = weights.shape[0]
    spikes = np.zeros((batch, n, steps), dtype=np.int64)
    final = {key: np.zeros((batch, n), dtype=np.int64) for key in STATES}
    overflow = np.zeros((batch, n), dtype=np.int64)
    for b in range(batch):
        i, v, w, s = [0] * n, [0] * n, [0] * n, [0] * n
        for t in range(steps):
            a_in = ref_dense(weights, x[b, :, t], exps[0])
            a_rec = ref_dense(rec, s, exps[1])
            new_s = [0] * n
            for j in range(n):
                bias = int(p["bias_mant"][j]) << int(p["bias_exp"][j])
                i[j], o1 = ref_wrap(
                    ref_decay(i[j], int(p["du"][j]) + 1) + (a_in[j] + a_rec[j]) * 64
                )
                v_old, s_old = v[j], s[j]
                v[j], o2 = ref_sat(ref_decay(v[j], int(p["dv"][j])) + i[j] + bias - w[j])
                new_s[j] = int(v[j] > int(p["vth"][j]) * 64)
                if new_s[j]:
                    v[j] = 0
                v_src, s_src = (v[j], new_s[j]) if p["symplectic"] else (v_old, s_old)
                prod = v_src * int(p["a_w"][j])
                coupling = -((-prod) >> 12) if prod < 0 else prod >> 12
                w[j], o3 = ref_sat(
                    ref_decay(w[j], int(p["dw"][j])) + coupling + int(p["b_w"][j]) * s_src
                )
                overflow[b, j] += o1 or o2 or o3
            s = new_s
            spikes[b, :, t] = s
        for key, value in zip(STATES, (i, v, w), strict=True):
            final[key][b] = value
    return spikes, final, overflow


def random_fixed_params(rng: np.random.Generator, n: int, symplectic: int) -> dict:
    return dict(
        du=rng.integers(0, 4096, n),
        dv=rng.integers(0, 4097, n),
        dw=rng.integers(0, 4097, n),
        a_w=rng.integers(0, 4097, n),
        b_w=rng.integers(0, 2**16, n),
        vth=rng.integers(1, 2**10, n),
        bias_mant=rng.integers(-4096, 4096, n),
        bias_exp=rng.integers(0, 8, n),
        symplectic=symplectic,
    )


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Symplectic and Euler-forward: random integer parameters with slow leaks, so that states
    wrap and saturate. Synaptic input up to 2**17 (<< 6: 2**23), so states wrap at most once per
    step, like Lava's LIF whose int32 u would otherwise overflow."""
    cases = []
    for symplectic in (1, 0):
        batch, n_in, n, steps = 2, 4, 6, 300
        params = random_fixed_params(rng, n, symplectic)
        params["du"][:2], params["dv"][:2] = 0, 0
        weights = 2 * rng.integers(-60, 61, (n, n_in))
        rec = 2 * rng.integers(-60, 61, (n, n))
        x = rng.integers(0, 2**7, (batch, n_in, steps))
        spikes, final, overflow = reference_fixed(params, weights, rec, (1, -1), x)
        kwargs = dict(
            shape=(batch, n), weights=weights, rec_weights=rec, weight_exp=1, rec_weight_exp=-1,
            num_message_bits=8, **params,
        )  # fmt: skip
        cases.append(dict(kwargs=kwargs, inputs=x, expected={"s_out": spikes, **final,
                                                              "overflow": overflow}))  # fmt: skip
    return cases


# The registry test's small classifier: strong inputs (the default gain of 6 leaves a random
# second layer of 8 silent under the adaptation), so that every layer spikes.
CLASSIFIER = dict(init_gain=20.0)
