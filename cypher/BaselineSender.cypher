// BaselineSender answers the caller's credits, plan and restriction.
// Cost: one index seek.
MATCH (a:Member {id: $caller})
RETURN a.inmailCredits AS credits, a.plan AS plan, a.planGrantedAt AS planGrantedAt,
       coalesce(a.restricted, false) AS restricted
