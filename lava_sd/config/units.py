"""The fixed-point state unit shared by the spiking neuron configs."""

from __future__ import annotations

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import VTH_BITS, VTH_SHIFT

DEFAULT_VTH = 1 << 10


def state_unit(owner: str, vth: int, theta: float) -> float:
    """Integer state units per value unit when the threshold ``theta`` is the integer ``vth``
    (a spike when ``v > vth << 6``): ``(vth << 6) / theta``.

    Raises:
        ParameterError: if ``vth`` is not an integer in [1, 2**17).
    """
    if int(vth) != vth or not 1 <= vth < 1 << VTH_BITS:
        raise ParameterError(f"{owner}: vth must be an integer in [1, 2**17), got {vth}.")
    return (int(vth) << VTH_SHIFT) / theta
