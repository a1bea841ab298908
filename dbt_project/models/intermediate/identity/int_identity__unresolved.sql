{#- Source identities that int_identity__links does not link, one row each:
    'unmatched' when no rule matches any customer (a Mailchimp member no customer
    shares an email with is audience; most social users are members of the
    public; an archived HubSpot contact is no one's), 'ambiguous' when the best-ranked rule that
    matches names two or more customers (linked to none of them). -#}
with

candidates as (

    select * from {{ ref('int_identity__candidates') }}

),

per_identity as (

    select
        source,
        source_identity,
        min(rule_rank) as best_rule_rank,
    from candidates
    group by source, source_identity

),

best_claims as (

    select
        per_identity.source,
        per_identity.source_identity,
        per_identity.best_rule_rank,
        min(candidates.match_rule) as best_match_rule,
        count(distinct candidates.customer_id) as candidate_customer_count,
        list(distinct candidates.customer_id order by candidates.customer_id)
            filter (where candidates.customer_id is not null) as candidate_customer_ids,
    from per_identity
    inner join candidates
        on candidates.source = per_identity.source
        and candidates.source_identity = per_identity.source_identity
        and candidates.rule_rank is not distinct from per_identity.best_rule_rank
    group by per_identity.source, per_identity.source_identity, per_identity.best_rule_rank

),

final as (

    select
        source || ':' || source_identity as link_id,
        source,
        source_identity,
        case when candidate_customer_count = 0 then 'unmatched' else 'ambiguous' end as reason,
        best_match_rule,
        candidate_customer_count,
        candidate_customer_ids,
    from best_claims
    where candidate_customer_count <> 1

)

select * from final
