{{ config(materialized='table') }}

-- Web events (a local_files NDJSON source): the nested page and device objects arrive as page__* and device__* columns.
select
    page__referrer as referrer,
    device__os as os,
    count(*) as events,
    count(*) filter (where event = 'add_to_cart') as add_to_carts,
    count(distinct customer_id) as known_customers
from {{ ref('stg_web_events_events') }}
group by 1, 2
order by events desc
