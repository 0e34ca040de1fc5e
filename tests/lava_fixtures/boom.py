"""A process whose models raise at a chosen step: exercises the runner's error path.

Side-effect free: Lava's model discovery executes every module in this folder.
"""

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol


class Boom(AbstractProcess):
    """Passes its input through and raises ``RuntimeError`` at step ``fail_at``."""

    def __init__(self, *, shape, fail_at=3, name=None):
        super().__init__(shape=shape, name=name)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.fail_at = Var(shape=(1,), init=fail_at)


class _BoomBase(PyLoihiProcessModel):
    fail_at: np.ndarray = LavaPyType(np.ndarray, np.int32)

    def run_spk(self):
        data = self.a_in.recv()
        if self.time_step == int(self.fail_at[0]):
            raise RuntimeError(f"boom at step {self.time_step}")
        self.s_out.send(data)


@implements(proc=Boom, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyBoomFloat(_BoomBase):
    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)


@implements(proc=Boom, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyBoomFixed(_BoomBase):
    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
