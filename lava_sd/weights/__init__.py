"""Checkpoints shipped with lava_sd (package data): ``<benchmark>_<row>.npz``.

``shipped("audio_digits_lprnn")`` is the path of one; ``lava_sd.load`` reads it.
"""

from __future__ import annotations

from pathlib import Path

from lava_sd.checks import ParameterError

DIRECTORY = Path(__file__).parent


def available() -> list[str]:
    """Names of the shipped checkpoints."""
    return sorted(path.stem for path in DIRECTORY.glob("*.npz"))


def shipped(name: str) -> Path:
    """The path of the shipped checkpoint ``name`` (e.g. ``"har_watch_egru"``)."""
    path = DIRECTORY / f"{name}.npz"
    if not path.is_file():
        raise ParameterError(f"no shipped checkpoint {name!r}; choose from {available()}.")
    return path
