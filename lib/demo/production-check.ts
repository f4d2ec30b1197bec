// A production server must not run while a demo account can still sign in with its published
// password (README "Who may see a meeting"). Checked at `npm start` against the
// stored bcrypt hashes of the enabled accounts that carry a demo email. bcrypt is deliberately
// slow (~0.3 s a comparison), so only those accounts are compared — a real deployment without
// them pays one indexed query.
import { prisma } from "../db";
import { verifyPassword } from "../passwords";
import { DEMO_USERS, PUBLISHED_DEMO_PASSWORDS } from "./accounts";

/** Emails of enabled accounts that still sign in with a published demo password. */
export async function accountsWithDemoPasswords(): Promise<string[]> {
  const users = await prisma.user.findMany({
    where: {
      email: { in: Object.values(DEMO_USERS).map((user) => user.email) },
      disabledAt: null,
      passwordHash: { not: null },
    },
    select: { email: true, passwordHash: true },
    orderBy: { email: "asc" },
  });
  const found: string[] = [];
  for (const user of users) {
    for (const password of PUBLISHED_DEMO_PASSWORDS) {
      if (await verifyPassword(password, user.passwordHash)) {
        found.push(user.email);
        break;
      }
    }
  }
  return found;
}

/** The start-up refusal, one line per account to fix; null when there is none. */
export async function demoPasswordRefusal(): Promise<string[] | null> {
  const emails = await accountsWithDemoPasswords();
  if (emails.length === 0) return null;
  return [
    ...emails.map(
      (email) => `Rollcall will not start in production: the account ${email} still has a published demo password.`,
    ),
    "Give each one a new password or disable it (UPDATE users SET \"disabledAt\" = now() WHERE email = '…'), then start again.",
  ];
}
