-- dango:generated (remove this line to take ownership; Dango will then never overwrite this file)
-- Staging view over raw_sales_data.orders: rename, cast and clean columns here.
{{ config(materialized='view', schema='staging') }}

select
    order_id,
    order_date,
    customer_id,
    product_id,
    product_name,
    quantity,
    unit_price,
    status,
    _dango_file,
    _dango_loaded_at
from {{ source('sales_data', 'orders') }}
left join raw_sales_data._dango_files using (_dango_file_id)
