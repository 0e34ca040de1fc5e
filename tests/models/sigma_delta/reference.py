"""ΣΔ neuron (SPEC §1): an independent integer reference, and the fixed-point case the registry
test runs against it (the registered ``lprnn`` model's layers are ΣΔ layers)."""

from __future__ import annotations

import numpy as np
from reference_int import ref_decay, ref_sat, ref_wrap

STATES = ("i_in", "i_ip", "i_fb", "v")


# ---------------------------------------------------------------------------------------------
# An independent integer reference, written from SPEC §1 and the fixed-point rules with plain
# Python integers (no lava_sd code): decays round toward zero, currents wrap, i_ip and v
# saturate at +-(2**23 - 1) and are rectified.
def reference_fixed(p: dict, inputs: np.ndarray) -> tuple[np.ndarray, dict, np.ndarray]:
    """Spikes (n, T), final states and overflow counts of n independent integer neurons."""
    n, steps = inputs.shape
    spikes = np.zeros((n, steps), dtype=np.int64)
    final = {key: np.zeros(n, dtype=np.int64) for key in STATES}
    overflow = np.zeros(n, dtype=np.int64)
    for j in range(n):
        i_in = i_ip = i_fb = v = s = 0
        bias = int(p["bias_mant"][j]) * 2 ** int(p["bias_exp"][j])
        for t in range(steps):
            i_in, o1 = ref_wrap(ref_decay(i_in, int(p["du_in"][j]) + 1) + int(inputs[j, t]) * 64)
            i_ip, o2 = ref_sat(ref_decay(i_ip, int(p["du_ip"][j]) + 1) + i_in + bias)
            i_ip = max(0, i_ip)
            i_fb, o3 = ref_wrap(ref_decay(i_fb, int(p["du_fb"][j]) + 1) + int(p["w_fb"][j]) * s)
            v, o4 = ref_sat(ref_decay(v, int(p["dv"][j])) + i_ip + i_fb)
            v = max(0, v)
            s = int(v > int(p["vth"][j]) * 64)
            if s:
                v = 0
            spikes[j, t] = s
            overflow[j] += o1 or o2 or o3 or o4
        for key, value in zip(STATES, (i_in, i_ip, i_fb, v), strict=True):
            final[key][j] = value
    return spikes, final, overflow


def random_fixed_params(rng: np.random.Generator, n: int) -> dict:
    return dict(
        du_in=rng.integers(0, 4096, n),
        du_ip=rng.integers(0, 4096, n),
        du_fb=rng.integers(0, 4096, n),
        dv=rng.integers(0, 4097, n),
        w_fb=-rng.integers(0, 2**22, n),
        vth=rng.integers(0, 2**14, n),
        bias_mant=rng.integers(-4096, 4096, n),
        bias_exp=rng.integers(0, 8, n),
    )


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Random integer parameters; neurons 0-3 get inputs large enough to wrap i_in (slow leak:
    the current accumulates) and saturate i_ip and v."""
    n, steps = 12, 1200
    params = random_fixed_params(rng, n)
    scale = np.where(np.arange(n) < 4, 2**17, 2**10)[:, None]
    inputs = (rng.uniform(-0.6, 1.0, (n, steps)) * scale).astype(np.int64)
    params["du_in"][:4] = [0, 1, 0, 2]
    params["dv"][:4] = 0
    spikes, final, overflow = reference_fixed(params, inputs)
    assert overflow[:4].min() > 0, "the first neurons must overflow"
    return [dict(kwargs=dict(shape=(n,), **params), inputs=inputs,
                 expected={"s_out": spikes, **final, "overflow": overflow})]  # fmt: skip
