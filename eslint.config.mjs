import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const root = import.meta.dirname;

// The attendance rules and engine: pure functions of their inputs (docs/ARCHITECTURE.md).
const PURE_ATTENDANCE = [
  "lib/attendance/engine/**",
  "lib/attendance/rules.ts",
  "lib/attendance/types.ts",
  "lib/attendance/pseudonym.ts",
  "lib/attendance/final-record.ts",
  "lib/attendance/term.ts",
  "lib/attendance/waiting-room.ts",
  "lib/attendance/live-delta.ts",
];

// Which layer may import which: data flows one way, Zoom → webhook → event store → queue → worker →
// engine → projections → pages/API/CSV. docs/ARCHITECTURE.md explains each zone; a backwards import
// fails `npm run lint`. Paths are matched after resolution, so "@/lib/…" and "../…" are treated alike.
const layerZones = [
  {
    target: "./lib",
    from: ["./app", "./components", "./scripts", "./test", "./bench", "./e2e"],
    message: "lib/ is below the pages and scripts: pass what it needs in (docs/ARCHITECTURE.md).",
  },
  {
    target: "./components",
    from: [
      "./app",
      "./scripts",
      "./lib/db.ts",
      "./lib/db",
      "./lib/worker",
      "./lib/webhook",
      "./lib/events",
      "./lib/queue",
    ],
    message: "Components render what pages give them and read through lib/*/read.ts; server actions come in as props.",
  },
  {
    target: ["./app", "./components", "./lib", "./scripts"],
    from: ["./test", "./bench", "./e2e"],
    message: "Product code never imports tests or benchmarks.",
  },
  {
    target: "./lib/queue",
    from: "./lib",
    except: ["./queue", "./db.ts", "./generated", "./config.ts", "./log.ts"],
    message:
      "lib/queue only adds jobs (typed by lib/queue/payloads.ts); it knows no feature. Tasks are wired in lib/worker.",
  },
  {
    target: ["./lib/!(worker)/**", "./lib/*.ts", "./app/**", "./components/**"],
    from: ["./lib/worker"],
    message:
      "lib/worker is the composition root: only scripts (serve, worker) start it. Features add jobs through lib/queue.",
  },
  {
    target: ["./lib/!(webhook)/**", "./lib/*.ts", "./components/**", "./app/!(api)/**", "./app/api/!(zoom)/**"],
    from: ["./lib/webhook"],
    message: "Webhook receipt is entered only by app/api/zoom/webhook and scripts/serve.ts.",
  },
  {
    target: "./lib/zoom",
    from: [
      "./lib/db.ts",
      "./lib/db",
      "./lib/events",
      "./lib/queue",
      "./lib/worker",
      "./lib/webhook",
      "./lib/services",
      "./lib/generated",
    ],
    message: "lib/zoom is Zoom's adapter (payload shapes, signature, API client): it stores nothing.",
  },
  {
    target: PURE_ATTENDANCE.map((path) => `./${path}`),
    from: ["./lib/**/*", "./app/**/*", "./components/**/*"],
    // live-delta.ts names the read models' types (type-only imports, erased at build).
    // Glob exceptions are matched against absolute paths.
    except: [
      `${root}/lib/attendance/engine/**`,
      `${root}/lib/attendance/{rules,types,pseudonym,final-record,term,waiting-room,live-delta,read,waiting-room-read}.ts`,
    ],
    message: "The attendance rules and engine are pure: no database, queue, config or I/O (ADR 003).",
  },
];

const config = [
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-*/**",
      ".data/**",
      "lib/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Tests, benchmarks and the scripts that drive them (test runner, drills) may reach anything.
    ignores: ["**/*.test.ts", "test/**", "bench/**", "e2e/**", "scripts/test.ts", "scripts/drill.ts"],
    rules: { "import/no-restricted-paths": ["error", { zones: layerZones }] },
  },
  {
    files: PURE_ATTENDANCE,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "pg",
                "@prisma/*",
                "graphile-worker",
                "nodemailer",
                "next",
                "next/*",
                "react",
                "node:fs",
                "node:fs/*",
                "node:net",
                "node:http",
                "fs",
                "http",
              ],
              message:
                "The attendance rules and engine are pure: no database, network, framework or file I/O (ADR 003).",
            },
          ],
        },
      ],
    },
  },
];

export default config;
