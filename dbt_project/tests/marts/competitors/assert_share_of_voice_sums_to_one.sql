-- Rule (C4): on a platform-day with share of voice and at least one mention, the shares
-- of the brand and its tracked competitors add up to 1.
select platform, account_date, sum(share_of_voice) as total_share
from {{ ref('competitors_daily') }}
where is_share_of_voice_complete and share_of_voice is not null
group by platform, account_date
having abs(sum(share_of_voice) - 1) > 1e-9
