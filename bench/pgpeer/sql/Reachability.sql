-- Reachability answers how the caller ($1) stands to a member ($2), in one row: the degree (0 for
-- the caller themselves, 1, 2 or 3, null beyond 3 hops), the number of mutual connections, and
-- every fact the messaging rules need: has the member written to the caller, declined the
-- caller's InMail or message request, accepted the caller's request, or an InMail or request
-- from the caller awaiting an answer; a group both are in and a company where both hold a current
-- position (of each, the lowest id, with its name; none between the caller and themselves);
-- whether the member takes message requests; the caller's restriction, credits, plan and
-- requests sent (in which month, and how many); the member's InMail policy and open profile. And
-- what the two share, as reach's answer shows it: the companies and schools where both have held
-- a position (at any time) and the groups both are in, of each how many and the first five
-- (graph.SharedItems) by name, then id; asked about themselves, a member shares all their own.
-- Members in a block relation with the caller, either way, are never a step of a chain nor
-- counted as mutual, as in reach; when the member is one of them, or either id names no member,
-- there is no row.
-- Cost: two unique-index seeks; the caller's blocks, two index range scans; the connections of
-- whichever of the two has fewer, one range of knows' primary key, read from the index alone;
-- one primary-key probe per connection on that list for the mutual count, and one more for the
-- direct test. Only when these find nothing, the connections of each member on the shorter list,
-- each looked up in a hash of the longer side's list, stopping at the first chain of 3. Then four
-- index probes for the messaging facts; the groups of each (a handful: one range of memberships'
-- primary key each, merged), the shared ones' ids read from groups; and the caller's current
-- positions (one or two: a range of the partial index), each probed there for the member at the
-- same organisation, that organisation's kind and id read. Last, the positions of each (a
-- handful: a range of positions_member each) and their groups again, the shared ones' names read.
WITH me AS (
  SELECT key, connections, inmail_credits, plan, plan_granted_at, restricted, requests_month, requests_sent
  FROM members WHERE id = $1
), them AS (
  SELECT key, connections, inmail, open_profile, message_requests
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
                                          AND m.status = 'pending') AS awaiting_reply,
       EXISTS (SELECT 1 FROM messages m WHERE m.sender = c.me AND m.recipient = c.them
                                          AND m.kind = 'request' AND m.status = 'accepted') AS accepted,
       coalesce(sg.id, '') AS shared_group_id, coalesce(sg.name, '') AS shared_group_name,
       coalesce(cw.id, '') AS coworker_id, coalesce(cw.name, '') AS coworker_name,
       them.message_requests, me.requests_month, me.requests_sent,
       me.restricted, me.inmail_credits, me.plan, me.plan_granted_at, them.inmail, them.open_profile,
       sh.companies, sh.company_ids, sh.company_names, sh.schools, sh.school_ids, sh.school_names,
       sh.groups, sh.group_ids, sh.group_names
FROM counted c
CROSS JOIN me
CROSS JOIN them
LEFT JOIN LATERAL (
  -- the group of lowest id both are in
  SELECT g.id, g.name FROM memberships mine
  JOIN memberships theirs ON theirs.member = c.them AND theirs.grp = mine.grp
  JOIN groups g ON g.key = mine.grp
  WHERE mine.member = c.me AND c.me <> c.them
  ORDER BY g.id LIMIT 1
) sg ON true
LEFT JOIN LATERAL (
  -- the company of lowest id where both hold a current position
  SELECT o.id, o.name FROM positions mine
  JOIN organisations o ON o.key = mine.org AND o.kind = 'company'
  WHERE mine.member = c.me AND mine.to_year IS NULL AND c.me <> c.them
    AND EXISTS (SELECT 1 FROM positions theirs
                WHERE theirs.member = c.them AND theirs.org = mine.org AND theirs.to_year IS NULL)
  ORDER BY o.id LIMIT 1
) cw ON true
CROSS JOIN LATERAL (
  -- what both share, by kind: how many, and the ids and names of the first five by name, then id
  SELECT count(*) FILTER (WHERE kind = 'company') AS companies,
         coalesce((array_agg(id ORDER BY name, id) FILTER (WHERE kind = 'company'))[1:5], '{}') AS company_ids,
         coalesce((array_agg(name ORDER BY name, id) FILTER (WHERE kind = 'company'))[1:5], '{}') AS company_names,
         count(*) FILTER (WHERE kind = 'school') AS schools,
         coalesce((array_agg(id ORDER BY name, id) FILTER (WHERE kind = 'school'))[1:5], '{}') AS school_ids,
         coalesce((array_agg(name ORDER BY name, id) FILTER (WHERE kind = 'school'))[1:5], '{}') AS school_names,
         count(*) FILTER (WHERE kind = 'group') AS groups,
         coalesce((array_agg(id ORDER BY name, id) FILTER (WHERE kind = 'group'))[1:5], '{}') AS group_ids,
         coalesce((array_agg(name ORDER BY name, id) FILTER (WHERE kind = 'group'))[1:5], '{}') AS group_names
  FROM (
    SELECT DISTINCT CASE o.kind WHEN 'school' THEN 'school' ELSE 'company' END AS kind,
                    o.id, o.name COLLATE "C" AS name
    FROM positions mine
    JOIN positions theirs ON theirs.member = c.them AND theirs.org = mine.org
    JOIN organisations o ON o.key = mine.org
    WHERE mine.member = c.me
    UNION ALL
    SELECT 'group', g.id, g.name COLLATE "C" FROM memberships mine
    JOIN memberships theirs ON theirs.member = c.them AND theirs.grp = mine.grp
    JOIN groups g ON g.key = mine.grp
    WHERE mine.member = c.me
  ) both_in
) sh
