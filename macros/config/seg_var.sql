{#-
    The one place where project vars are read.

    Every knob of SPEC.md is a dbt var with the SPEC default below. Models never call `var()`
    directly: they call `seg_var('<name>')`, which returns the validated value, or stops the run
    with a message naming the var when the value is unusable. Add a new knob here (default +
    validation) and document it in the README's vars table.
-#}

{% macro seg_var_defaults() %}
    {{ return({
        'source': 'canonical',
        'raw_data_path': none,
        'online_retail_path': '../shared/data/uci_online_retail/online_retail.csv.gz',
        'cdnow_path': '../shared/data/cdnow_master/cdnow_master.csv.gz',
        'as_of_date': none,
        'reporting_currency': 'USD',
        'penetration_grain': 'product_line',
        'value_tier_high_above': 100000,
        'value_tier_medium_from': 10000,
        'pareto_cuts': [0.80, 0.95, 0.99],
        'peer_group_columns': ['industry', 'size_band'],
        'potential_quantile': 0.75,
        'min_peer_group_size': 5,
        'relationship_new_below_months': 12,
        'relationship_partner_min_months': 36,
        'relationship_partner_min_keys': 5,
        'relationship_established_min_keys': 3,
        'drop_duplicate_lines': true,
        'incremental_lookback_months': 1,
        'playbook_team_hours_per_month': 1600,
        'clv_enabled': true,
        'clv_horizon_weeks': 52,
        'churn_risk_high_below': 0.5,
        'churn_risk_medium_below': 0.8,
        'clv_min_accounts': 20,
        'clv_max_iterations': 1000,
    }) }}
{% endmacro %}


{% macro seg_var_fail(name, value, expectation) %}
    {{ exceptions.raise_compiler_error(
        "Invalid value for var '" ~ name ~ "': " ~ (value | string) ~ " -- expected " ~ expectation
        ~ ". Set it with --vars '{" ~ name ~ ": ...}' or in dbt_project.yml."
    ) }}
{% endmacro %}


{% macro seg_is_number(value) %}
    {{ return(value is number and value is not boolean) }}
{% endmacro %}


{% macro seg_var(name) %}
    {%- set defaults = seg_var_defaults() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("seg_var: unknown var '" ~ name ~ "'. Known vars: " ~ (defaults.keys() | list | sort | join(', '))) }}
    {%- endif -%}
    {%- set value = var(name, defaults[name]) -%}

    {%- if name == 'source' -%}
        {%- if value not in ['canonical', 'online_retail', 'cdnow'] -%}
            {{ seg_var_fail(name, value, "'canonical' (seeds, or files under raw_data_path), 'online_retail' or 'cdnow'") }}
        {%- endif -%}

    {%- elif name in ['raw_data_path', 'online_retail_path', 'cdnow_path'] -%}
        {%- if value is not none and (value is not string or value | trim == '') -%}
            {{ seg_var_fail(name, value, 'a folder / file path as a non-empty string') }}
        {%- endif -%}
        {%- if value is not none and "'" in value -%}
            {{ seg_var_fail(name, value, 'a path without single quotes') }}
        {%- endif -%}

    {%- elif name == 'as_of_date' -%}
        {%- if value is not none -%}
            {%- set text = value | string | trim -%}
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
                {{ seg_var_fail(name, value, 'an ISO date YYYY-MM-DD') }}
            {%- endif -%}
            {%- set parts = text.split('-') -%}
            {%- set ns = namespace(ok=true) -%}
            {%- set year = parts[0] | int -%}
            {%- set month = parts[1] | int -%}
            {%- set day = parts[2] | int -%}
            {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
            {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
            {%- if month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
                {{ seg_var_fail(name, value, 'a real calendar date YYYY-MM-DD') }}
            {%- endif -%}
            {%- set value = text -%}
        {%- endif -%}

    {%- elif name == 'reporting_currency' -%}
        {%- if value is not string or not modules.re.match('^[A-Za-z]{3}$', value | trim) -%}
            {{ seg_var_fail(name, value, 'a three-letter ISO 4217 code such as USD') }}
        {%- endif -%}
        {%- set value = value | trim | upper -%}

    {%- elif name == 'penetration_grain' -%}
        {%- if value not in ['product_line', 'product'] -%}
            {{ seg_var_fail(name, value, "'product_line' or 'product'") }}
        {%- endif -%}

    {%- elif name in ['value_tier_high_above', 'value_tier_medium_from'] -%}
        {%- if not seg_is_number(value) or value <= 0 -%}
            {{ seg_var_fail(name, value, 'a positive number') }}
        {%- endif -%}
        {%- if var('value_tier_medium_from', defaults['value_tier_medium_from']) > var('value_tier_high_above', defaults['value_tier_high_above']) -%}
            {{ seg_var_fail(name, value, 'value_tier_medium_from <= value_tier_high_above') }}
        {%- endif -%}

    {%- elif name == 'pareto_cuts' -%}
        {%- if value is string or value is mapping or value is not iterable or value | length != 3 -%}
            {{ seg_var_fail(name, value, 'a list of three cut-offs, e.g. [0.80, 0.95, 0.99]') }}
        {%- endif -%}
        {%- set ns = namespace(previous=0) -%}
        {%- for cut in value -%}
            {%- if not seg_is_number(cut) or cut <= ns.previous or cut >= 1 -%}
                {{ seg_var_fail(name, value, 'three numbers strictly increasing inside (0, 1)') }}
            {%- endif -%}
            {%- set ns.previous = cut -%}
        {%- endfor -%}

    {%- elif name == 'peer_group_columns' -%}
        {%- if value is string or value is mapping or value is not iterable -%}
            {{ seg_var_fail(name, value, 'a list of customer columns from [industry, size_band, country]') }}
        {%- endif -%}
        {%- for column in value -%}
            {%- if column not in ['industry', 'size_band', 'country'] -%}
                {{ seg_var_fail(name, value, 'a list of customer columns from [industry, size_band, country]') }}
            {%- endif -%}
        {%- endfor -%}
        {%- if value | unique | list | length != value | length -%}
            {{ seg_var_fail(name, value, 'a list without repeated columns') }}
        {%- endif -%}

    {%- elif name == 'potential_quantile' -%}
        {%- if not seg_is_number(value) or value < 0 or value > 1 -%}
            {{ seg_var_fail(name, value, 'a number in [0, 1]') }}
        {%- endif -%}

    {%- elif name in ['min_peer_group_size', 'relationship_partner_min_keys', 'relationship_established_min_keys'] -%}
        {%- if not seg_is_number(value) or value != value | int or value < 1 -%}
            {{ seg_var_fail(name, value, 'a whole number >= 1') }}
        {%- endif -%}

    {%- elif name in ['relationship_new_below_months', 'relationship_partner_min_months', 'incremental_lookback_months'] -%}
        {%- if not seg_is_number(value) or value != value | int or value < 0 -%}
            {{ seg_var_fail(name, value, 'a whole number of months >= 0') }}
        {%- endif -%}

    {%- elif name == 'playbook_team_hours_per_month' -%}
        {%- if not seg_is_number(value) or value <= 0 -%}
            {{ seg_var_fail(name, value, 'a positive number of hours') }}
        {%- endif -%}

    {%- elif name == 'clv_horizon_weeks' -%}
        {%- if not seg_is_number(value) or value <= 0 -%}
            {{ seg_var_fail(name, value, 'a positive number of weeks') }}
        {%- endif -%}

    {%- elif name in ['churn_risk_high_below', 'churn_risk_medium_below'] -%}
        {%- if not seg_is_number(value) or value < 0 or value > 1 -%}
            {{ seg_var_fail(name, value, 'a probability in [0, 1]') }}
        {%- endif -%}
        {%- if var('churn_risk_high_below', defaults['churn_risk_high_below']) > var('churn_risk_medium_below', defaults['churn_risk_medium_below']) -%}
            {{ seg_var_fail(name, value, 'churn_risk_high_below <= churn_risk_medium_below') }}
        {%- endif -%}

    {%- elif name in ['clv_min_accounts', 'clv_max_iterations'] -%}
        {%- if not seg_is_number(value) or value != value | int or value < 1 -%}
            {{ seg_var_fail(name, value, 'a whole number >= 1') }}
        {%- endif -%}

    {%- elif name in ['drop_duplicate_lines', 'clv_enabled'] -%}
        {%- if value is not boolean -%}
            {{ seg_var_fail(name, value, 'true or false') }}
        {%- endif -%}
    {%- endif -%}

    {{ return(value) }}
{% endmacro %}


{#- A var as a SQL literal: strings quoted, numbers as decimals, lists as SQL lists. -#}
{% macro seg_var_sql(name) %}
    {%- set value = seg_var(name) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is string -%}
        {{ return("'" ~ value ~ "'") }}
    {%- elif value is boolean -%}
        {{ return('true' if value else 'false') }}
    {%- else -%}
        {{ return(value | string) }}
    {%- endif -%}
{% endmacro %}
