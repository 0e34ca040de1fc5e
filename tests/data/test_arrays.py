"""User data helpers: sequences from arrays or lists, labels, resampling, the normaliser."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lava_sd.checks import ParameterError
from lava_sd.data import Normaliser, as_sequences, encode_labels, resample


def test_arrays_lists_and_tensors(rng: np.random.Generator) -> None:
    x = rng.normal(size=(3, 2, 5))
    out, lengths = as_sequences(x)
    assert out.dtype == np.float32 and lengths.tolist() == [5, 5, 5]
    out, lengths = as_sequences(torch.from_numpy(x), np.array([5, 2, 3]))
    assert lengths.tolist() == [5, 2, 3]
    seqs = [rng.normal(size=(2, n)) for n in (4, 1, 3)]
    out, lengths = as_sequences(seqs)
    assert out.shape == (3, 2, 4) and lengths.tolist() == [4, 1, 3]
    np.testing.assert_array_equal(out[1, :, 1:], np.repeat(out[1, :, :1], 3, axis=1))  # held


@pytest.mark.parametrize(
    ("x", "lengths", "match"),
    [
        (np.zeros((2, 3)), None, r"x\[None\]"),
        (np.zeros((2, 3, 4)), [4, 5], "lengths"),
        (np.zeros((2, 3, 4)), [4, 1.5], "lengths"),
        (np.zeros((0, 3, 4)), None, "no samples"),
        (np.full((1, 2, 2), np.inf), None, "NaN or infinite"),
        (np.array([[["a"]]]), None, "real numbers"),
        ([np.zeros((2, 3)), np.zeros((3, 3))], None, "channels"),
        ([np.zeros((2, 3))], [3], "own lengths"),
    ],
)
def test_bad_sequences(x: object, lengths: object, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        as_sequences(x, lengths)


def test_labels() -> None:
    idx, names = encode_labels(["b", "a", "b", "c"])
    assert idx.tolist() == [1, 0, 1, 2] and names == ["a", "b", "c"]
    idx, names = encode_labels(np.array([3, 1, 3], dtype=np.int32))
    assert idx.tolist() == [1, 0, 1] and names == ["1", "3"]
    assert encode_labels([3.0, 1.0])[0].tolist() == [1, 0]
    assert encode_labels([1, 3], ["1", "2", "3"])[0].tolist() == [0, 2]
    with pytest.raises(ParameterError, match="not among"):
        encode_labels(["z"], ["a", "b"])
    with pytest.raises(ParameterError, match="whole numbers"):
        encode_labels([0.5, 1.0])
    with pytest.raises(ParameterError, match="1-D"):
        encode_labels(np.zeros((2, 2), int))


def test_resample() -> None:
    t = np.arange(100) / 50
    x = np.sin(2 * np.pi * t)[None, :]
    down = resample(x, 50, 25)
    assert down.shape == (1, 50)
    np.testing.assert_allclose(down[0, 5:-5], np.sin(2 * np.pi * t[::2])[5:-5], atol=0.02)
    with pytest.raises(ParameterError, match="rate_out"):
        resample(x, 50, 0)


def test_normaliser(rng: np.random.Generator) -> None:
    x = rng.normal(3.0, 2.0, (50, 2, 40))
    lengths = np.full(50, 40)
    lengths[0] = 10
    x[0, :, 10:] = 1e6  # padding: must not count
    norm = Normaliser.fit(x, lengths)
    valid = np.concatenate([x[0, :, :10], *x[1:]], axis=1)
    np.testing.assert_allclose(norm.mean, valid.mean(1))
    np.testing.assert_allclose(norm.std, valid.std(1))
    out = norm(x[1:])
    assert out.dtype == np.float32 and abs(out.mean()) < 0.05
    again = Normaliser.from_dict(norm.to_dict())
    np.testing.assert_array_equal(again.mean, norm.mean)
    with pytest.raises(ParameterError, match="positive"):
        Normaliser(np.zeros(2), np.array([1.0, 0.0]))
    with pytest.raises(ParameterError, match=r"\(\.\.\., 2, T\)"):
        norm(np.zeros((3, 4, 5)))


def test_stratified_split_holds_out_each_class() -> None:
    from lava_sd.data import stratified_split

    y = np.repeat(["a", "b", "c"], [10, 20, 5])
    keep, held = stratified_split(y, 0.2, seed=3)
    assert len(np.intersect1d(keep, held)) == 0 and len(keep) + len(held) == len(y)
    assert [int((y[held] == c).sum()) for c in "abc"] == [2, 4, 1]
    np.testing.assert_array_equal(held, stratified_split(y, 0.2, seed=3)[1])
    assert not np.array_equal(held, stratified_split(y, 0.2, seed=4)[1])
    with pytest.raises(ParameterError, match="fraction"):
        stratified_split(y, 1.0)
    with pytest.raises(ParameterError, match="leaves none"):
        stratified_split(["a", "b", "b", "b"], 0.5)
