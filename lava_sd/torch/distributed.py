"""Data-parallel training under ``torchrun``: the ranks, their shard of each batch, sums.

``lava_sd.fit(..., distributed=True)`` in a script launched by ``torchrun --nproc-per-node N``
(one process per rank; ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``
set by torchrun) trains one model on N processes:

- every rank holds the whole training set and draws the same seeded permutation per epoch as a
  single process does; of each global batch ``idx = order[i : i + batch_size]`` rank ``r``
  trains on ``idx[r::N]`` (``DistributedSampler``'s interleaving, without its padding: a last
  batch of fewer samples is weighted exactly);
- each rank's loss is ``N / |idx| * sum_{j in its part} CE_j``; DDP averages the gradients over
  the ranks, so every rank applies ``1 / |idx| * sum_{j in idx} grad CE_j``: the gradient of the
  single-process batch mean, summed in a different order (``docs/scaling.md``);
- losses, correct counts and validation hits are summed over the ranks (``all_sum``), so every
  rank sees the same log and makes the same best-epoch and early-stopping decisions.

The process group uses ``nccl`` when the rank trains on a GPU (``cuda:LOCAL_RANK``) and ``gloo``
on CPUs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn

from lava_sd.checks import ParameterError

ENVIRONMENT = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


@dataclass(frozen=True)
class Ranks:
    """This process's place in a data-parallel job.

    Attributes:
        rank, world: this process's rank and the number of ranks.
        device: where this rank trains (``cuda:LOCAL_RANK`` or ``cpu``).
        backend: the process group's backend (``"nccl"`` or ``"gloo"``).
        created: this job's process group was initialised by ``join`` (``leave`` ends it).
    """

    rank: int
    world: int
    device: torch.device
    backend: str
    created: bool

    @property
    def main(self) -> bool:
        """Rank 0: the one that shows progress and writes files."""
        return self.rank == 0

    def shard(self, idx: torch.Tensor) -> torch.Tensor:
        """This rank's part ``idx[rank::world]`` of a batch of sample indices."""
        return idx[self.rank :: self.world]

    def all_sum(self, values: list[float]) -> list[float]:
        """Element-wise sums of ``values`` over all ranks (float64; exact for counts)."""
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor.cpu().tolist()

    def per_rank(self, value: float) -> list[float]:
        """``value`` of every rank, in rank order."""
        values = [0.0] * self.world
        values[self.rank] = float(value)
        return self.all_sum(values)

    def wrap(self, model: nn.Module) -> nn.Module:
        """``model`` (already on ``device``) in ``DistributedDataParallel``."""
        ids = [self.device.index] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def join(device: str = "auto", timeout_s: float = 1800.0) -> Ranks:
    """This process's ``Ranks``, joining the process group torchrun describes (if it is not
    joined already).

    Args:
        device: ``"auto"`` (``cuda:LOCAL_RANK`` when torch sees a GPU, else ``cpu``), ``"cpu"`` or
            ``"cuda"`` (then ``cuda:LOCAL_RANK``).
        timeout_s: how long a collective waits for the other ranks before it fails.

    Raises:
        ParameterError: not launched by torchrun, or an unusable device.
    """
    missing = [name for name in ENVIRONMENT if name not in os.environ]
    if missing:
        raise ParameterError(
            f"fit(distributed=True) runs under torchrun, which sets {', '.join(missing)}: "
            "torchrun --nproc-per-node 2 your_script.py (or distributed=False)."
        )
    if not dist.is_available():
        raise ParameterError("fit(distributed=True): this torch build has no torch.distributed.")
    local = int(os.environ["LOCAL_RANK"])
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise ParameterError(
            f"fit(distributed=True): device must be 'auto', 'cpu' or 'cuda' (each rank takes "
            f"cuda:LOCAL_RANK), got {device!r}."
        )
    if device == "cuda":
        if local >= torch.cuda.device_count():
            raise ParameterError(
                f"fit(distributed=True): LOCAL_RANK {local} but torch sees "
                f"{torch.cuda.device_count()} GPU(s); start at most that many ranks per node."
            )
        torch.cuda.set_device(local)
        chosen = torch.device("cuda", local)
    else:
        chosen = torch.device("cpu")
    backend = "nccl" if chosen.type == "cuda" else "gloo"
    created = not dist.is_initialized()
    if created:
        dist.init_process_group(backend, timeout=timedelta(seconds=timeout_s))
    elif dist.get_backend() != backend:
        raise ParameterError(
            f"fit(distributed=True): the process group uses {dist.get_backend()}, but training "
            f"on {chosen} needs {backend}."
        )
    return Ranks(dist.get_rank(), dist.get_world_size(), chosen, backend, created)


def leave(ranks: Ranks) -> None:
    """End the process group if ``join`` started it (after a barrier: no rank leaves early)."""
    if ranks.created and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
