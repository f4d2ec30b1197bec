// Admin changes to users: role and disabling. Guards keep a deployment administrable: an admin
// cannot lock themselves out, and the last enabled admin cannot be demoted or disabled.
import { recordAudit } from "../audit";
import { prisma, type Tx } from "../db";
import type { Role } from "../generated/prisma/enums";

export class AdminGuardError extends Error {}

async function assertAnotherEnabledAdmin(tx: Tx, userId: string) {
  const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: userId } } });
  if (others === 0)
    throw new AdminGuardError("Rollcall needs at least one enabled admin: make someone else an admin first.");
}

export async function setUserRole(actorId: string, userId: string, role: Role): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AdminGuardError("That user does not exist.");
    if (user.role === role) return;
    if (user.role === "admin") {
      if (userId === actorId) throw new AdminGuardError("You cannot remove your own admin role.");
      await assertAnotherEnabledAdmin(tx, userId);
    }
    await tx.user.update({ where: { id: userId }, data: { role } });
    await recordAudit(tx, {
      action: "user.role_changed",
      actorId,
      subject: { type: "user", id: userId },
      detail: { from: user.role, to: role },
    });
  });
}

/** Disabling takes effect at once: every request re-reads the user (lib/access.ts, API tokens). */
export async function setUserDisabled(actorId: string, userId: string, disabled: boolean): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AdminGuardError("That user does not exist.");
    if (Boolean(user.disabledAt) === disabled) return;
    if (disabled) {
      if (userId === actorId) throw new AdminGuardError("You cannot disable your own account.");
      if (user.role === "admin") await assertAnotherEnabledAdmin(tx, userId);
    }
    // Bumping the session version on disabling means re-enabling does not revive old sessions.
    await tx.user.update({
      where: { id: userId },
      data: { disabledAt: disabled ? new Date() : null, ...(disabled ? { sessionVersion: { increment: 1 } } : {}) },
    });
    await recordAudit(tx, {
      action: disabled ? "user.disabled" : "user.enabled",
      actorId,
      subject: { type: "user", id: userId },
    });
  });
}
