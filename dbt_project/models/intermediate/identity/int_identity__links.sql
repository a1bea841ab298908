{#- One row per (source, source identity) resolved to exactly one customer.
    Precedence: for each source identity only the claims of its best-ranked rule
    count (crm_id > platform_id > app_user_id > email > handle, see
    int_identity__candidates); the identity is linked when those claims name
    exactly one customer.  An identity whose best rule names two or more
    customers is ambiguous and is linked to none (it is listed, with the
    identities no rule matches, in int_identity__unresolved): no many-to-many. -#}
with

candidates as (

    select * from {{ ref('int_identity__candidates') }}
    where customer_id is not null

),

best_rule as (

    select
        source,
        source_identity,
        min(rule_rank) as rule_rank,
    from candidates
    group by source, source_identity

),

best_claims as (

    select candidates.*
    from candidates
    inner join best_rule
        on best_rule.source = candidates.source
        and best_rule.source_identity = candidates.source_identity
        and best_rule.rule_rank = candidates.rule_rank

),

resolved as (

    select
        source,
        source_identity,
        min(customer_id) as customer_id,
        min(match_rule) as match_rule,
        min(rule_rank) as rule_rank,
        min(match_evidence) as match_evidence,
    from best_claims
    group by source, source_identity
    having count(distinct customer_id) = 1

),

final as (

    select
        source || ':' || source_identity as link_id,
        source,
        source_identity,
        customer_id,
        match_rule,
        rule_rank,
        match_evidence,
    from resolved

)

select * from final
