-- Revenue can never be negative: returns the offending days.
select order_date, revenue
from {{ ref('daily_revenue') }}
where revenue < 0
