{#- SPEC §10 churn risk from p_alive: below churn_risk_high_below (0.5), below churn_risk_medium_below
    (0.8), else; the last label (`unknown`) without a prediction (null p_alive). Labels: segments.churn_risk. -#}
{% macro churn_risk(p_alive) -%}
    {%- set high, medium, low, unknown = seg_labels('churn_risk', 4) -%}
    case
        when {{ p_alive }} is null then '{{ unknown }}'
        when {{ p_alive }} < {{ seg_var_sql('churn_risk_high_below') }} then '{{ high }}'
        when {{ p_alive }} < {{ seg_var_sql('churn_risk_medium_below') }} then '{{ medium }}'
        else '{{ low }}'
    end
{%- endmacro %}


{#- The churn_risk label of an account without a prediction (`unknown`). -#}
{% macro churn_risk_unknown() -%}
    '{{ seg_labels('churn_risk', 4)[3] }}'
{%- endmacro %}
