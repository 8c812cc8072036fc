"""Cluster scoring (DESIGN.md §5.4): a scikit-learn style estimator with transparent weights.

:class:`ClusterScorer` turns feature rows into scores in [0, 1]. Unsupervised (the default)
it is a weighted mean of saturating transforms whose weights live in the versioned
``weights.yaml`` beside this module, so every score splits exactly into per-feature
contributions. Where a force has outcome labels (e.g. confirmed OCGs), ``fit(X, y)`` learns a
logistic regression on the same transformed features with cross-validated probability
calibration; the score is then shared among the features that raise it, in proportion to
their terms in the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sklearn.base import BaseEstimator

from ocgmap.analysis.features import FEATURES
from ocgmap.errors import AnalysisError, InputError
from ocgmap.schema import BandScheme

__all__ = [
    "Banding",
    "ClusterScorer",
    "FeatureWeight",
    "Weights",
    "load_weights",
    "recommend_band",
]

FeatureRows = Sequence[Mapping[str, float]] | NDArray[np.float64]


class FeatureWeight(BaseModel):
    """How one feature scores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: float = Field(ge=0.0)
    half: float = Field(gt=0.0, description="the value (after offset) that scores 0.5")
    offset: float = 0.0
    direction: Literal["up", "down"] = "up"

    def transform(self, x: float) -> float:
        """Map a feature value into [0, 1]."""
        if self.direction == "down":
            return self.half / (max(x, 0.0) + self.half)
        shifted = max(0.0, x - self.offset)
        return shifted / (shifted + self.half)


class Banding(BaseModel):
    """Score thresholds of the band recommendation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    floor: float = Field(ge=0.0, le=1.0)
    top: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Banding:
        if self.floor >= self.top:
            raise ValueError("banding.floor must be below banding.top")
        return self


class Weights(BaseModel):
    """A weights file: version, one entry per feature, banding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    name: str = ""
    features: dict[str, FeatureWeight]
    banding: Banding

    @model_validator(mode="after")
    def _known(self) -> Weights:
        unknown = sorted(set(self.features) - set(FEATURES))
        if unknown:
            raise ValueError(f"unknown features {unknown}; known: {sorted(FEATURES)}")
        if not any(f.weight > 0 for f in self.features.values()):
            raise ValueError("at least one feature needs a weight above 0")
        return self


def load_weights(path: Path | str | None = None) -> Weights:
    """Read a weights file, or the shipped default.

    Examples
    --------
    >>> w = load_weights()
    >>> w.features["detections"].weight > 0, w.version != ""
    (True, True)
    """
    where = str(path) if path else "weights.yaml (shipped)"
    try:
        if path is None:
            text = resources.files(__package__).joinpath("weights.yaml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read the weights file {where}: {exc.strerror}") from exc
    try:
        return Weights.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{where} is not a valid weights file: {exc}") from exc


def recommend_band(score: float, scheme: BandScheme, banding: Banding) -> str:
    """The band a score recommends in ``scheme`` (``scheme.ungraded`` below the floor).

    Examples
    --------
    >>> from ocgmap.schema import load_bands
    >>> scheme, banding = load_bands(), Banding(floor=0.2, top=0.8)
    >>> recommend_band(0.9, scheme, banding), recommend_band(0.1, scheme, banding)
    ('1A', 'UNGRADED')
    >>> recommend_band(0.5, scheme, banding)
    '2C'
    """
    if score < banding.floor:
        return scheme.ungraded
    n = len(scheme.bands)
    share = (banding.top - score) / (banding.top - banding.floor)
    index = min(n - 1, max(0, math.floor(share * n)))
    return scheme.bands[index]


class ClusterScorer(BaseEstimator):  # type: ignore[misc]
    """Score clusters from their features.

    Parameters
    ----------
    weights : Weights, str, Path or None
        Weights to use; ``None`` reads the shipped ``weights.yaml``.
    calibration_folds : int
        Cross-validation folds for the probability calibration of a supervised ``fit``.
    random_state : int
        Seed of the supervised model.

    Examples
    --------
    >>> scorer = ClusterScorer().fit([])
    >>> quiet = {name: 0.0 for name in scorer.feature_names_}
    >>> busy = dict(quiet, detections=6, entrants=60, graded_intelligence=1.0)
    >>> low, high = scorer.score_samples([quiet, busy])
    >>> bool(low < high), bool(0.0 <= low <= 1.0)
    (True, True)
    """

    def __init__(
        self,
        weights: Weights | str | Path | None = None,
        calibration_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        self.weights = weights
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    # -- estimator API --------------------------------------------------------------------

    def fit(self, X: FeatureRows, y: Sequence[int] | None = None) -> ClusterScorer:
        """Set up the scorer; with labels ``y`` also learn a calibrated model.

        Parameters
        ----------
        X : sequence of mappings, or array
            Feature rows (mappings by feature name, or an array in ``feature_names_`` order).
        y : sequence of int, optional
            1 for a confirmed organised crime group, 0 otherwise.
        """
        weights = self.weights
        self.weights_ = weights if isinstance(weights, Weights) else load_weights(weights)
        self.feature_names_ = list(self.weights_.features)
        self.model_: Any = None
        if y is None:
            return self
        labels = np.asarray(list(y), dtype=int)
        matrix = self.transform(X)
        if len(labels) != len(matrix):
            raise AnalysisError(f"fit got {len(matrix)} feature rows but {len(labels)} labels")
        counts = np.bincount(labels, minlength=2)
        if len(counts) > 2 or counts.min() < self.calibration_folds:
            raise AnalysisError(
                "A supervised fit needs labels 0 and 1, each at least "
                f"{self.calibration_folds} times (calibration_folds). Got {counts.tolist()}."
            )
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        base = LogisticRegression(max_iter=1000, random_state=self.random_state)
        model = CalibratedClassifierCV(base, cv=self.calibration_folds, method="sigmoid")
        model.fit(matrix, labels)
        self.model_ = model
        self.linear_ = LogisticRegression(max_iter=1000, random_state=self.random_state)
        self.linear_.fit(matrix, labels)
        return self

    def _check(self) -> None:
        if not hasattr(self, "weights_"):
            raise AnalysisError("ClusterScorer is not fitted: call fit() first (fit([]) is fine)")

    def _matrix(self, X: FeatureRows) -> NDArray[np.float64]:
        self._check()
        if isinstance(X, np.ndarray):
            raw = np.asarray(X, dtype=float)
            if raw.ndim != 2 or raw.shape[1] != len(self.feature_names_):
                raise AnalysisError(
                    f"Expected rows of {len(self.feature_names_)} features "
                    f"({', '.join(self.feature_names_)}); got shape {raw.shape}"
                )
            return raw
        rows = list(X)
        return np.array(
            [[float(row.get(n, 0.0)) for n in self.feature_names_] for row in rows],
            dtype=float,
        ).reshape(len(rows), len(self.feature_names_))

    def transform(self, X: FeatureRows) -> NDArray[np.float64]:
        """Each feature mapped into [0, 1] as the weights file says."""
        raw = self._matrix(X)
        specs = [self.weights_.features[n] for n in self.feature_names_]
        out = np.empty_like(raw)
        for j, spec in enumerate(specs):
            out[:, j] = [spec.transform(x) for x in raw[:, j]]
        return out

    def contributions(self, X: FeatureRows) -> NDArray[np.float64]:
        """Per-feature contributions; each row adds up to that row's score."""
        t = self.transform(X)
        if self.model_ is None:
            w = np.array([self.weights_.features[n].weight for n in self.feature_names_])
            return np.asarray(t * w / w.sum(), dtype=float)
        # Supervised: the features that raise the score share it in proportion to their
        # terms in the model (those that lower it get nothing); no raising term, equal shares.
        raising = np.clip(t * self.linear_.coef_[0], 0.0, None)
        scores = self.model_.predict_proba(t)[:, 1]
        total = raising.sum(axis=1, keepdims=True)
        even = np.full_like(raising, 1.0 / raising.shape[1])
        share = np.where(total > 0, raising / np.where(total > 0, total, 1.0), even)
        return np.asarray(share * scores[:, None], dtype=float)

    def score_samples(self, X: FeatureRows) -> NDArray[np.float64]:
        """Scores in [0, 1], higher = a stronger case that the cluster is organised crime."""
        t = self.transform(X)
        if self.model_ is None:
            w = np.array([self.weights_.features[n].weight for n in self.feature_names_])
            return np.asarray(np.clip(t @ w / w.sum(), 0.0, 1.0), dtype=float)
        return np.asarray(self.model_.predict_proba(t)[:, 1], dtype=float)
