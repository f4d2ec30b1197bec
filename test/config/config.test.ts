import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../lib/config";
import { assertNoDevelopmentSecrets } from "../../lib/dev-secrets";

const valid = { ZOOM_WEBHOOK_SECRET_TOKEN: "secret-a", AUTH_SECRET: "x".repeat(32) };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("configuration", () => {
  it("accepts a minimal configuration and fills the defaults", () => {
    const config = parseConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.appUrl).toBe("http://localhost:3000");
    expect(config.ZOOM_API_URL).toBe("https://api.zoom.us/v2");
    expect(config.ZOOM_OAUTH_URL).toBe("https://zoom.us/oauth/token");
    expect(config.reportApiConfigured).toBe(false);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("splits comma-separated webhook secrets for rotation", () => {
    expect(parseConfig({ ...valid, ZOOM_WEBHOOK_SECRET_TOKEN: " new , old " }).ZOOM_WEBHOOK_SECRET_TOKEN).toEqual([
      "new",
      "old",
    ]);
  });

  it.each([
    [{ ZOOM_WEBHOOK_SECRET_TOKEN: undefined }, "ZOOM_WEBHOOK_SECRET_TOKEN is required"],
    [{ ZOOM_WEBHOOK_SECRET_TOKEN: " , " }, "ZOOM_WEBHOOK_SECRET_TOKEN must hold at least one secret"],
    [{ AUTH_SECRET: undefined }, "AUTH_SECRET is required"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET must be at least 32 characters"],
    [{ PORT: "eighty" }, "PORT must be a number"],
    [{ PORT: "70000" }, "PORT must be between 1 and 65535"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL must start with postgresql://"],
    [{ APP_URL: "not a url" }, "APP_URL must be a URL"],
    [{ SMTP_URL: "http://mail" }, "SMTP_URL must start with smtp://"],
    [{ WORKER: "maybe" }, "WORKER must be on or off"],
    [{ ZOOM_ACCOUNT_ID: "acc" }, "ZOOM_CLIENT_ID is required when any of"],
    [
      { TRUSTED_PROXIES: "10.0.0.1, proxy.local" },
      'TRUSTED_PROXIES must list IP addresses or CIDR ranges, comma-separated: "proxy.local" is not an IP address',
    ],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, '"10.0.0.0/33" has a bad prefix length (0–32)'],
  ])("names the bad variable: %j", (override, message) => {
    const found = problems({ ...valid, ...override });
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toContain(message);
    for (const line of found) expect(line).toMatch(/^Configuration error: /);
  });

  it("reports every bad variable, one line each", () => {
    const found = problems({ PORT: "x" });
    expect(found.some((line) => line.includes("ZOOM_WEBHOOK_SECRET_TOKEN"))).toBe(true);
    expect(found.some((line) => line.includes("AUTH_SECRET"))).toBe(true);
    expect(found.some((line) => line.includes("PORT"))).toBe(true);
  });

  it("turns the Report API on only with all three credentials", () => {
    expect(
      parseConfig({ ...valid, ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c" }).reportApiConfigured,
    ).toBe(true);
  });

  it("refuses development secrets in production", () => {
    expect(() =>
      assertNoDevelopmentSecrets({ NODE_ENV: "production", ZOOM_WEBHOOK_SECRET_TOKEN: "dev-webhook-secret-abc" }),
    ).toThrow(/development default/);
    expect(() =>
      assertNoDevelopmentSecrets({ NODE_ENV: "development", ZOOM_WEBHOOK_SECRET_TOKEN: "dev-webhook-secret-abc" }),
    ).not.toThrow();
  });
});
