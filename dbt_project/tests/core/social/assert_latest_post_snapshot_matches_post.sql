-- Rule: a post's latest daily snapshot shows the same counters as fct_social_posts (both
-- are the latest fetch of the post), so E11 like growth and E6 agree.
with latest as (
    select *
    from {{ ref('fct_social_post_daily_metrics') }}
    qualify row_number() over (partition by post_key order by snapshot_date desc) = 1
)
select posts.post_key, posts.likes, latest.likes as snapshot_likes
from {{ ref('fct_social_posts') }} as posts
inner join latest on latest.post_key = posts.post_key
where posts.likes is distinct from latest.likes
    or posts.comments is distinct from latest.comments
