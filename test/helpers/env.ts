// Fixed secrets for test servers: tests sign webhooks with these.
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-current";
export const TEST_WEBHOOK_OLD_SECRET = "test-webhook-secret-previous";
export const TEST_AUTH_SECRET = "test-auth-secret-0123456789abcdefghijklmnop";

export function testServerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_SECRET: TEST_AUTH_SECRET,
    ZOOM_WEBHOOK_SECRET_TOKEN: `${TEST_WEBHOOK_SECRET},${TEST_WEBHOOK_OLD_SECRET}`,
    ...extra,
  };
}
