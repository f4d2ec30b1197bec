// Fixed secrets for test servers: tests sign webhooks with these.
import { DEMO_USERS, type DemoUserSet } from "../../lib/demo/accounts";

/**
 * The demo's accounts as the test server has them: same emails and roles, passwords of their own
 * (a production server refuses to start while an account has a published demo password).
 */
export const TEST_USERS: DemoUserSet = {
  admin: { ...DEMO_USERS.admin, password: "test-only-admin-password" },
  instructor: { ...DEMO_USERS.instructor, password: "test-only-teacher-password" },
  otherInstructor: { ...DEMO_USERS.otherInstructor, password: "test-only-other-password" },
};

export const TEST_WEBHOOK_SECRET = "test-webhook-secret-current";
export const TEST_WEBHOOK_OLD_SECRET = "test-webhook-secret-previous";
export const TEST_AUTH_SECRET = "test-auth-secret-0123456789abcdefghijklmnop";

export function testServerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_SECRET: TEST_AUTH_SECRET,
    ZOOM_WEBHOOK_SECRET_TOKEN: `${TEST_WEBHOOK_SECRET},${TEST_WEBHOOK_OLD_SECRET}`,
    // Test servers listen on plain http://127.0.0.1 (production requires an https APP_URL otherwise).
    ALLOW_INSECURE_HTTP: "1",
    // Tests on the shared server check that each rejected delivery leaves a row; the bound on
    // rejected rows (default 60 a minute) is tested on a server of its own (test/webhook/flood.test.ts).
    WEBHOOK_REJECTED_ROWS_PER_MINUTE: "100000",
    ...extra,
  };
}
