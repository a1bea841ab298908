-- Rule: every own post is counted (E5) on exactly one day of engagement_daily, so the
-- posts of an account summed over its days equal its posts in fct_social_posts.
with by_mart as (
    select account_key, sum(posts) as posts
    from {{ ref('engagement_daily') }}
    group by account_key
),
by_fact as (
    select account_key, count(*) as posts
    from {{ ref('fct_social_posts') }}
    where is_own
    group by account_key
)
select coalesce(by_mart.account_key, by_fact.account_key) as account_key, by_mart.posts, by_fact.posts as fact_posts
from by_mart
full outer join by_fact on by_fact.account_key = by_mart.account_key
where coalesce(by_mart.posts, 0) != coalesce(by_fact.posts, 0)
