"""Predicted value per account (SPEC §10): BG/NBD + Gamma-Gamma maximum-likelihood fits and scoring.

The likelihoods, the optimiser and the conditional expectations are those of `lifetimes` 0.11.3 (pinned:
it is no longer maintained, so pytests/test_clv.py checks it against the published fits and against
closed forms computed independently). This module adds what a warehouse needs around it:

- the input is one row per account with integer day counts (`frequency`, `recency_days`, `age_days`) and
  the mean value of its repeat purchase days (`monetary_value`), as SQL computes them
  (models/intermediate/clv/int_customers_clv_summarized.sql); weeks are days / 7 (SPEC §10);
- the fits run on the distinct purchase patterns with a count per pattern (lifetimes' `weights`), which
  gives the same likelihood as one term per account and makes a million accounts cheap;
- determinism: the patterns are sorted, the optimiser starts from lifetimes' fixed point (0.1 on the log
  scale) with fixed settings, so the same input gives bit-identical parameters and predictions;
- no crash: too little history, a fit that does not converge or gives unusable parameters becomes a
  status and a reason in the parameters table, and null predictions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import ConvergenceError

BG_NBD = "bg_nbd"
GAMMA_GAMMA = "gamma_gamma"
PARAMETERS = {BG_NBD: ("r", "alpha", "a", "b"), GAMMA_GAMMA: ("p", "q", "v")}

FITTED = "fitted"
TOO_LITTLE_HISTORY = "too_little_history"
DID_NOT_CONVERGE = "did_not_converge"
UNUSABLE = "unusable"

PARAMETER_COLUMNS = ["model", "parameter", "parameter_order", "value", "log_likelihood", "accounts_fitted",
                     "status", "reason"]  # fmt: skip
SCORE_COLUMNS = ["customer_id", "p_alive", "expected_purchases", "expected_purchase_value"]


@dataclass(frozen=True)
class ClvSettings:
    """The SPEC §10 knobs the fit and the scoring need (validated by seg_var in dbt)."""

    horizon_weeks: float = 52.0
    min_accounts: int = 20
    max_iterations: int = 1000


@dataclass(frozen=True)
class ModelFit:
    """One model's outcome: parameters (None unless fitted), log-likelihood, accounts, status, reason."""

    model: str
    params: dict[str, float] | None
    log_likelihood: float | None
    accounts_fitted: int
    status: str
    reason: str


def weeks(days: pd.Series | np.ndarray) -> np.ndarray:
    """Days as weeks (SPEC §10: days / 7), as float64."""
    return np.asarray(days, dtype="float64") / 7.0


def _patterns(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The distinct rows of `columns` with their count (`weights`), sorted, so the fit is deterministic."""
    frame = pd.DataFrame(columns)
    names = list(columns)
    grouped = frame.groupby(names, sort=True).size().reset_index(name="weights")
    return grouped.sort_values(names, kind="mergesort").reset_index(drop=True)


def bg_nbd_log_likelihood(params: dict[str, float], frequency, recency, age, weights=None) -> float:
    """BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6, every term), summed over the accounts."""
    frequency = np.asarray(frequency, dtype="float64")
    weights = np.ones_like(frequency) if weights is None else np.asarray(weights, dtype="float64")
    log_params = np.log([params[name] for name in PARAMETERS[BG_NBD]])
    mean_negative = BetaGeoFitter._negative_log_likelihood(
        log_params, frequency, np.asarray(recency, dtype="float64"), np.asarray(age, dtype="float64"), weights, 0.0
    )
    return float(-mean_negative * weights.sum())


def gamma_gamma_log_likelihood(params: dict[str, float], frequency, monetary_value, weights=None) -> float:
    """Gamma-Gamma log-likelihood of the mean spend (Fader & Hardie 2013, every term), summed."""
    frequency = np.asarray(frequency, dtype="float64")
    weights = np.ones_like(frequency) if weights is None else np.asarray(weights, dtype="float64")
    log_params = np.log([params[name] for name in PARAMETERS[GAMMA_GAMMA]])
    mean_negative = GammaGammaFitter._negative_log_likelihood(
        log_params, frequency, np.asarray(monetary_value, dtype="float64"), weights, 0.0
    )
    return float(-mean_negative * weights.sum())


def _usable(params: dict[str, float]) -> bool:
    return all(math.isfinite(value) and value > 0 for value in params.values())


def fit_bg_nbd(summary: pd.DataFrame, settings: ClvSettings) -> ModelFit:
    """BG/NBD r, alpha (weeks), a, b by maximum likelihood over every account of `summary`."""
    accounts = len(summary)
    repeat_accounts = int((summary["frequency"] > 0).sum())
    if repeat_accounts < settings.min_accounts:
        return ModelFit(BG_NBD, None, None, accounts, TOO_LITTLE_HISTORY,
                        f"{repeat_accounts} accounts with frequency > 0, fewer than clv_min_accounts "
                        f"= {settings.min_accounts}: too little history to fit")  # fmt: skip
    patterns = _patterns(
        {
            "frequency": summary["frequency"].to_numpy(dtype="int64"),
            "recency_days": summary["recency_days"].to_numpy(dtype="int64"),
            "age_days": summary["age_days"].to_numpy(dtype="int64"),
        }
    )
    frequency = patterns["frequency"].to_numpy()
    recency = weeks(patterns["recency_days"])
    age = weeks(patterns["age_days"])
    weights = patterns["weights"].to_numpy()
    if not (age > 0).any():
        return ModelFit(BG_NBD, None, None, accounts, TOO_LITTLE_HISTORY,
                        "every account's first purchase day is as_of_date (age 0): nothing to fit")  # fmt: skip
    try:
        fitter = BetaGeoFitter(penalizer_coef=0.0).fit(
            frequency, recency, age, weights=weights, maxiter=settings.max_iterations
        )
    except (ConvergenceError, ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
        return ModelFit(BG_NBD, None, None, accounts, DID_NOT_CONVERGE, _reason(error, settings))
    params = {name: float(fitter.params_[name]) for name in PARAMETERS[BG_NBD]}
    if not _usable(params):
        return ModelFit(BG_NBD, None, None, accounts, DID_NOT_CONVERGE,
                        f"the optimiser ended at non-finite or non-positive parameters {params}")  # fmt: skip
    log_likelihood = bg_nbd_log_likelihood(params, frequency, recency, age, weights)
    return ModelFit(BG_NBD, params, log_likelihood, accounts, FITTED, "fitted by maximum likelihood")


def fit_gamma_gamma(summary: pd.DataFrame, settings: ClvSettings) -> ModelFit:
    """Gamma-Gamma p, q, v over the accounts with frequency > 0 and monetary_value > 0."""
    monetary = pd.to_numeric(summary["monetary_value"], errors="coerce").astype("float64")
    eligible = (summary["frequency"] > 0).to_numpy() & (monetary > 0).to_numpy()
    accounts = int(eligible.sum())
    repeat_accounts = int((summary["frequency"] > 0).sum())
    if repeat_accounts < settings.min_accounts:
        return ModelFit(GAMMA_GAMMA, None, None, accounts, TOO_LITTLE_HISTORY,
                        f"{repeat_accounts} accounts with frequency > 0, fewer than clv_min_accounts "
                        f"= {settings.min_accounts}: too little history to fit")  # fmt: skip
    if accounts < settings.min_accounts:
        return ModelFit(GAMMA_GAMMA, None, None, accounts, TOO_LITTLE_HISTORY,
                        f"{accounts} accounts with frequency > 0 and monetary_value > 0, fewer than "
                        f"clv_min_accounts = {settings.min_accounts}")  # fmt: skip
    patterns = _patterns(
        {
            "frequency": summary["frequency"].to_numpy(dtype="int64")[eligible],
            "monetary_value": monetary.to_numpy()[eligible],
        }
    )
    frequency = patterns["frequency"].to_numpy(dtype="float64")
    monetary_value = patterns["monetary_value"].to_numpy()
    weights = patterns["weights"].to_numpy()
    try:
        fitter = GammaGammaFitter(penalizer_coef=0.0).fit(
            frequency, monetary_value, weights=weights, maxiter=settings.max_iterations
        )
    except (ConvergenceError, ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
        return ModelFit(GAMMA_GAMMA, None, None, accounts, DID_NOT_CONVERGE, _reason(error, settings))
    params = {name: float(fitter.params_[name]) for name in PARAMETERS[GAMMA_GAMMA]}
    if not _usable(params):
        return ModelFit(GAMMA_GAMMA, None, None, accounts, DID_NOT_CONVERGE,
                        f"the optimiser ended at non-finite or non-positive parameters {params}")  # fmt: skip
    log_likelihood = gamma_gamma_log_likelihood(params, frequency, monetary_value, weights)
    if params["q"] <= 1:
        return ModelFit(GAMMA_GAMMA, params, log_likelihood, accounts, UNUSABLE,
                        f"q = {params['q']:.6g} <= 1: the population mean spend p * v / (q - 1) is not "
                        "finite, so no purchase value is predicted")  # fmt: skip
    return ModelFit(GAMMA_GAMMA, params, log_likelihood, accounts, FITTED, "fitted by maximum likelihood")


def _reason(error: Exception, settings: ClvSettings) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the optimiser did not converge within clv_max_iterations = {settings.max_iterations}: {first_line}"


def fit(summary: pd.DataFrame, settings: ClvSettings) -> tuple[ModelFit, ModelFit]:
    """Both models' fits on one summary (one row per account with a purchase day)."""
    return fit_bg_nbd(summary, settings), fit_gamma_gamma(summary, settings)


def parameters_frame(fits: tuple[ModelFit, ...]) -> pd.DataFrame:
    """One row per model and parameter (SPEC §10 `clv_model_parameters`); value null unless fitted."""
    rows = []
    for model_fit in fits:
        for order, name in enumerate(PARAMETERS[model_fit.model], start=1):
            value = model_fit.params[name] if model_fit.params is not None else None
            rows.append([model_fit.model, name, order, value, model_fit.log_likelihood, model_fit.accounts_fitted,
                         model_fit.status, model_fit.reason])  # fmt: skip
    frame = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    frame["log_likelihood"] = frame["log_likelihood"].astype("float64")
    frame["accounts_fitted"] = frame["accounts_fitted"].astype("int64")
    frame["parameter_order"] = frame["parameter_order"].astype("int64")
    return frame


def fits_from_parameters(parameters: pd.DataFrame) -> dict[str, dict[str, float] | None]:
    """The usable parameters per model from a `parameters_frame` (None for a model not `fitted`)."""
    result: dict[str, dict[str, float] | None] = {}
    for model, names in PARAMETERS.items():
        rows = parameters[parameters["model"] == model]
        if len(rows) != len(names) or set(rows["status"]) != {FITTED}:
            result[model] = None
            continue
        result[model] = {row.parameter: float(row.value) for row in rows.itertuples()}
    return result


def p_alive(params: dict[str, float], frequency, recency, age) -> np.ndarray:
    """BG/NBD P(alive at the end of the calibration period | x, t_x, T) (1 for frequency 0)."""
    fitter = _bg_nbd(params)
    return np.asarray(fitter.conditional_probability_alive(np.asarray(frequency), recency, age), dtype="float64")


def expected_purchases(params: dict[str, float], horizon_weeks: float, frequency, recency, age) -> np.ndarray:
    """BG/NBD E[purchases in (T, T + horizon] | x, t_x, T] (FHL 2005 eq. 10)."""
    fitter = _bg_nbd(params)
    values = fitter.conditional_expected_number_of_purchases_up_to_time(
        horizon_weeks, np.asarray(frequency, dtype="float64"), recency, age
    )
    return np.asarray(values, dtype="float64")


def expected_purchase_value(params: dict[str, float], frequency, monetary_value) -> np.ndarray:
    """Gamma-Gamma E[value of a purchase day | x, m]; the population mean p v / (q - 1) without a positive m."""
    p, q, v = (params[name] for name in PARAMETERS[GAMMA_GAMMA])
    frequency = np.asarray(frequency, dtype="float64")
    monetary_value = np.asarray(monetary_value, dtype="float64")
    population_mean = p * v / (q - 1)
    has_spend = (frequency > 0) & np.isfinite(monetary_value) & (monetary_value > 0)
    weight = np.where(has_spend, p * frequency / (p * frequency + q - 1), 0.0)
    spend = np.where(has_spend, monetary_value, 0.0)
    return (1 - weight) * population_mean + weight * spend


def _bg_nbd(params: dict[str, float]) -> BetaGeoFitter:
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series([params[name] for name in PARAMETERS[BG_NBD]], index=list(PARAMETERS[BG_NBD]))
    return fitter


def _finite_or_none(values: np.ndarray) -> pd.Series:
    series = pd.Series(values, dtype="float64")
    return series.where(np.isfinite(series), other=np.nan)


def score(summary: pd.DataFrame, parameters: pd.DataFrame, settings: ClvSettings) -> pd.DataFrame:
    """Per account: p_alive, expected_purchases (next horizon_weeks), expected_purchase_value; NaN (null)
    where the model they need is not fitted. Sorted by customer_id."""
    summary = summary.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    fits = fits_from_parameters(parameters)
    frequency = summary["frequency"].to_numpy(dtype="float64")
    recency = weeks(summary["recency_days"])
    age = weeks(summary["age_days"])
    monetary = pd.to_numeric(summary["monetary_value"], errors="coerce").to_numpy(dtype="float64")
    nothing = np.full(len(summary), np.nan)
    bg_nbd_params = fits[BG_NBD]
    gamma_gamma_params = fits[GAMMA_GAMMA]
    with np.errstate(all="ignore"):
        alive = p_alive(bg_nbd_params, frequency, recency, age) if bg_nbd_params and len(summary) else nothing
        purchases = (
            expected_purchases(bg_nbd_params, settings.horizon_weeks, frequency, recency, age)
            if bg_nbd_params and len(summary)
            else nothing
        )
        value = (
            expected_purchase_value(gamma_gamma_params, frequency, monetary)
            if gamma_gamma_params and bg_nbd_params and len(summary)
            else nothing
        )
    return pd.DataFrame(
        {
            "customer_id": summary["customer_id"].astype("object"),
            "p_alive": _finite_or_none(alive),
            "expected_purchases": _finite_or_none(purchases),
            "expected_purchase_value": _finite_or_none(value),
        },
        columns=SCORE_COLUMNS,
    )
