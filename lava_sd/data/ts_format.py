"""A reader for the ``.ts`` time-series format of the UEA & UCR archives (and sktime).

A ``.ts`` file is a header of ``@`` lines, then ``@data`` and one case per line: each dimension's
values separated by commas, dimensions by colons, the class label last::

    # a comment
    @problemName BasicMotions
    @timeStamps false
    @univariate false
    @dimensions 6
    @equalLength true
    @seriesLength 100
    @classLabel true standing running walking badminton
    @data
    -0.74,-0.74,...:0.11,0.23,...:...:standing

``read_ts`` returns each case as a ``(dimensions, length)`` float array (``?`` missing values
become NaN: clean them before training) and the labels as strings. Files with time stamps
(``@timeStamps true``) are refused with a clear error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lava_sd.data.errors import DatasetFormatError, DatasetNotFoundError


@dataclass(frozen=True, eq=False)
class TsData:
    """The cases of a ``.ts`` file.

    Attributes:
        series: one float64 ``(dimensions, length)`` array per case.
        labels: each case's class label, or ``None`` when the file has none.
        class_names: the labels the header declares (``@classLabel true ...``), in its order.
        problem_name: ``@problemName``, or the file name.
    """

    series: list[np.ndarray]
    labels: list[str] | None
    class_names: list[str]
    problem_name: str


def read_ts(path: str | os.PathLike) -> TsData:
    """Read a UEA/UCR ``.ts`` file.

    Raises:
        DatasetNotFoundError: there is no file at ``path``.
        DatasetFormatError: the file is not in the format (the message gives the line).
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"no .ts file at {path}.")
    header: dict[str, str] = {}
    series: list[np.ndarray] = []
    labels: list[str] = []
    in_data = False
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                if not line.startswith("@"):
                    raise DatasetFormatError(
                        f"{path}:{number}: expected a @ header line (is the @data line missing?)."
                    )
                key, _, value = line[1:].partition(" ")
                if key.lower() == "data":
                    in_data = True
                    _check_header(path, header)
                else:
                    header[key.lower()] = value.strip()
                continue
            case, label = _parse_case(path, number, line, header)
            series.append(case)
            if label is not None:
                labels.append(label)
    if not in_data:
        raise DatasetFormatError(f"{path}: no @data line.")
    if not series:
        raise DatasetFormatError(f"{path}: @data holds no cases.")
    declared = header.get("classlabel", "false").split()
    return TsData(
        series=series,
        labels=labels if _has_labels(header) else None,
        class_names=declared[1:],
        problem_name=header.get("problemname", path.stem),
    )


def _has_labels(header: dict[str, str]) -> bool:
    return header.get("classlabel", "false").split()[:1] == ["true"]


def _check_header(path: Path, header: dict[str, str]) -> None:
    if header.get("timestamps", "false").lower() == "true":
        raise DatasetFormatError(
            f"{path}: files with time stamps (@timeStamps true) are not supported; export the "
            "series without them."
        )
    dims = header.get("dimensions")
    if dims is not None and (not dims.isdigit() or int(dims) < 1):
        raise DatasetFormatError(f"{path}: @dimensions must be a positive integer, got {dims!r}.")


def _parse_case(
    path: Path, number: int, line: str, header: dict[str, str]
) -> tuple[np.ndarray, str | None]:
    fields = line.split(":")
    label = None
    if _has_labels(header):
        if len(fields) < 2:
            raise DatasetFormatError(f"{path}:{number}: a case needs values and a class label.")
        label = fields.pop().strip()
        allowed = header["classlabel"].split()[1:]
        if allowed and label not in allowed:
            raise DatasetFormatError(
                f"{path}:{number}: class label {label!r} is not declared in @classLabel {allowed}."
            )
    dims = header.get("dimensions")
    if dims is not None and len(fields) != int(dims):
        raise DatasetFormatError(
            f"{path}:{number}: {len(fields)} dimensions, but @dimensions says {dims}."
        )
    try:
        values = [
            [np.nan if v.strip() == "?" else float(v) for v in field.split(",")] for field in fields
        ]
    except ValueError as exc:
        raise DatasetFormatError(f"{path}:{number}: not a number ({exc}).") from None
    if len({len(v) for v in values}) != 1:
        raise DatasetFormatError(
            f"{path}:{number}: the dimensions of a case have different lengths "
            f"{[len(v) for v in values]}."
        )
    return np.array(values, dtype=np.float64), label
