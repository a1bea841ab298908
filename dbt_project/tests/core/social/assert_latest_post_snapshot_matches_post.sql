-- Rule: a post's latest daily snapshot that read a counter shows the same value as
-- fct_social_posts (both are the latest fetch of it), so E11 like growth and E6 agree. A
-- day on which only a post's insights were fetched (its media caught up a night earlier,
-- say) read no likes or comments: those stay NULL that day and are not the latest reading.
with latest as (
    select
        post_key,
        arg_max(likes, snapshot_date) filter (where likes is not null) as likes,
        arg_max(comments, snapshot_date) filter (where comments is not null) as comments,
    from {{ ref('fct_social_post_daily_metrics') }}
    group by post_key
)
select posts.post_key, posts.likes, latest.likes as snapshot_likes
from {{ ref('fct_social_posts') }} as posts
inner join latest on latest.post_key = posts.post_key
where posts.likes is distinct from latest.likes
    or posts.comments is distinct from latest.comments
