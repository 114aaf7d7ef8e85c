// BaselineSender answers the caller's credits, plan, restriction and message requests sent in
// the month of the latest one.
// Cost: one index seek.
MATCH (a:Member {id: $caller})
RETURN a.inmailCredits AS credits, a.plan AS plan, a.planGrantedAt AS planGrantedAt,
       coalesce(a.restricted, false) AS restricted,
       coalesce(a.requestsMonth, 0) AS requestsMonth, coalesce(a.requestsSent, 0) AS requestsSent
