"""The UEA/UCR .ts reader, on files the test writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lava_sd.data import DatasetFormatError, DatasetNotFoundError, read_ts

GOOD = """# two dimensions, three cases
@problemName Toy
@timeStamps false
@univariate false
@dimensions 2
@equalLength false
@classLabel true up down
@data
1,2,3:4,5,6:up
0.5,?:1,2:down
7,8,9,10:1,1,1,1:up
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "toy.ts"
    path.write_text(text)
    return path


def test_reads_cases_labels_and_missing_values(tmp_path: Path) -> None:
    data = read_ts(write(tmp_path, GOOD))
    assert data.problem_name == "Toy" and data.class_names == ["up", "down"]
    assert data.labels == ["up", "down", "up"]
    assert [s.shape for s in data.series] == [(2, 3), (2, 2), (2, 4)]
    np.testing.assert_array_equal(data.series[0], [[1, 2, 3], [4, 5, 6]])
    assert np.isnan(data.series[1][0, 1])


def test_unlabelled_file(tmp_path: Path) -> None:
    data = read_ts(write(tmp_path, "@dimensions 1\n@classLabel false\n@data\n1,2\n3,4\n"))
    assert data.labels is None and len(data.series) == 2


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("@timeStamps true\n@data\n(1,2)\n", "time stamps"),
        ("@dimensions 2\n@classLabel true a\n@data\n1,2:a\n", "2"),
        ("@classLabel true a b\n@data\n1,2:c\n", "not declared"),
        ("@classLabel true a\n@data\n1,x:a\n", "not a number"),
        ("@dimensions 2\n@classLabel true a\n@data\n1,2:1:a\n", "different lengths"),
        ("@dimensions 2\n1,2\n", "@data"),
        ("@data\n", "no cases"),
        ("garbage\n", "header"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(DatasetFormatError, match=match):
        read_ts(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError):
        read_ts(tmp_path / "none.ts")
