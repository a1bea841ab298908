-- Rule: each business_hours window closes after it opens, and windows of one weekday and
-- time zone do not overlap (overlaps would count the same second twice).
select a.iso_weekday, a.open_time, a.close_time
from {{ ref('business_hours') }} as a
where a.close_time <= a.open_time
    or exists (
        select 1
        from {{ ref('business_hours') }} as b
        where b.iso_weekday = a.iso_weekday
            and b.time_zone = a.time_zone
            and (b.open_time, b.close_time) <> (a.open_time, a.close_time)
            and b.open_time < a.close_time
            and a.open_time < b.close_time
    )
