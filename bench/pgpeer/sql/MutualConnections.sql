-- MutualConnections answers one page of the mutual connections of the caller ($1) and a member
-- ($2), ordered by name, then id, compared byte by byte as Neo4j compares strings, and how many
-- there are: their connections in common, leaving out members in a block relation with the
-- caller, either way (none between a member and themselves). The page starts after the key
-- ($4 name, $3 id) when $3 is not '' and holds up to $5 + 1 members, so that the caller can tell
-- whether another page follows. When the member is in a block relation with the caller, or
-- either id names no member, there is no row.
-- Cost: two unique-index seeks; the caller's blocks, two index range scans; the connections of
-- whichever of the two has fewer, one range of knows' primary key, and one probe of it per
-- connection; then each mutual connection by primary key, sorted.
WITH me AS (
  SELECT key, connections FROM members WHERE id = $1
), them AS (
  SELECT key, connections FROM members WHERE id = $2
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
), mutual AS MATERIALIZED (
  SELECT k.b AS key FROM pair, knows k
  WHERE pair.me <> pair.them AND k.a = pair.small AND k.b NOT IN (SELECT key FROM hidden)
    AND EXISTS (SELECT 1 FROM knows l WHERE l.a = pair.large AND l.b = k.b)
)
SELECT (SELECT count(*) FROM mutual) AS total,
       coalesce(array_agg(p.id ORDER BY p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS ids,
       coalesce(array_agg(p.name ORDER BY p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS names,
       coalesce(array_agg(p.headline ORDER BY p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS headlines
FROM pair
LEFT JOIN LATERAL (
  SELECT m.id COLLATE "C" AS id, m.name COLLATE "C" AS name, m.headline
  FROM mutual JOIN members m ON m.key = mutual.key
  WHERE $3 = '' OR m.name COLLATE "C" > $4 OR (m.name COLLATE "C" = $4 AND m.id COLLATE "C" > $3)
  ORDER BY 2, 1
  LIMIT $5 + 1
) p ON true
GROUP BY pair.me
