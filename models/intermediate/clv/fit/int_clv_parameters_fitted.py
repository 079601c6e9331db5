"""SPEC §10 maximum-likelihood fits: BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, v).

A dbt Python model (dbt-duckdb runs it in the dbt process): the summary statistics come from SQL
(int_customers_clv_summarized), the fit is segmentation.clv (lifetimes 0.11.3 likelihoods and optimiser,
fixed start, on the distinct purchase patterns). One row per model and parameter, with the model's
log-likelihood summed over the accounts fitted, the accounts fitted, and a status with its reason:
fitted, too_little_history, did_not_converge or unusable. Enabled on DuckDB only (dbt_project.yml).
"""

from segmentation.clv import ClvSettings, fit, parameters_frame


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_customers_clv_summarized").df()
    settings_row = dbt.ref("int_clv_settings").df().iloc[0]
    settings = ClvSettings(
        horizon_weeks=float(settings_row["horizon_weeks"]),
        min_accounts=int(settings_row["min_accounts"]),
        max_iterations=int(settings_row["max_iterations"]),
    )
    summary = summary.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    return parameters_frame(fit(summary, settings))
