-- dango:generated (remove this line to take ownership; Dango will then never overwrite this file)
-- Staging view over raw_crm.customers: rename, cast and clean columns here.
{{ config(materialized='view', schema='staging') }}

select
    customer_id,
    name,
    email,
    country,
    segment,
    signup_date,
    _dango_file,
    _dango_loaded_at
from {{ source('crm', 'customers') }}
left join raw_crm._dango_files using (_dango_file_id)
