// Installs dependencies when they are missing or older than package-lock.json, and generates the
// Prisma client when it is missing or older than the schema. Keeps the README's commands to one line.
import { execSync } from "node:child_process";
import fs from "node:fs";

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const run = (command) => execSync(command, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });

if (
  !fs.existsSync("node_modules/.package-lock.json") ||
  mtime("package-lock.json") > mtime("node_modules/.package-lock.json")
) {
  console.log("Installing dependencies (npm ci)…");
  run("npm ci --no-audit --no-fund");
}
if (mtime("prisma/schema.prisma") > mtime("lib/generated/prisma/client.ts")) {
  run("npm run --silent db:generate");
}
