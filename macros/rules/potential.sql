{#- SPEC §5 potential: the peer benchmark minus the account's T12M revenue (negative revenue counts as 0),
    never below 0; 0 when the account has no benchmark. -#}
{% macro potential(peer_benchmark, t12m_revenue) -%}
    case
        when {{ peer_benchmark }} is null then 0
        else greatest(0, {{ peer_benchmark }} - greatest({{ t12m_revenue }}, 0))
    end
{%- endmacro %}
