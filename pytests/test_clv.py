"""SPEC §10 predicted value (BG/NBD + Gamma-Gamma) and the SPEC §11 CDNOW source.

- the fit against the published figures on the CDNOW 1/10 sample shipped in lifetimes (every record a
  purchase, as the literature counts), and through the project's own staging (SPEC §10's second set);
- the log-likelihoods and the per-account predictions against closed forms written here independently
  (scipy.special.gammaln and a plain series for the Gauss hypergeometric function), at fixed parameters;
- too little history, a fit that does not converge, and clv_enabled false: null predictions, churn_risk
  `unknown`, the parameters table says why, dim_customers still builds;
- determinism (a rebuild gives identical marts) and the out-of-sample check on the full CDNOW file
  (calibrate to 1997-09-30, predict the next 39 weeks, compare with the actual purchase days).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import lifetimes
import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

from conftest import Build
from segmentation import clv

SAMPLE = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
CALIBRATION_END = pd.Timestamp("1997-09-30")
PUBLISHED_BG_NBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LOG_LIKELIHOOD = -9582.4
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
# SPEC §10: the sample under the purchase-line rule ($0 records are not purchases)
SPEC_BG_NBD_PURCHASE_LINES = {"r": 0.2439, "alpha": 4.4224, "a": 0.7925, "b": 2.4229}


def decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def assert_published(fitted: dict[str, float], published: dict[str, float]) -> None:
    """Each estimate rounds to the published figure at the published number of digits."""
    for name, figure in published.items():
        assert round(fitted[name], decimals(figure)) == figure, (name, fitted[name], figure)


def read_sample() -> pd.DataFrame:
    """The 1/10 sample: master customer id, new id, YYYYMMDD date, CDs, dollar value."""
    frame = pd.read_csv(SAMPLE, sep=r"\s+", header=None, names=["customer_id", "new_id", "date", "cds", "value"],
                        dtype={"customer_id": str, "new_id": str, "date": str})  # fmt: skip
    return frame


def summarize(records: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """SPEC §10 summary in pandas (independent of the SQL): purchase days up to `end`, their counts."""
    records = records.assign(day=pd.to_datetime(records["date"], format="%Y%m%d"))
    days = records[records["day"] <= end].groupby(["customer_id", "day"], as_index=False)["value"].sum()
    days = days.sort_values(["customer_id", "day"])
    grouped = days.groupby("customer_id")
    first, last = grouped["day"].min(), grouped["day"].max()
    count, total, first_value = grouped.size(), grouped["value"].sum(), grouped["value"].first()
    frequency = count - 1
    return pd.DataFrame(
        {
            "customer_id": first.index,
            "frequency": frequency.to_numpy(),
            "recency_days": (last - first).dt.days.to_numpy(),
            "age_days": (end - first).dt.days.to_numpy(),
            "monetary_value": np.where(frequency > 0, (total - first_value) / frequency.clip(lower=1), np.nan),
        }
    )


# --- the literature, through segmentation.clv -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_fits() -> tuple[clv.ModelFit, clv.ModelFit]:
    return clv.fit(summarize(read_sample(), CALIBRATION_END), clv.ClvSettings())


def test_published_fit_on_the_cdnow_sample_every_record_a_purchase(sample_fits) -> None:
    bg_nbd, gamma_gamma = sample_fits
    assert bg_nbd.status == gamma_gamma.status == clv.FITTED
    assert bg_nbd.accounts_fitted == 2357
    assert_published(bg_nbd.params, PUBLISHED_BG_NBD)
    assert round(bg_nbd.log_likelihood, 1) == PUBLISHED_LOG_LIKELIHOOD
    assert gamma_gamma.accounts_fitted == 946
    assert_published(gamma_gamma.params, PUBLISHED_GAMMA_GAMMA)


def test_fit_on_patterns_equals_lifetimes_fit_per_account() -> None:
    """Fitting the distinct patterns with weights = lifetimes' plain per-account fit (daily, / 7)."""
    summary = summarize(read_sample(), CALIBRATION_END)
    bg_nbd = lifetimes.BetaGeoFitter().fit(summary["frequency"], summary["recency_days"] / 7, summary["age_days"] / 7)
    ours = clv.fit_bg_nbd(summary, clv.ClvSettings())
    for name in clv.PARAMETERS[clv.BG_NBD]:
        assert ours.params[name] == pytest.approx(bg_nbd.params_[name], rel=1e-5)
    repeat = summary[summary["frequency"] > 0]
    gamma_gamma = lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    ours_gg = clv.fit_gamma_gamma(summary, clv.ClvSettings())
    for name in clv.PARAMETERS[clv.GAMMA_GAMMA]:
        assert ours_gg.params[name] == pytest.approx(gamma_gamma.params_[name], rel=1e-5)


# --- closed forms, computed independently -------------------------------------------------------------------


def hyp2f1_series(a: float, b: float, c: float, z: float) -> float:
    """Gauss 2F1(a, b; c; z) by its power series (|z| < 1)."""
    term, total, n = 1.0, 1.0, 0
    while abs(term) > 1e-17 * abs(total):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
        assert n < 100_000
    return total


def bg_nbd_ll_closed_form(r, alpha, a, b, x, t_x, big_t) -> float:
    """Fader, Hardie & Lee (2005) eq. 6 for one account."""
    log_a1 = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    log_a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = (alpha + big_t) ** -(r + x)
    a4 = (a / (b + x - 1)) * (alpha + t_x) ** -(r + x) if x > 0 else 0.0
    return float(log_a1 + log_a2 + math.log(a3 + a4))


def gamma_gamma_ll_closed_form(p, q, v, x, m) -> float:
    """Fader & Hardie (2013) density of the mean spend m over x transactions, log."""
    return float(
        gammaln(p * x + q) - gammaln(p * x) - gammaln(q)
        + q * math.log(v) + (p * x - 1) * math.log(m) + p * x * math.log(x) - (p * x + q) * math.log(v + m * x)
    )  # fmt: skip


def p_alive_closed_form(r, alpha, a, b, x, t_x, big_t) -> float:
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + (a / (b + x - 1)) * ((alpha + big_t) / (alpha + t_x)) ** (r + x))


def expected_purchases_closed_form(r, alpha, a, b, x, t_x, big_t, t) -> float:
    """FHL 2005 eq. 10."""
    hyp = hyp2f1_series(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp)
    return numerator / (1 + (x > 0) * (a / (b + x - 1)) * ((alpha + big_t) / (alpha + t_x)) ** (r + x))


FIXED_BG_NBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
FIXED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
# (frequency, recency_days, age_days, monetary_value)
FIXTURE = [(0, 0, 273, None), (1, 14, 273, 20.0), (2, 210, 270, 35.5), (5, 63, 260, 12.25), (12, 259, 266, 80.0)]


def fixture_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(FIXTURE))],
            "frequency": [row[0] for row in FIXTURE],
            "recency_days": [row[1] for row in FIXTURE],
            "age_days": [row[2] for row in FIXTURE],
            "monetary_value": [row[3] for row in FIXTURE],
        }
    )


def fixed_parameters() -> pd.DataFrame:
    fits = (
        clv.ModelFit(clv.BG_NBD, FIXED_BG_NBD, -1.0, 5, clv.FITTED, "fixed"),
        clv.ModelFit(clv.GAMMA_GAMMA, FIXED_GAMMA_GAMMA, -1.0, 4, clv.FITTED, "fixed"),
    )
    return clv.parameters_frame(fits)


def test_predictions_match_closed_forms_at_fixed_parameters() -> None:
    scored = clv.score(fixture_summary(), fixed_parameters(), clv.ClvSettings(horizon_weeks=52))
    p, q, v = FIXED_GAMMA_GAMMA.values()
    for row, (x, t_x_days, t_days, m) in zip(scored.itertuples(), FIXTURE, strict=True):
        t_x, big_t = t_x_days / 7, t_days / 7
        assert row.p_alive == pytest.approx(p_alive_closed_form(*FIXED_BG_NBD.values(), x, t_x, big_t), rel=1e-12)
        expected = expected_purchases_closed_form(*FIXED_BG_NBD.values(), x, t_x, big_t, 52)
        assert row.expected_purchases == pytest.approx(expected, rel=1e-10)
        value = p * v / (q - 1) if x == 0 else (q - 1) / (p * x + q - 1) * p * v / (q - 1) + p * x / (p * x + q - 1) * m
        assert row.expected_purchase_value == pytest.approx(value, rel=1e-12)
    # by hand, account c1 (x = 1, t_x = 2 weeks, T = 39 weeks): 1 / (1 + 0.793/2.426 * (43.414/6.414)^1.243)
    assert scored.loc[1, "p_alive"] == pytest.approx(1 / (1 + 0.793 / 2.426 * (43.414 / 6.414) ** 1.243), rel=1e-12)
    assert scored.loc[0, "expected_purchase_value"] == pytest.approx(6.25 * 15.44 / 2.74, rel=1e-12)


def test_log_likelihoods_match_closed_forms() -> None:
    summary = fixture_summary()
    weeks_x = [(x, rd / 7, ad / 7) for x, rd, ad, _ in FIXTURE]
    expected = sum(bg_nbd_ll_closed_form(*FIXED_BG_NBD.values(), x, t_x, t) for x, t_x, t in weeks_x)
    ours = clv.bg_nbd_log_likelihood(FIXED_BG_NBD, summary["frequency"], summary["recency_days"] / 7,
                                     summary["age_days"] / 7)  # fmt: skip
    assert ours == pytest.approx(expected, rel=1e-12)
    repeat = [(x, m) for x, _, _, m in FIXTURE if x > 0]
    expected_gg = sum(gamma_gamma_ll_closed_form(*FIXED_GAMMA_GAMMA.values(), x, m) for x, m in repeat)
    ours_gg = clv.gamma_gamma_log_likelihood(FIXED_GAMMA_GAMMA, [x for x, _ in repeat], [m for _, m in repeat])
    assert ours_gg == pytest.approx(expected_gg, rel=1e-12)


def test_too_little_history_and_non_convergence_give_statuses_not_crashes(sample_fits) -> None:
    summary = summarize(read_sample(), CALIBRATION_END)
    few = clv.fit(summary.head(30), clv.ClvSettings(min_accounts=20))
    assert {model_fit.status for model_fit in few} == {clv.TOO_LITTLE_HISTORY}
    assert "fewer than clv_min_accounts = 20" in few[0].reason
    stuck = clv.fit(summary, clv.ClvSettings(max_iterations=1))
    assert {model_fit.status for model_fit in stuck} == {clv.DID_NOT_CONVERGE}
    assert "clv_max_iterations = 1" in stuck[0].reason
    for fits in (few, stuck):
        scored = clv.score(summary, clv.parameters_frame(fits), clv.ClvSettings())
        assert len(scored) == len(summary)
        assert scored[["p_alive", "expected_purchases", "expected_purchase_value"]].isna().all().all()
    empty = clv.fit(summary.head(0), clv.ClvSettings())
    assert {model_fit.status for model_fit in empty} == {clv.TOO_LITTLE_HISTORY}
    assert clv.score(summary.head(0), clv.parameters_frame(empty), clv.ClvSettings()).empty


# --- through dbt: the CDNOW adapter, the marts, the vars ---------------------------------------------------


def parameters(build: Build) -> dict[tuple[str, str], Any]:
    rows = build.query("select model, parameter, value, log_likelihood, accounts_fitted, status, reason"
                       " from marts.clv_model_parameters order by model, parameter_order")  # fmt: skip
    return {(row[0], row[1]): row[2:] for row in rows}


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The lifetimes sample written as a CDNOW file (customer_id,date,number_of_cds,dollar_value), built
    with source cdnow at the literature's calibration end."""
    work = tmp_path_factory.mktemp("clv_sample")
    sample = read_sample()
    path = work / "cdnow_sample.csv"
    sample[["customer_id", "date", "cds", "value"]].rename(
        columns={"cds": "number_of_cds", "value": "dollar_value"}
    ).to_csv(path, index=False)
    build = Build(work, {"source": "cdnow", "cdnow_path": str(path), "as_of_date": "1997-09-30"})
    build.dbt("build")
    return build


def test_spec_figures_through_the_project_staging(sample_build: Build) -> None:
    fitted = parameters(sample_build)
    bg_nbd = {name: fitted[("bg_nbd", name)][0] for name in SPEC_BG_NBD_PURCHASE_LINES}
    assert_published(bg_nbd, SPEC_BG_NBD_PURCHASE_LINES)
    assert {fitted[("bg_nbd", name)][2] for name in bg_nbd} == {2349}
    gamma_gamma = {name: fitted[("gamma_gamma", name)][0] for name in PUBLISHED_GAMMA_GAMMA}
    assert_published(gamma_gamma, PUBLISHED_GAMMA_GAMMA)
    assert {row[3] for row in fitted.values()} == {"fitted"}
    # the 8 customers with only a $0 record by 1997-09-30: in dim_customers without a prediction
    assert sample_build.query(
        "select count(*), count(p_alive), count(*) filter (where churn_risk = 'unknown') from marts.dim_customers"
    ) == [(2357, 2349, 8)]
    assert sample_build.query(
        "select count(*) from marts.dim_customers as d join marts.fct_customer_clv as f using (customer_id)"
        " where d.p_alive is distinct from f.p_alive or d.predicted_revenue is distinct from f.predicted_revenue"
        " or d.churn_risk != f.churn_risk or d.expected_purchases is distinct from f.expected_purchases"
    ) == [(0,)]


def test_marts_agree_with_the_python_scoring(sample_build: Build) -> None:
    """fct_customer_clv = segmentation.clv on the SQL summary with the fitted parameters; churn_risk cuts."""
    rows = sample_build.query(
        "select customer_id, frequency, recency_weeks, age_weeks, monetary_value, p_alive, expected_purchases,"
        " expected_purchase_value, predicted_revenue, churn_risk, horizon_weeks from marts.fct_customer_clv"
        " order by customer_id"
    )
    independent = summarize(read_sample(), CALIBRATION_END)
    independent = independent[independent["customer_id"].isin({row[0] for row in rows})].reset_index(drop=True)
    assert [row[0] for row in rows] == list(independent["customer_id"])
    assert [row[1] for row in rows] == list(independent["frequency"])
    assert [row[2] for row in rows] == pytest.approx(list(independent["recency_days"] / 7), rel=1e-15)
    assert [row[3] for row in rows] == pytest.approx(list(independent["age_days"] / 7), rel=1e-15)
    fitted = parameters(sample_build)
    params = {name: fitted[("bg_nbd", name)][0] for name in clv.PARAMETERS[clv.BG_NBD]}
    gg = {name: fitted[("gamma_gamma", name)][0] for name in clv.PARAMETERS[clv.GAMMA_GAMMA]}
    population_mean = gg["p"] * gg["v"] / (gg["q"] - 1)
    for row, x, t_x, t in zip(rows, independent["frequency"], independent["recency_days"] / 7,
                              independent["age_days"] / 7, strict=True):  # fmt: skip
        assert row[5] == pytest.approx(p_alive_closed_form(*params.values(), x, t_x, t), rel=1e-9)
        expected = expected_purchases_closed_form(*params.values(), x, t_x, t, 52)
        assert row[6] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        if x == 0:
            assert row[4] is None and float(row[7]) == pytest.approx(population_mean, abs=1e-9)
        assert float(row[8]) == pytest.approx(row[6] * float(row[7]), abs=1e-6)
        assert row[9] == ("high" if row[5] < 0.5 else "medium" if row[5] < 0.8 else "low")
    assert {row[10] for row in rows} == {52}


def test_rebuild_gives_identical_marts(sample_build: Build) -> None:
    marts = ("marts.clv_model_parameters", "marts.fct_customer_clv")
    before = {name: sample_build.query(f"select * from {name} order by all") for name in marts}
    sample_build.dbt("run", "--select", "int_customer_purchase_days_aggregated+", "--exclude", "dim_customers+")
    after = {name: sample_build.query(f"select * from {name} order by all") for name in marts}
    assert before == after


def test_non_convergence_and_disabled(sample_build: Build) -> None:
    """Rebuild the CLV models (and dim_customers) on the sample's warehouse with other vars."""
    stuck = Build(sample_build.work_dir, {**sample_build.dbt_vars, "clv_max_iterations": 1})
    stuck.dbt("build", "--select", "int_clv_settings+")
    fitted = parameters(stuck)
    assert {row[3] for row in fitted.values()} == {"did_not_converge"}
    assert all("did not converge within clv_max_iterations = 1" in row[4] for row in fitted.values()), fitted
    assert {row[0] for row in fitted.values()} == {None}
    assert stuck.query(
        "select count(*), count(p_alive), count(expected_purchases), count(predicted_revenue),"
        " count(*) filter (where churn_risk = 'unknown') from marts.fct_customer_clv"
    ) == [(2349, 0, 0, 0, 2349)]
    assert stuck.query(
        "select count(p_alive), count(*) filter (where churn_risk = 'unknown') from marts.dim_customers"
    ) == [(0, 2357)]
    disabled = Build(sample_build.work_dir, {**sample_build.dbt_vars, "clv_enabled": False})
    disabled.dbt("run", "--select", "dim_customers")
    manifest = json.loads((sample_build.work_dir / "target" / "manifest.json").read_text())
    for name in ("int_clv_parameters_fitted", "int_customers_clv_scored", "fct_customer_clv", "clv_model_parameters"):
        assert f"model.segmentation.{name}" in manifest["disabled"]
        assert f"model.segmentation.{name}" not in manifest["nodes"]
    assert disabled.query(
        "select count(*), count(p_alive), count(predicted_revenue), count(*) filter (where churn_risk = 'unknown')"
        " from marts.dim_customers"
    ) == [(2357, 0, 0, 2357)]


# --- out of sample on the full CDNOW file -----------------------------------------------------------------


@pytest.fixture(scope="module")
def holdout(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Full CDNOW file calibrated to 1997-09-30, 39 weeks predicted, compared with 1997-10-01..1998-06-30."""
    build = Build(tmp_path_factory.mktemp("clv_cdnow"), {"source": "cdnow", "as_of_date": "1997-09-30",
                                                          "clv_horizon_weeks": 39})  # fmt: skip
    build.dbt("build", "--select", "+fct_customer_clv", "+clv_model_parameters", "--indirect-selection", "cautious")
    rows = build.query(
        """
        with actual as (
            select customer_id, count(distinct invoice_date) as actual_purchases
            from staging.stg_transactions
            where is_purchase_line and invoice_date > date '1997-09-30' and invoice_date <= date '1997-09-30' + 273
            group by customer_id
        )
        select
            least(clv.frequency, 7) as frequency_group,
            count(*) as accounts,
            sum(coalesce(actual.actual_purchases, 0)) as actual_purchases,
            sum(clv.expected_purchases) as expected_purchases
        from marts.fct_customer_clv as clv
        left join actual using (customer_id)
        group by 1
        order by 1
        """
    )
    return pd.DataFrame(rows, columns=["frequency_group", "accounts", "actual_purchases", "expected_purchases"])


def test_out_of_sample_on_the_full_cdnow_file(holdout: pd.DataFrame) -> None:
    print(holdout.to_string())
    assert holdout["accounts"].sum() == 23500
    total_actual, total_expected = holdout["actual_purchases"].sum(), holdout["expected_purchases"].sum()
    # Measured (docs/clv.md): 19,674 actual vs 16,876 expected purchase days, -14.2 %; lifetimes on the
    # 1/10 sample gives the same picture (-12 %): BG/NBD under-forecasts the light repeat buyers (x = 1, 2)
    # of CDNOW's holdout and tracks the heavier ones. The bounds guard that picture, with room for
    # optimiser digits: a broken summary or scoring (weeks vs days, a wrong horizon) moves these by far more.
    assert total_actual == 19674
    assert -0.20 < (total_expected - total_actual) / total_actual < -0.08
    errors = (holdout["expected_purchases"] - holdout["actual_purchases"]) / holdout["actual_purchases"]
    heavy = holdout["frequency_group"] >= 3
    assert errors[heavy].abs().max() < 0.15, holdout
    assert errors.abs().max() < 0.40, holdout


def test_cdnow_adapter_stages_every_record(tmp_path: Path) -> None:
    """A malformed CDNOW file: the bad records are quarantined with their reason, none lost."""
    path = tmp_path / "cdnow.csv"
    path.write_text(
        "customer_id,date,number_of_cds,dollar_value\n"
        "00001,19970101,1,11.77\n00001,19970230,1,5\n,19970105,2,3\n00002,1997-01-05,1,2\n00003,19970110,1,abc\n"
        "00003,19970110,1,0\n00003,19970110,1,0\n"
    )
    build = Build(tmp_path / "build", {"source": "cdnow", "cdnow_path": str(path)})
    build.work_dir.mkdir()
    build.dbt("build")
    assert build.query("select source_row_number, reason from audit.rejected_transactions order by 1") == [
        (2, "invalid_date"), (3, "missing_customer"), (5, "invalid_number"),
    ]  # fmt: skip
    assert build.query(
        "select invoice_id, line_number, customer_id, cast(invoice_date as varchar), product_id,"
        " cast(quantity as double), cast(unit_price as double), currency, is_purchase_line"
        " from staging.stg_transactions order by source_row_number"
    ) == [
        ("00001-19970101-1", 1, "00001", "1997-01-01", "CD", 1.0, 11.77, "USD", True),
        ("00002-1997-01-05-4", 4, "00002", "1997-01-05", "CD", 1.0, 2.0, "USD", True),
        ("00003-19970110-6", 6, "00003", "1997-01-10", "CD", 1.0, 0.0, "USD", False),
        ("00003-19970110-7", 7, "00003", "1997-01-10", "CD", 1.0, 0.0, "USD", False),
    ]
    # (an ISO date is a date too: staged.) Two accounts with a purchase day, none with frequency > 0: too
    # little history, no crash
    fitted = parameters(build)
    assert {row[3] for row in fitted.values()} == {"too_little_history"}
    assert "0 accounts with frequency > 0, fewer than clv_min_accounts = 20" in fitted[("bg_nbd", "r")][4]
    assert build.query("select customer_id, churn_risk, p_alive from marts.dim_customers order by 1") == [
        ("00001", "unknown", None), ("00002", "unknown", None), ("00003", "unknown", None),
    ]  # fmt: skip
    missing = Build(tmp_path / "missing", {"source": "cdnow", "cdnow_path": str(tmp_path / "nope.csv")})
    missing.work_dir.mkdir()
    result = missing.dbt("run", "--select", "stg_cdnow__transactions", check=False)
    assert result.returncode != 0 and "var cdnow_path: no file at" in result.stdout
