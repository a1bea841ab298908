-- Rule: R1 is never negative - a conversation's first reply is at or after the customer's
-- first message, and business seconds never exceed calendar seconds.
select conversation_id, first_customer_message_at_utc, first_brand_reply_at_utc,
    first_response_seconds, first_response_business_seconds
from {{ ref('int_service__conversations') }}
where first_brand_reply_at_utc < first_customer_message_at_utc
    or first_response_seconds < 0
    or first_response_business_seconds > first_response_seconds
    or resolution_business_seconds > resolution_seconds
