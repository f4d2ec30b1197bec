// The demo's accounts and their published passwords (README "Two commands"), and the rules that
// keep them out of production: the demo refuses to run against a production configuration or an
// external database, and a production server refuses to start while an enabled account still
// signs in with one of these passwords (lib/demo/production-check.ts). No database import here:
// scripts/demo-guard.ts checks the environment before anything else loads.
import path from "node:path";

export const DEMO_USERS = {
  admin: { email: "admin@rollcall.test", name: "Ada Admin", role: "admin", password: "rollcall-admin" },
  instructor: {
    email: "teacher@rollcall.test",
    name: "Tomás Teacher",
    role: "instructor",
    password: "rollcall-teacher",
  },
  otherInstructor: { email: "other@rollcall.test", name: "Olga Other", role: "instructor", password: "rollcall-other" },
} as const;

export type DemoUserKey = keyof typeof DEMO_USERS;
export type DemoUserSet = Record<
  DemoUserKey,
  { email: string; name: string; role: "admin" | "instructor"; password: string }
>;

/** Every password the README publishes. */
export const PUBLISHED_DEMO_PASSWORDS: readonly string[] = Object.values(DEMO_USERS).map((user) => user.password);

/** The demo's own data directory, apart from the `.data/` that `npm start` uses. */
export const DEMO_DATA_DIRECTORY = path.join(".data", "demo");

/** Why the demo must not run in this environment, or null when it may. */
export function demoRefusal(env: Record<string, string | undefined>): string | null {
  if (env.NODE_ENV === "production") {
    return "The demo does not run with NODE_ENV=production: it creates accounts whose passwords are published in the README. Unset NODE_ENV, or use `npm start` for a real deployment.";
  }
  if (env.DATABASE_URL?.trim()) {
    return "The demo does not run with DATABASE_URL set: it would put accounts with published passwords into that database. Unset DATABASE_URL; the demo keeps its own embedded database under .data/demo.";
  }
  return null;
}
