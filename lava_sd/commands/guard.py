"""What a user did wrong is an error message and exit status, not a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from lava_sd.checkpoint import CheckpointError
from lava_sd.checks import ParameterError
from lava_sd.data.errors import DatasetFormatError

USER_ERRORS = (ParameterError, CheckpointError, DatasetFormatError, FileNotFoundError)


def guarded(name: str, main: Callable[[list[str] | None], int], argv: list[str] | None) -> int:
    """``main(argv)``; a user error is printed as ``lava-sd NAME: error: ...`` with status 1
    (argparse already exits with 2 on bad arguments, after printing the usage)."""
    try:
        return main(argv)
    except USER_ERRORS as exc:
        print(f"lava-sd {name}: error: {exc}", file=sys.stderr)
        return 1
