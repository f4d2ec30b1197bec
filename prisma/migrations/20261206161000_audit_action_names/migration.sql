-- One audit trail (ADR 018): every action is named `<subject type>.<past participle>` and every
-- subject is stored as `<type>:<id>`. Rows written before keep what they record and take the new
-- names, so a reader (or a query by action) sees one vocabulary. No schema change.
UPDATE "audit_entries" AS a
SET "action" = m."renamed"
FROM (VALUES
  ('token_create', 'token.created'),
  ('token_revoke', 'token.revoked'),
  ('user_role', 'user.role_changed'),
  ('user_disable', 'user.disabled'),
  ('user_enable', 'user.enabled'),
  ('user_password_change', 'user.password_changed'),
  ('user_password_reset', 'user.password_reset'),
  ('meeting_share', 'meeting.shared'),
  ('meeting_unshare', 'meeting.unshared'),
  ('manual_match', 'guest.matched'),
  ('session_reconcile', 'session.reconciled')
) AS m("old", "renamed")
WHERE a."action" = m."old";

-- Student exports and erasures named the student by bare ID.
UPDATE "audit_entries"
SET "subject" = 'student:' || "subject"
WHERE "action" IN ('student.exported', 'student.erased') AND strpos("subject", ':') = 0;
