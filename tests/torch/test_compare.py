"""``compare``: its figures against predict / evaluate run backend by backend, the identity
accuracy_b - accuracy_ref = (gained - lost) / N, the plot, and bad arguments refused before any
simulation starts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import lava_sd
from lava_sd.checks import ParameterError
from lava_sd.data import load_spoken_digits
from lava_sd.torch import compare as compare_module
from lava_sd.torch.compare import compare
from lava_sd.weights import shipped

N = 40  # the shipped spiking LSTM predicts sample 6 differently in Lava fixed than in torch


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, lengths, y = load_spoken_digits(seed=0, normalize=False).test.padded()
    return x[:N, :, : lengths[:N].max()], lengths[:N], y[:N]


@pytest.fixture(scope="module")
def model() -> lava_sd.Classifier:
    return lava_sd.load(shipped("audio_digits_spiking_lstm"))


@pytest.fixture(scope="module")
def result(model: lava_sd.Classifier, digits: tuple) -> object:
    x, lengths, y = digits
    return model.compare(x, y, lengths, backends=("torch", "fixed", "torch-fixed"))


def test_figures_equal_the_backends_run_one_by_one(
    model: lava_sd.Classifier, digits: tuple, result: object
) -> None:
    x, lengths, y = digits
    torch_pred = model.predict(x, lengths)
    fixed = model.evaluate(x, y, lengths, backend="fixed")
    np.testing.assert_array_equal(result.predictions["torch"], torch_pred)
    assert result.accuracy()["fixed"] == fixed["accuracy"]
    assert result.overflow_steps["fixed"] == fixed["overflow_steps"]
    assert result.overflow_steps["torch"] is None
    fixed_pred = result.predictions["fixed"]
    assert result.agreement()["fixed"] == float((fixed_pred == torch_pred).mean())
    moved = result.disagreements("fixed")
    np.testing.assert_array_equal(moved, np.flatnonzero(fixed_pred != torch_pred))
    assert moved.size > 0  # this model and these samples do disagree (sample 6)
    np.testing.assert_array_equal(result.logits["torch-fixed"], result.logits["fixed"])
    assert result.logit_error()["torch"] == 0.0 and result.logit_error()["fixed"] > 0.0


def test_lost_and_gained_account_for_the_accuracy_change(result: object) -> None:
    accuracy = result.accuracy()
    for backend, (lost, gained) in result.lost_and_gained().items():
        change = (gained - lost) / len(result.labels)
        assert accuracy[backend] - accuracy["torch"] == pytest.approx(change, abs=1e-12)
    summary = result.summary()
    assert summary["reference"] == "torch" and summary["n"] == N
    assert summary["backends"]["fixed"]["disagreements"] == result.disagreements("fixed").tolist()
    table = result.table()
    assert table.splitlines()[0].split()[:3] == ["backend", "agree", "logit"]
    assert len(table.splitlines()) == 2 + len(result.backends)


def test_reference_and_labels_are_optional(
    model: lava_sd.Classifier, digits: tuple, tmp_path: Path
) -> None:
    x, lengths, _ = digits
    unlabelled = compare(model, x[:8], None, lengths[:8], backends=("float", "torch"),
                         reference="torch")  # fmt: skip
    assert unlabelled.backends == ("torch", "float") and unlabelled.labels is None
    assert "accuracy" not in unlabelled.summary()["backends"]["float"]
    with pytest.raises(ParameterError, match="without labels"):
        unlabelled.accuracy()
    with pytest.raises(ParameterError, match="no backend 'fixed'"):
        unlabelled.disagreements("fixed")
    unlabelled.plot(tmp_path / "compare.png")
    assert (tmp_path / "compare.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("backends", "reference", "match"),
    [
        (("torch",), None, "two or more"),
        (("fixed", "fixed"), None, "two or more"),
        (("torch", "loihi"), None, "unknown backend"),
        (("torch", "fixed"), "float", "not among the backends"),
    ],
)
def test_bad_backends_are_refused(
    model: lava_sd.Classifier,
    digits: tuple,
    backends: tuple,
    reference: str | None,
    match: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    never_run(monkeypatch)
    x, lengths, y = digits
    with pytest.raises(ParameterError, match=match):
        compare(model, x, y, lengths, backends=backends, reference=reference)


def never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any backend run fail the test: what is refused must be refused before one starts."""

    def run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a backend ran before the arguments were refused")

    monkeypatch.setattr(compare_module, "prepared_logits", run)


def test_labels_and_batch_size_are_checked_before_running(
    model: lava_sd.Classifier, digits: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_run(monkeypatch)
    x, lengths, y = digits
    with pytest.raises(ParameterError, match="40 inputs but 3 labels"):
        compare(model, x, y[:3], lengths)
    with pytest.raises(ParameterError, match="batch_size must be a positive integer"):
        compare(model, x, y, lengths, backends=("torch", "fixed"), batch_size=0)
