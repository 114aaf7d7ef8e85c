-- Reachability answers how the caller ($1) stands to a member ($2), in one row: the degree (0 for
-- the caller themselves, 1, 2 or 3, null beyond 3 hops), the number of mutual connections, and
-- every fact the messaging rules need: has the member written to the caller, declined the
-- caller's InMail, or an InMail from the caller awaiting an answer; the caller's restriction,
-- credits and plan; the member's InMail policy and open profile. Members in a block relation
-- with the caller, either way, are never a step of a chain nor counted as mutual, as in reach;
-- when the member is one of them, or either id names no member, there is no row.
-- Cost: two unique-index seeks; the caller's blocks, two index range scans; the connections of
-- whichever of the two has fewer, one range of knows' primary key, read from the index alone;
-- one primary-key probe per connection on that list for the mutual count, and one more for the
-- direct test. Only when these find nothing, the connections of each member on the shorter list,
-- each looked up in a hash of the longer side's list, stopping at the first chain of 3. Then three
-- index probes for the messaging facts.
WITH me AS (
  SELECT key, connections, inmail_credits, plan, plan_granted_at, restricted
  FROM members WHERE id = $1
), them AS (
  SELECT key, connections, inmail, open_profile
  FROM members WHERE id = $2
), hidden AS (
  SELECT blocked AS key FROM blocks WHERE blocker = (SELECT key FROM me)
  UNION
  SELECT blocker FROM blocks WHERE blocked = (SELECT key FROM me)
), pair AS (
  SELECT me.key AS me, them.key AS them,
         CASE WHEN me.connections <= them.connections THEN me.key ELSE them.key END AS small,
         CASE WHEN me.connections <= them.connections THEN them.key ELSE me.key END AS large
  FROM me, them
  WHERE them.key NOT IN (SELECT key FROM hidden)
), near AS (
  -- the smaller side's connections, less the hidden members
  SELECT k.b AS key FROM pair, knows k
  WHERE k.a = pair.small AND k.b NOT IN (SELECT key FROM hidden)
), far AS (
  -- the larger side's connections, only read when looking for a chain of 3
  SELECT k.b AS key FROM pair, knows k WHERE k.a = pair.large
), counted AS MATERIALIZED (
  -- materialized, so the mutual count runs once though read twice
  SELECT pair.*,
         EXISTS (SELECT 1 FROM knows WHERE a = pair.me AND b = pair.them) AS direct,
         -- one probe per connection on the shorter list: LIMIT 1 keeps the planner from reading
         -- the whole longer list instead, which for a member with thousands costs a millisecond
         (SELECT count(*) FROM near, LATERAL (SELECT 1 FROM knows k WHERE k.a = pair.large AND k.b = near.key LIMIT 1) hit)
           AS mutual
  FROM pair
)
SELECT CASE
         WHEN c.me = c.them THEN 0
         WHEN c.direct THEN 1
         WHEN c.mutual > 0 THEN 2
         WHEN EXISTS (SELECT 1 FROM near x JOIN knows k ON k.a = x.key
                      WHERE k.b IN (SELECT key FROM far) AND k.b NOT IN (SELECT key FROM hidden)) THEN 3
       END AS degree,
       CASE WHEN c.me = c.them THEN 0 ELSE c.mutual END AS mutual,
       c.me <> c.them AND EXISTS (SELECT 1 FROM messages m WHERE m.sender = c.them AND m.recipient = c.me)
         AS they_wrote_first,
       EXISTS (SELECT 1 FROM declines d WHERE d.decliner = c.them AND d.sender = c.me) AS declined,
       EXISTS (SELECT 1 FROM messages m WHERE m.sender = c.me AND m.recipient = c.them
                                          AND m.kind = 'inmail' AND m.status = 'pending') AS awaiting_reply,
       me.restricted, me.inmail_credits, me.plan, me.plan_granted_at, them.inmail, them.open_profile
FROM counted c, me, them
