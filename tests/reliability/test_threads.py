"""Item 4 of issue 13: ``run`` is thread-safe (two threads x 6 runs, no zombies left)."""

from __future__ import annotations

import threading
import time

import numpy as np
import sim_probes as sp

import lava_sd


def test_two_threads_run_six_graphs_each() -> None:
    expected = lava_sd.run(sp.lif_chain(3), 20)["v"]
    since = sp.now_since_boot()
    results: list[object] = []
    zombies: list[int] = []
    done = threading.Event()

    def worker() -> None:
        for _ in range(6):
            try:
                results.append(lava_sd.run(sp.lif_chain(3), 20, timeout=120)["v"])
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                results.append(exc)

    def watch() -> None:
        while not done.wait(0.05):
            zombies.append(len(sp.zombie_children()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    done.set()
    watcher.join()
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, f"{len(errors)} of 12 runs failed: {errors[:3]}"
    assert len(results) == 12
    for value in results:
        np.testing.assert_array_equal(value, expected)
    time.sleep(0.2)
    assert not sp.zombie_children()
    assert not sp.my_simulation_processes(since)
    assert max(zombies, default=0) <= 2, f"up to {max(zombies)} zombies while running"
