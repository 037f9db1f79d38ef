{{ config(materialized='table') }}

select
    c.customer_id,
    c.name,
    c.country,
    c.segment,
    count(o.order_id) as orders,
    coalesce(sum(o.amount) filter (where o.status = 'completed'), 0) as lifetime_revenue,
    min(o.order_date) as first_order_date,
    max(o.order_date) as last_order_date
from {{ ref('stg_crm_customers') }} as c
left join {{ ref('orders_enriched') }} as o using (customer_id)
group by all
