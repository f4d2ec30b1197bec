// The audit log (table audit_entries): who did which administrative thing to what, kept for the
// life of the deployment (docs/privacy.md). Every row is written by recordAudit, called by the
// service that makes the change and, where the change is a transaction, inside it, so the change
// and its record commit together. The dashboard, the API and the command line go through the same
// services, so they leave the same rows. Naming (ADR 018): `<subject type>.<past participle>`, and
// the subject is stored as `<type>:<id>`.
import type { Prisma } from "./generated/prisma/client";
import type { MatchKind, Role } from "./generated/prisma/enums";

/** Every action, with the kind of record it is about and the details its row carries. */
interface AuditCatalog {
  "user.created": { subject: "user"; detail: { role: Role } };
  "user.role_changed": { subject: "user"; detail: { from: Role; to: Role } };
  "user.disabled": { subject: "user"; detail: null };
  "user.enabled": { subject: "user"; detail: null };
  /** the user changed their own password */
  "user.password_changed": { subject: "user"; detail: null };
  /** an admin (or the command line) set someone's password */
  "user.password_reset": { subject: "user"; detail: null };
  "token.created": {
    subject: "token";
    detail: { owner: string; scope: "read-only" | "read-write"; expiresAt: string | null };
  };
  "token.revoked": { subject: "token"; detail: null };
  "meeting.shared": { subject: "meeting"; detail: { courseId: string } };
  "meeting.unshared": { subject: "meeting"; detail: { courseId: string } };
  /** an instructor's manual match of a guest to a roster student; erasure redacts `guestKey` */
  "guest.matched": { subject: "session"; detail: { guestKey: string; kind: MatchKind; studentId: string } };
  "session.reconciled": { subject: "session"; detail: Prisma.InputJsonObject };
  "student.exported": { subject: "student"; detail: { courseId: string; events: number } };
  /** counts only: never who the student was */
  "student.erased": { subject: "student"; detail: { courseId: string } & Record<string, number | string> };
}

export type AuditAction = keyof AuditCatalog;
export type AuditSubjectType = AuditCatalog[AuditAction]["subject"];

export interface AuditSubject<Type extends AuditSubjectType = AuditSubjectType> {
  type: Type;
  id: string;
}

/** One row to record: the action decides the subject's type and the details' shape. */
export type AuditRecord = {
  [Action in AuditAction]: {
    action: Action;
    /** the signed-in user or API token owner; null for the command line and scheduled jobs */
    actorId: string | null;
    subject: AuditSubject<AuditCatalog[Action]["subject"]>;
  } & (AuditCatalog[Action]["detail"] extends null ? { detail?: null } : { detail: AuditCatalog[Action]["detail"] });
}[AuditAction];

/** The client or transaction the row is written with. */
export type AuditWriter = Pick<Prisma.TransactionClient, "auditEntry">;

/** How a subject is stored: "student:cm3x…", "session:cm3y…", "meeting:81234567890". */
export function auditSubject(subject: AuditSubject): string {
  return `${subject.type}:${subject.id}`;
}

/**
 * Writes one audit row with `db` (a transaction client, to commit with the change it records).
 * Returns Prisma's lazy promise, so it may also go into a batch `prisma.$transaction([...])`.
 */
export function recordAudit(db: AuditWriter, record: AuditRecord) {
  return db.auditEntry.create({
    data: {
      actorId: record.actorId,
      action: record.action,
      subject: auditSubject(record.subject),
      details: (record.detail ?? undefined) as Prisma.InputJsonValue | undefined,
    },
    select: { id: true },
  });
}
