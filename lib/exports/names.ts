// File names that say what an export is: data-science-101_2026-11-25_attendance.csv.

/** "Data Science 101 (Fall) — Zoë" → "data-science-101-fall-zoe"; never empty, at most 60 characters. */
export function slugify(text: string, fallback = "course"): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents split off by NFKD
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || fallback;
}

export function sessionExportFilename(courseName: string, localDate: string): string {
  return `${slugify(courseName)}_${localDate}_attendance.csv`;
}

/** data-science-101_2026-09-01_to_2026-12-20_attendance.csv, or …_all-sessions_… without a range. */
export function courseExportFilename(courseName: string, range: { from: string; to: string } | null): string {
  return `${slugify(courseName)}_${range ? `${range.from}_to_${range.to}` : "all-sessions"}_attendance.csv`;
}

export function allCoursesExportFilename(from: string, to: string): string {
  return `all-courses_${from}_to_${to}_attendance.csv`;
}

/** The header that makes a browser save the answer under `filename` (ASCII by construction). */
export function attachmentDisposition(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`;
}
