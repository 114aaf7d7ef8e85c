-- Stage replaces the peer's tables with empty staging tables shaped like the CSV files
-- `reach seed --out` writes (seed/csv.go), one column per CSV column, so COPY can read the files
-- as they are. Load.sql turns them into the peer's tables. Invitations and reports are not
-- staged: neither reachability nor the messaging rules read them (a restriction is a member's
-- flag, as in reach). Members and messages end with columns the CSV files do not carry (a
-- member's message requests, what a request went through), which a network copied from reach
-- fills and COPY leaves null: requests on, none sent.
DROP TABLE IF EXISTS declines, messages, blocks, knows, memberships, groups, positions, organisations,
  members, stage_members, stage_connections, stage_blocks, stage_messages, stage_declines,
  stage_organisations, stage_groups, stage_positions, stage_memberships CASCADE;
CREATE UNLOGGED TABLE stage_members (
  id text, label text, name text, name_lower text, headline text, company text,
  inmail_credits bigint, plan text, plan_granted_at timestamptz, restricted boolean, inmail text,
  open_profile boolean, profile_visibility text, connections_visibility text, searchable boolean,
  created_at timestamptz, connections_version bigint,
  message_requests boolean, requests_month bigint, requests_sent bigint
);
CREATE UNLOGGED TABLE stage_connections (a text, b text, type text, since timestamptz);
CREATE UNLOGGED TABLE stage_blocks (blocker text, blocked text, type text, at timestamptz);
CREATE UNLOGGED TABLE stage_messages (
  sender text, recipient text, type text, id text, thread_id text, kind text, channel text,
  cost bigint, subject text, body text, body_hash text, attachments text, sent_at timestamptz,
  read_at timestamptz, status text, refunded boolean, deleted_by_sender boolean,
  deleted_by_recipient boolean, credits_after bigint,
  inbox_key text, request_key text, sent_key text, -- Neo4j's mailbox order (graph.MailboxKey); the peer's is its indexes
  via_kind text, via_id text, via_name text
);
CREATE UNLOGGED TABLE stage_declines (decliner text, sender text, type text, at timestamptz, message_id text);
CREATE UNLOGGED TABLE stage_organisations (id text, label text, name text, kind text);
CREATE UNLOGGED TABLE stage_groups (id text, label text, name text);
CREATE UNLOGGED TABLE stage_positions (member text, org text, type text, title text, from_year bigint, to_year bigint);
CREATE UNLOGGED TABLE stage_memberships (member text, grp text, type text, since timestamptz);
