"""SPEC §10 predictions per account from the fitted parameters (int_clv_parameters_fitted).

p_alive, expected_purchases over clv_horizon_weeks, expected_purchase_value (segmentation.clv.score:
lifetimes' conditional expectations); NaN (null) where the model they need is not fitted. One row per
account of int_customers_clv_summarized. Enabled on DuckDB only (dbt_project.yml).
"""

from segmentation.clv import ClvSettings, score


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_customers_clv_summarized").df()
    parameters = dbt.ref("int_clv_parameters_fitted").df()
    settings_row = dbt.ref("int_clv_settings").df().iloc[0]
    settings = ClvSettings(
        horizon_weeks=float(settings_row["horizon_weeks"]),
        min_accounts=int(settings_row["min_accounts"]),
        max_iterations=int(settings_row["max_iterations"]),
    )
    return score(summary, parameters, settings)
