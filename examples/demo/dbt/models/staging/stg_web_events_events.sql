-- dango:generated (remove this line to take ownership; Dango will then never overwrite this file)
-- Staging view over raw_web_events.events: rename, cast and clean columns here.
{{ config(materialized='view', schema='staging') }}

select
    event_id,
    occurred_at,
    event,
    customer_id,
    page__path,
    page__referrer,
    device__os,
    device__browser,
    _dango_file,
    _dango_loaded_at
from {{ source('web_events', 'events') }}
left join raw_web_events._dango_files using (_dango_file_id)
