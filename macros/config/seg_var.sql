{#-
    The one place where project vars are read.

    Every knob of SPEC.md is a dbt var whose SPEC default is declared, with a one-line meaning, in the
    `vars:` block of dbt_project.yml. Models never call `var()` directly: they call `seg_var('<name>')`,
    which returns the validated value, or stops the run with a message naming the var when the value is
    unusable.

    Adding a var: one line in dbt_project.yml `vars:`, plus one line in seg_var_rules() below when the
    value needs a check (a var without a rule is returned as it is).
-#}

{#- name -> rule. `kind` picks the check in seg_var_check; `expect` is the message's expected value. -#}
{% macro seg_var_rules() %}
    {%- set whole_months = {'kind': 'whole_number', 'min': 0, 'expect': 'a whole number of months >= 0'} -%}
    {%- set whole_count = {'kind': 'whole_number', 'min': 1, 'expect': 'a whole number >= 1'} -%}
    {%- set path = {'kind': 'path', 'expect': 'a folder / file path as a non-empty string'} -%}
    {%- set tier_threshold = {'kind': 'positive_number', 'expect': 'a positive number'} -%}
    {%- set peer_columns = ['industry', 'size_band', 'country'] -%}
    {{ return({
        'source': {'kind': 'one_of', 'options': ['canonical', 'online_retail', 'cdnow', 'warehouse'],
            'expect': "'canonical' (seeds, or files under raw_data_path), 'online_retail', 'cdnow' or 'warehouse' (tables in raw_schema)"},
        'raw_schema': {'kind': 'path', 'expect': 'a schema name as a non-empty string'},
        'raw_data_path': path,
        'online_retail_path': path,
        'cdnow_path': path,
        'as_of_date': {'kind': 'iso_date'},
        'reporting_currency': {'kind': 'currency', 'expect': 'a three-letter ISO 4217 code such as USD'},
        'reporting_timezone': {'kind': 'timezone', 'expect': 'an IANA time zone name such as UTC, Europe/Berlin or America/New_York'},
        'penetration_grain': {'kind': 'one_of', 'options': ['product_line', 'product'],
            'expect': "'product_line' or 'product'"},
        'value_tier_high_above': tier_threshold,
        'value_tier_medium_from': tier_threshold,
        'pareto_cuts': {'kind': 'cuts', 'count': 3},
        'peer_group_columns': {'kind': 'column_list', 'options': peer_columns,
            'expect': 'a list of customer columns from [' ~ peer_columns | join(', ') ~ ']'},
        'potential_quantile': {'kind': 'fraction', 'expect': 'a number in [0, 1]'},
        'min_peer_group_size': whole_count,
        'relationship_new_below_months': whole_months,
        'relationship_partner_min_months': whole_months,
        'relationship_partner_min_keys': whole_count,
        'relationship_established_min_keys': whole_count,
        'drop_duplicate_lines': {'kind': 'boolean', 'expect': 'true or false'},
        'incremental_lookback_months': whole_months,
        'playbook_team_hours_per_month': {'kind': 'positive_number', 'expect': 'a positive number of hours'},
        'clv_enabled': {'kind': 'boolean', 'expect': 'true or false'},
        'clv_horizon_weeks': {'kind': 'positive_number', 'expect': 'a positive number of weeks'},
        'churn_risk_high_below': {'kind': 'fraction', 'expect': 'a probability in [0, 1]'},
        'churn_risk_medium_below': {'kind': 'fraction', 'expect': 'a probability in [0, 1]'},
        'clv_min_accounts': whole_count,
        'clv_max_iterations': whole_count,
        'segments': {'kind': 'segments'},
    }) }}
{% endmacro %}


{#- Checks that involve several vars (each var passed its own rule first). -#}
{% macro seg_var_cross_checks(name) %}
    {%- if name in ['value_tier_high_above', 'value_tier_medium_from'] -%}
        {%- set medium, high = var('value_tier_medium_from'), var('value_tier_high_above') -%}
        {%- if seg_is_number(medium) and seg_is_number(high) and medium > high -%}
            {{ seg_var_fail(name, var(name), 'value_tier_medium_from <= value_tier_high_above') }}
        {%- endif -%}
    {%- elif name in ['churn_risk_high_below', 'churn_risk_medium_below'] -%}
        {%- set high, medium = var('churn_risk_high_below'), var('churn_risk_medium_below') -%}
        {%- if seg_is_number(high) and seg_is_number(medium) and high > medium -%}
            {{ seg_var_fail(name, var(name), 'churn_risk_high_below <= churn_risk_medium_below') }}
        {%- endif -%}
    {%- endif -%}
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


{#- The value of var `name` checked against `rule`, normalised where the rule says so (trimmed date,
    upper-case currency). Stops the run through seg_var_fail when it does not pass. -#}
{% macro seg_var_check(name, value, rule) %}
    {%- set kind = rule['kind'] -%}
    {%- set expect = rule.get('expect') -%}

    {%- if kind == 'one_of' -%}
        {%- if value not in rule['options'] -%} {{ seg_var_fail(name, value, expect) }} {%- endif -%}

    {%- elif kind == 'path' -%}
        {%- if value is not none and (value is not string or value | trim == '') -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}
        {%- if value is not none and "'" in value -%}
            {{ seg_var_fail(name, value, 'a path without single quotes') }}
        {%- endif -%}

    {%- elif kind == 'iso_date' -%}
        {%- if value is not none -%}
            {%- set text = value | string | trim -%}
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
                {{ seg_var_fail(name, value, 'an ISO date YYYY-MM-DD') }}
            {%- endif -%}
            {%- set parts = text.split('-') -%}
            {%- set year = parts[0] | int -%}
            {%- set month = parts[1] | int -%}
            {%- set day = parts[2] | int -%}
            {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
            {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
            {%- if month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
                {{ seg_var_fail(name, value, 'a real calendar date YYYY-MM-DD') }}
            {%- endif -%}
            {{ return(text) }}
        {%- endif -%}

    {%- elif kind == 'currency' -%}
        {%- if value is not string or not modules.re.match('^[A-Za-z]{3}$', value | trim) -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}
        {{ return(value | trim | upper) }}

    {%- elif kind == 'timezone' -%}
        {%- if value is not string or value | trim not in modules.pytz.all_timezones_set -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}
        {{ return(value | trim) }}

    {%- elif kind == 'positive_number' -%}
        {%- if not seg_is_number(value) or value <= 0 -%} {{ seg_var_fail(name, value, expect) }} {%- endif -%}

    {%- elif kind == 'fraction' -%}
        {%- if not seg_is_number(value) or value < 0 or value > 1 -%} {{ seg_var_fail(name, value, expect) }} {%- endif -%}

    {%- elif kind == 'whole_number' -%}
        {%- if not seg_is_number(value) or value != value | int or value < rule['min'] -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}

    {%- elif kind == 'boolean' -%}
        {%- if value is not boolean -%} {{ seg_var_fail(name, value, expect) }} {%- endif -%}

    {%- elif kind == 'cuts' -%}
        {%- set expect = 'a list of ' ~ rule['count'] ~ ' cut-offs, e.g. [0.80, 0.95, 0.99]' -%}
        {%- if value is string or value is mapping or value is not iterable or value | length != rule['count'] -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}
        {%- set ns = namespace(previous=0) -%}
        {%- for cut in value -%}
            {%- if not seg_is_number(cut) or cut <= ns.previous or cut >= 1 -%}
                {{ seg_var_fail(name, value, rule['count'] ~ ' numbers strictly increasing inside (0, 1)') }}
            {%- endif -%}
            {%- set ns.previous = cut -%}
        {%- endfor -%}

    {%- elif kind == 'column_list' -%}
        {%- if value is string or value is mapping or value is not iterable -%}
            {{ seg_var_fail(name, value, expect) }}
        {%- endif -%}
        {%- for column in value -%}
            {%- if column not in rule['options'] -%} {{ seg_var_fail(name, value, expect) }} {%- endif -%}
        {%- endfor -%}
        {%- if value | unique | list | length != value | length -%}
            {{ seg_var_fail(name, value, 'a list without repeated columns') }}
        {%- endif -%}

    {%- elif kind == 'segments' -%}
        {%- if value is not mapping -%}
            {{ seg_var_fail(name, value, 'a mapping classification -> {labels: [...], thresholds: [...]}') }}
        {%- endif -%}
        {%- for classification, entry in value.items() -%}
            {%- set labels = entry.get('labels') if entry is mapping else none -%}
            {%- if labels is none or labels is string or labels is not iterable or labels | length == 0 -%}
                {{ seg_var_fail(name ~ '.' ~ classification, entry, 'labels: a non-empty list of labels') }}
            {%- endif -%}
            {%- for label in labels -%}
                {%- if label is not string or not modules.re.match('^[A-Za-z][A-Za-z0-9_]*$', label) -%}
                    {{ seg_var_fail(name ~ '.' ~ classification, label, 'labels made of letters, digits and _') }}
                {%- endif -%}
            {%- endfor -%}
            {%- if labels | unique | list | length != labels | length -%}
                {{ seg_var_fail(name ~ '.' ~ classification, labels, 'labels without repeats') }}
            {%- endif -%}
            {%- for threshold in entry.get('thresholds', []) -%}
                {%- if not var.has_var(threshold) -%}
                    {{ seg_var_fail(name ~ '.' ~ classification, threshold, 'thresholds naming vars of dbt_project.yml') }}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}

    {%- else -%}
        {{ exceptions.raise_compiler_error("seg_var_rules: var '" ~ name ~ "' has an unknown rule kind '" ~ kind ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro seg_var(name) %}
    {%- if not var.has_var(name) -%}
        {{ exceptions.raise_compiler_error(
            "seg_var: unknown var '" ~ name ~ "'. Declare it with its default in the vars: block of dbt_project.yml."
        ) }}
    {%- endif -%}
    {%- set value = var(name) -%}
    {%- set rule = seg_var_rules().get(name) -%}
    {%- if rule is not none -%}
        {%- set value = seg_var_check(name, value, rule) -%}
    {%- endif -%}
    {%- do seg_var_cross_checks(name) -%}
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
