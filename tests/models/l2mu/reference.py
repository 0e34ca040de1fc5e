"""L2MU (SPEC §6): an independent integer reference with plain Python integers, for both resets,
and the fixed-point cases the registry test runs against it.

Each population is Lava's LIF (``u`` wraps, ``v`` saturates, input << 6, spike when
``v > vth << 6``; reset 1 subtracts ``vth << 6`` on the step after a spike), each matrix a Lava
``Dense`` (``(W s) << exp``, floor). Order within a step: the input population reads the last
step's memory spikes, the memory reads the last step's memory and this step's input spikes, the
units read this step's memory spikes.
"""

from __future__ import annotations

import numpy as np
from reference_int import ref_decay, ref_dense, ref_sat, ref_wrap

POPULATIONS = ("_u", "_m", "")
STATES = tuple(f"{k}{p}" for p in POPULATIONS for k in ("u", "v"))


def _lif(state: dict, current: list[int], p: dict, suffix: str) -> tuple[list[int], list[int]]:
    """One step of a LIF population in place; returns its spikes and overflow flags."""
    u, v, s = state["u"], state["v"], state["s"]
    du, dv, vth = int(p[f"du{suffix}"]), int(p[f"dv{suffix}"]), int(p[f"vth{suffix}"]) * 64
    spikes, flags = [], []
    for j, i_j in enumerate(current):
        u[j], o1 = ref_wrap(ref_decay(u[j], du + 1) + i_j * 64)
        total = ref_decay(v[j], dv) + u[j] - (s[j] * vth if p["reset"] else 0)
        v[j], o2 = ref_sat(total)
        spikes.append(int(v[j] > vth))
        if spikes[j] and not p["reset"]:
            v[j] = 0
        flags.append(int(o1 or o2))
    state["s"] = spikes
    return spikes, flags


def reference_fixed(p: dict, weights, rec, exps: tuple, x: np.ndarray) -> dict:
    """Unit spikes (B, n, T), each population's spikes and synaptic input per step, final states
    and overflow counts per neuron (units, input population, memory population)."""
    batch, _, steps = x.shape
    m, d = int(p["memory"]), int(p["order"])
    n = weights.shape[0] - m
    sizes = {"_u": m, "_m": m * d, "": n}
    out = {
        "s_out": np.zeros((batch, n, steps), dtype=np.int64),
        "overflow": np.zeros((batch, n + m + m * d), dtype=np.int64),
        **{f"spikes{k}": np.zeros((batch, sizes[k], steps), dtype=np.int64) for k in sizes},
        **{f"input{k}": np.zeros((batch, sizes[k], steps), dtype=np.int64) for k in sizes},
        **{key: np.zeros((batch, sizes[key[1:]]), dtype=np.int64) for key in STATES},
    }
    ad, bd = p["ad"], p["bd"]
    for b in range(batch):
        pops = {k: {"u": [0] * sizes[k], "v": [0] * sizes[k], "s": [0] * sizes[k]} for k in sizes}
        for t in range(steps):
            s_m_prev = list(pops["_m"]["s"])
            total = [
                a + r
                for a, r in zip(
                    ref_dense(weights, x[b, :, t], exps[0]),
                    ref_dense(rec, pops[""]["s"], exps[1]),
                    strict=True,
                )
            ]
            from_memory = ref_dense(p["enc_m"], s_m_prev, int(p["enc_m_exp"]))
            i_u = [total[c] + from_memory[c] for c in range(m)]
            s_u, f_u = _lif(pops["_u"], i_u, p, "_u")
            i_m = []
            for c in range(m):
                own = s_m_prev[c * d : (c + 1) * d]
                recur = ref_dense(ad, own, int(p["ad_exp"]))
                rest = ref_dense(p["ad_rest"], own, int(p["ad_rest_exp"]))
                drive = ref_dense(bd, [s_u[c]], int(p["bd_exp"]))
                i_m += [recur[i] + rest[i] + drive[i] for i in range(d)]
            s_m, f_m = _lif(pops["_m"], i_m, p, "_m")
            to_units = ref_dense(p["w_m"], s_m, int(p["w_m_exp"]))
            i_h = [total[m + k] + to_units[k] for k in range(n)]
            s_h, f_h = _lif(pops[""], i_h, p, "")
            for key, spikes, current in (("_u", s_u, i_u), ("_m", s_m, i_m), ("", s_h, i_h)):
                out[f"spikes{key}"][b, :, t] = spikes
                out[f"input{key}"][b, :, t] = current
            out["overflow"][b] += f_h + f_u + f_m
        out["s_out"][b] = out["spikes"][b]
        for key in STATES:
            out[key][b] = pops[key[1:]][key[0]]
    return out


def case_params(rng: np.random.Generator, reset: int, m: int, d: int, n: int) -> dict:
    """Random integer parameters: slow current leaks in some neurons so that currents wrap."""
    even = lambda low, high, shape: 2 * rng.integers(low // 2, high // 2 + 1, shape)  # noqa: E731
    params = dict(memory=m, order=d, reset=reset)
    for suffix in POPULATIONS:
        params.update({f"du{suffix}": int(rng.integers(0, 4096)),
                       f"dv{suffix}": int(rng.integers(0, 4097)),
                       f"vth{suffix}": int(rng.integers(1, 2**9))})  # fmt: skip
    params["du_m"] = 4095  # one population without synaptic memory, as the benchmarks use
    params["du_u"] = 0  # and one with the slowest current leak: it wraps
    params.update(
        enc_m=even(-120, 120, (m, m * d)), ad=even(-250, 250, (d, d)), bd=even(-250, 250, (d, 1)),
        ad_rest=even(-250, 250, (d, d)), w_m=even(-120, 120, (n, m * d)), enc_m_exp=3, ad_exp=4,
        ad_rest_exp=-3, bd_exp=5, w_m_exp=2,
    )  # fmt: skip
    return params


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Both resets; graded input; states that wrap and saturate."""
    cases = []
    for reset in (1, 0):
        batch, n_in, m, d, n, steps = 2, 4, 3, 4, 5, 250
        params = case_params(rng, reset, m, d, n)
        weights = 2 * rng.integers(-60, 61, (m + n, n_in))
        rec = 2 * rng.integers(-60, 61, (m + n, n))
        x = rng.integers(-(2**6), 2**7, (batch, n_in, steps))
        ref = reference_fixed(params, weights, rec, (1, 3), x)
        kwargs = dict(
            shape=(batch, n), weights=weights, rec_weights=rec, weight_exp=1, rec_weight_exp=3,
            num_message_bits=8, **params,
        )  # fmt: skip
        expected = {key: ref[key] for key in ("s_out", *STATES, "overflow")}
        cases.append(dict(kwargs=kwargs, inputs=x, expected=expected, reference=ref))
    return cases


# The registry test's small classifier of this model: 3 memory channels of order 4.
CLASSIFIER: dict = dict(memory=3, order=4, theta=6.0)
