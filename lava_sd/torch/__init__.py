"""PyTorch modules for training: the same equations as the Lava float models.

Importing this package imports torch; nothing in ``lava_sd`` outside it does.
"""

from lava_sd.torch.sigma_delta import SigmaDeltaCell, SigmaDeltaLayer
from lava_sd.torch.surrogate import spike

__all__ = ["SigmaDeltaCell", "SigmaDeltaLayer", "spike"]
