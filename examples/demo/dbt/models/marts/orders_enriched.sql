{{ config(materialized='table', tags=['finance']) }}

select
    o.order_id,
    o.order_date,
    o.customer_id,
    c.country,
    c.segment,
    o.product_id,
    p.category,
    o.quantity,
    o.unit_price,
    o.quantity * o.unit_price as amount,
    {{ to_cents('o.quantity * o.unit_price') }} as amount_cents,
    o.status
from {{ ref('stg_sales_data_orders') }} as o
left join {{ ref('stg_crm_customers') }} as c using (customer_id)
left join {{ ref('product_categories') }} as p using (product_id)
