// A page of a member's conversations in one box is a range of boxKey (graph.BoxKey of the member's
// side, IN), read in index order (Conversations).
CREATE RANGE INDEX conversation_box_key IF NOT EXISTS FOR ()-[s:IN]-() ON (s.boxKey)
