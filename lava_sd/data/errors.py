"""Exceptions for data that is absent or unreadable.

Bad *arguments* raise :class:`lava_sd.checks.ParameterError`; these two classes are about the
*data on disk*: ``DatasetNotFoundError`` when it is not there (the message says how to get it;
nothing is ever downloaded at run time), ``DatasetFormatError`` when it is there but cannot be read.
"""

from __future__ import annotations


class DatasetNotFoundError(FileNotFoundError):
    """A data set (or one of its files) is absent; the message says how to obtain it."""


class DatasetFormatError(ValueError):
    """A data file exists but is corrupt, of the wrong format or misses expected content."""
