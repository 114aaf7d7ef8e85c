-- RecentInMails answers, for the abuse limits, how many InMails the sender ($1, a key) sent after
-- $2 and when the oldest of them was sent, and to how many members other than $3 (a key) the
-- sender sent an InMail with the same folded body ($4) since then.
-- Cost: one range of the partial index messages_inmails, at most a day of the sender's InMails
-- (the daily limit bounds it), read from the index alone.
SELECT count(*), coalesce(min(sent_at), $2),
       count(DISTINCT recipient) FILTER (WHERE body_hash = $4 AND recipient <> $3)
FROM messages WHERE sender = $1 AND kind = 'inmail' AND sent_at > $2
