import { describe, expect, it } from "vitest";
import {
  allCoursesExportFilename,
  attachmentDisposition,
  courseExportFilename,
  sessionExportFilename,
  slugify,
} from "./names";
import { formatPercent, secondsToMinutes } from "./attendance";

describe("export file names", () => {
  it("say which course and which days", () => {
    expect(sessionExportFilename("Data Science 101", "2026-11-25")).toBe("data-science-101_2026-11-25_attendance.csv");
    expect(courseExportFilename("Química Orgánica — Sección B", { from: "2026-09-01", to: "2026-12-20" })).toBe(
      "quimica-organica-seccion-b_2026-09-01_to_2026-12-20_attendance.csv",
    );
    expect(courseExportFilename("Data Science 101", null)).toBe("data-science-101_all-sessions_attendance.csv");
    expect(allCoursesExportFilename("2026-11-24", "2026-11-24")).toBe(
      "all-courses_2026-11-24_to_2026-11-24_attendance.csv",
    );
  });

  it("never produce an empty or overlong name", () => {
    expect(slugify("李雷的课")).toBe("course");
    expect(slugify("=cmd|' /C calc'!A0")).toBe("cmd-c-calc-a0");
    expect(slugify("x".repeat(200))).toHaveLength(60);
  });

  it("make an attachment header", () => {
    expect(attachmentDisposition("a_2026-11-25_attendance.csv")).toBe(
      'attachment; filename="a_2026-11-25_attendance.csv"',
    );
  });
});

describe("figures in exports", () => {
  it("writes minutes and percentages with one decimal", () => {
    expect(secondsToMinutes(0)).toBe("0.0");
    expect(secondsToMinutes(5430)).toBe("90.5");
    expect(secondsToMinutes(59)).toBe("1.0");
    expect(secondsToMinutes(10_800)).toBe("180.0");
    expect(formatPercent(97.5)).toBe("97.5");
    expect(formatPercent(100)).toBe("100.0");
    expect(formatPercent(33.333333)).toBe("33.3");
  });
});
