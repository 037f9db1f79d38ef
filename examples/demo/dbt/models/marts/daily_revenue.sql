{{ config(materialized='table', tags=['finance']) }}

{%- set categories = ['coffee', 'equipment', 'accessories', 'care'] %}

select
    order_date,
    count(*) as orders,
    sum(amount) as revenue
    {%- for category in categories %},
    sum(case when category = '{{ category }}' then amount else 0 end) as revenue_{{ category }}
    {%- endfor %}
from {{ ref('orders_enriched') }}
where status in (
    {%- for s in var('revenue_statuses') %}'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor -%}
)
group by order_date
order by order_date
