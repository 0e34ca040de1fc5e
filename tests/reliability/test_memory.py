"""Item 9 of issue 13: what ``run`` itself leaks per call is released (the RSS over 1,000 runs
is measured by rss_over_runs.py; docs/runner.md has the figures)."""

from __future__ import annotations

import logging

import sim_probes as sp

import lava_sd


def test_runs_leave_no_compiler_log_handlers() -> None:
    compiler_log = logging.getLogger("lava.magma.compiler.compiler")
    outputs = sp.lif_chain(2)
    lava_sd.run(outputs, 3)
    before = len(compiler_log.handlers)
    for _ in range(3):
        lava_sd.run(outputs, 3)
    assert len(compiler_log.handlers) == before
