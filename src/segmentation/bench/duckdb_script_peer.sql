-- duckdb_script_peer: fct_customer_months and fct_customer_snapshots as one plain DuckDB SQL script.
-- No dbt: what a DuckDB user would write by hand for the same two tables (SPEC defaults, typed Parquet in).
-- The lines are staged once into a narrow table, then collapsed once to account x key x month and to
-- account x invoice x month; every later step reads those. Money stays exact (DECIMAL).
-- Placeholders: the input files ({transactions} ...), {out}, and the SPEC defaults as dbt reads them
-- (dbt_project.yml vars: {reporting_currency}, {high_above}, ...), filled in by duckdb_script_peer.py.

create temp table fx as
select
    cast(month as date) as month,
    upper(trim(currency)) as currency,
    rate_to_reporting as rate
from read_parquet('{fx_rates}')
where rate_to_reporting > 0 and upper(trim(currency)) <> {reporting_currency};

create temp table products as
select
    trim(product_id) as product_id,
    coalesce(nullif(trim(product_line), ''), 'unassigned') as product_line,
    coalesce(is_core, true) as is_core
from read_parquet('{products}')
where nullif(trim(product_id), '') is not null;

-- SPEC §1-2 on typed values: required values present, quantity <> 0, unit_price >= 0, a known currency for
-- the month, duplicate lines dropped (lowest line_number, file row kept).
create temp table staged as
with raw as (
    select
        nullif(trim(invoice_id), '') as invoice_id,
        coalesce(line_number, file_row_number + 1) as line_number,
        file_row_number,
        nullif(trim(customer_id), '') as customer_id,
        invoiced_at,
        nullif(trim(product_id), '') as product_id,
        quantity,
        unit_price,
        coalesce(upper(nullif(trim(currency), '')), {reporting_currency}) as currency
    from read_parquet('{transactions}', file_row_number = true)
),

valid as (
    select
        raw.*,
        case when raw.currency = {reporting_currency} then 1 else fx.rate end as rate
    from raw
    left join fx
        on raw.currency = fx.currency and cast(date_trunc('month', raw.invoiced_at) as date) = fx.month
    where
        raw.invoice_id is not null and raw.customer_id is not null and raw.invoiced_at is not null
        and raw.product_id is not null and raw.quantity is not null and raw.unit_price is not null
        and raw.quantity <> 0 and raw.unit_price >= 0
        and (raw.currency = {reporting_currency} or fx.rate is not null)
)

select
    valid.invoice_id,
    valid.customer_id,
    valid.invoiced_at,
    cast(date_trunc('month', valid.invoiced_at) as date) as month,
    coalesce(products.product_line, 'unknown') as product_line,
    coalesce(products.is_core, true) as is_core,
    valid.quantity,
    valid.quantity * valid.unit_price * valid.rate as amount
from valid
left join products on valid.product_id = products.product_id
qualify row_number() over (
    partition by
        valid.invoice_id, valid.customer_id, valid.invoiced_at, valid.product_id, valid.quantity,
        valid.unit_price, valid.currency
    order by valid.line_number, valid.file_row_number
) = 1;

create temp table as_of as
select
    cast(max(invoiced_at) as date) as as_of_date,
    cast(date_trunc('month', max(invoiced_at)) as date) as as_of_month
from staged;

-- One pass over the core lines up to as_of_date: account x key x month (revenue, bought) and the orders.
create temp table key_months as
select
    customer_id,
    month,
    product_line as key,
    sum(amount) as revenue,
    bool_or(quantity > 0 and amount > 0) as bought
from staged
where is_core and cast(invoiced_at as date) <= (select as_of_date from as_of)
group by all;

create temp table invoice_months as
select distinct customer_id, month, invoice_id
from staged
where is_core and quantity > 0 and amount > 0 and cast(invoiced_at as date) <= (select as_of_date from as_of);

create temp table revenue as
select customer_id, month, sum(revenue) as revenue
from key_months
group by all;

create temp table accounts as
select
    customer_id,
    min(month) as first_month,
    max(month) as last_month,
    min(month) filter (where revenue > 0) as acquisition_month
from revenue
group by all;

create temp table first_bought as
select customer_id, key, min(month) as first_bought
from key_months
where bought
group by all;

-- SPEC §4 categories per account and month (a category depends on account, key and month only).
create temp table categories as
with categorized as (
    select
        key_months.customer_id,
        key_months.month,
        key_months.revenue,
        accounts.acquisition_month is null or key_months.month <= accounts.acquisition_month as is_conversion,
        coalesce(first_bought.first_bought < key_months.month, false) as bought_before
    from key_months
    inner join accounts on key_months.customer_id = accounts.customer_id
    left join first_bought on key_months.customer_id = first_bought.customer_id and key_months.key = first_bought.key
)

select
    customer_id,
    month,
    sum(case when is_conversion then revenue else 0 end) as conversion_revenue,
    sum(case when not is_conversion and bought_before then revenue else 0 end) as retention_revenue,
    sum(case when not is_conversion and not bought_before then revenue else 0 end) as penetration_revenue
from categorized
group by all;

create temp table orders as
select customer_id, month, count(*) as orders
from invoice_months
group by all;

-- The account x month spine, first_month .. as_of_month, with the monthly figures.
create temp table spine as
with months as (
    select
        accounts.*,
        cast(unnest(generate_series(
            accounts.first_month, (select as_of_month from as_of), interval 1 month
        )) as date) as month
    from accounts
)

select
    months.customer_id,
    months.month,
    months.first_month,
    months.last_month,
    months.acquisition_month,
    coalesce(revenue.revenue, 0) as revenue,
    coalesce(orders.orders, 0) as orders,
    coalesce(categories.conversion_revenue, 0) as conversion_revenue,
    coalesce(categories.retention_revenue, 0) as retention_revenue,
    coalesce(categories.penetration_revenue, 0) as penetration_revenue
from months
left join revenue on months.customer_id = revenue.customer_id and months.month = revenue.month
left join orders on months.customer_id = orders.customer_id and months.month = orders.month
left join categories on months.customer_id = categories.customer_id and months.month = categories.month;

-- SPEC §3 movements, up to last_month + 1.
copy (
    with movements as (
        select
            *,
            coalesce(lag(revenue) over (partition by customer_id order by month), 0) as previous_revenue
        from spine
    )

    select
        customer_id,
        month as revenue_month,
        acquisition_month,
        revenue,
        previous_revenue,
        case
            when month = acquisition_month then 'new'
            when previous_revenue > 0 and not revenue > 0 then 'churn'
            when not previous_revenue > 0 and revenue > 0 and month > acquisition_month then 'reactivation'
            when previous_revenue > 0 and revenue > previous_revenue then 'expansion'
            when previous_revenue > 0 and revenue > 0 and revenue < previous_revenue then 'contraction'
            when previous_revenue > 0 and revenue = previous_revenue then 'unchanged'
            else 'inactive'
        end as movement,
        revenue - previous_revenue as movement_amount,
        orders,
        conversion_revenue,
        retention_revenue,
        penetration_revenue
    from movements
    where month <= last_month + interval 1 month
) to '{out}/customer_months.parquet' (format parquet);

-- SPEC §5 snapshots. Distinct counts over the T12M window by coverage deltas: an item (invoice, key)
-- seen in month m covers the snapshots m .. m + 11; consecutive sightings overlap, so each sighting adds
-- +1 from max(m, previous + 12) and -1 at m + 12 unless the next sighting covers on.
create temp table window_deltas as
with sightings as (
    select
        customer_id,
        'order' as kind,
        month,
        lag(month) over (partition by customer_id, invoice_id order by month) as previous
    from invoice_months
    union all
    select
        customer_id,
        'key' as kind,
        month,
        lag(month) over (partition by customer_id, key order by month) as previous
    from key_months
    where bought
),

events as (
    select
        customer_id,
        kind,
        case
            when previous is null then month else greatest(month, cast(previous + interval 12 month as date))
        end as month,
        1 as delta
    from sightings
    union all
    select customer_id, kind, cast(month + interval 12 month as date) as month, -1 as delta
    from sightings
    union all
    select customer_id, 'first_key' as kind, first_bought as month, 1 as delta
    from first_bought
)

select
    customer_id,
    month,
    sum(delta) filter (where kind = 'order') as orders_delta,
    sum(delta) filter (where kind = 'key') as keys_delta,
    sum(delta) filter (where kind = 'first_key') as first_keys
from events
group by all;

create temp table customers as
select
    trim(customer_id) as customer_id,
    coalesce(nullif(trim(cast(industry as varchar)), ''), 'unknown') as industry,
    case
        when employee_count < 0 then 'unknown'
        when employee_count < 50 then 'small'
        when employee_count < 250 then 'mid'
        when employee_count < 1000 then 'large'
        when employee_count >= 1000 then 'enterprise'
        else 'unknown'
    end as size_band
from read_parquet('{customers}')
where nullif(trim(customer_id), '') is not null;

create temp table windowed as
select
    spine.customer_id,
    spine.month,
    spine.acquisition_month,
    sum(spine.revenue) over twelve as t12m_revenue,
    count(*) filter (where spine.revenue > 0) over twelve as t12m_active_months,
    sum(coalesce(window_deltas.orders_delta, 0)) over to_date as t12m_orders,
    sum(coalesce(window_deltas.keys_delta, 0)) over to_date as product_lines_t12m,
    sum(coalesce(window_deltas.first_keys, 0)) over to_date as keys_to_date,
    coalesce(customers.industry, 'unknown') as industry,
    coalesce(customers.size_band, 'unknown') as size_band
from spine
left join window_deltas on spine.customer_id = window_deltas.customer_id and spine.month = window_deltas.month
left join customers on spine.customer_id = customers.customer_id
window
    twelve as (partition by spine.customer_id order by spine.month rows between 11 preceding and current row),
    to_date as (partition by spine.customer_id order by spine.month rows between unbounded preceding and current row);

-- Peer benchmarks: every level at once (grouping sets), the finest with >= 5 active accounts wins.
create temp table peer_levels as
select
    month,
    industry,
    size_band,
    grouping(industry, size_band) as level_id,
    count(*) as accounts,
    quantile_cont(t12m_revenue, {potential_quantile}) as benchmark
from windowed
where t12m_revenue > 0
group by grouping sets ((month, industry, size_band), (month, industry), (month));

copy (
    with ranked as (
        select
            *,
            coalesce(sum(t12m_revenue) filter (where t12m_revenue > 0) over (
                partition by month, t12m_revenue > 0 order by t12m_revenue desc, customer_id
                rows between unbounded preceding and 1 preceding
            ), 0) as revenue_before,
            sum(t12m_revenue) filter (where t12m_revenue > 0) over (partition by month) as active_total
        from windowed
    ),

    benchmarked as (
        select
            ranked.*,
            case
                when pair.accounts >= {min_peer_group_size} then ranked.industry || ' / ' || ranked.size_band
                when single.accounts >= {min_peer_group_size} then ranked.industry
                else 'all'
            end as peer_group,
            case
                when pair.accounts >= {min_peer_group_size} then pair.benchmark
                when single.accounts >= {min_peer_group_size} then single.benchmark
                else total.benchmark
            end as peer_benchmark
        from ranked
        left join peer_levels as pair
            on pair.level_id = 0 and ranked.month = pair.month
            and ranked.industry = pair.industry and ranked.size_band = pair.size_band
        left join peer_levels as single
            on single.level_id = 1 and ranked.month = single.month and ranked.industry = single.industry
        left join peer_levels as total on total.level_id = 3 and ranked.month = total.month
    ),

    scored as (
        select
            *,
            case when month >= acquisition_month then datediff('month', acquisition_month, month) end
                as tenure_months,
            case
                when t12m_revenue > {high_above} then 'high'
                when t12m_revenue >= {medium_from} then 'medium'
                when t12m_revenue > 0 then 'low'
                else 'inactive'
            end as value_tier,
            case
                when not t12m_revenue > 0 then 'D'
                when revenue_before < {pareto_a} * active_total then 'A'
                when revenue_before < {pareto_b} * active_total then 'B'
                when revenue_before < {pareto_c} * active_total then 'C'
                else 'D'
            end as pareto_tier,
            coalesce(greatest(0, peer_benchmark - greatest(t12m_revenue, 0)), 0) as potential
        from benchmarked
    ),

    tiered as (
        select
            *,
            case
                when potential > {high_above} then 'high'
                when potential >= {medium_from} then 'medium'
                when potential > 0 then 'low'
                else 'none'
            end as potential_tier
        from scored
    )

    select
        customer_id,
        month as snapshot_month,
        t12m_revenue,
        t12m_orders,
        t12m_active_months,
        case when t12m_orders > 0 then t12m_revenue / t12m_orders end as aov,
        tenure_months,
        product_lines_t12m,
        keys_to_date,
        value_tier,
        pareto_tier,
        peer_group,
        peer_benchmark,
        potential,
        potential_tier,
        case value_tier
            when 'high' then case when potential_tier in ('high', 'medium') then 'strategic_growth' else 'protect' end
            when 'medium' then case when potential_tier in ('high', 'medium') then 'develop' else 'maintain' end
            when 'low' then case when potential_tier in ('high', 'medium') then 'hidden_gem' else 'automate' end
            else case when potential_tier in ('high', 'medium') then 'win_back' else 'dormant' end
        end as value_potential_cell,
        case
            when tenure_months is null or tenure_months < {new_below_months} then 'new'
            when tenure_months >= {partner_min_months} and keys_to_date >= {partner_min_keys} then 'partner'
            when keys_to_date >= {established_min_keys} then 'established'
            else 'developing'
        end as relationship_level
    from tiered
) to '{out}/snapshots.parquet' (format parquet);
