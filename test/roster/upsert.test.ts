// Roster upserts: by email, case-insensitively; a CSV without the registrant column keeps IDs.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";

let students: typeof import("../../lib/services/students");
let prisma: (typeof import("../../lib/db"))["prisma"];

beforeAll(async () => {
  await useFreshDatabase("roster");
  students = await import("../../lib/services/students");
  ({ prisma } = await import("../../lib/db"));
});

describe("roster import", () => {
  it("upserts by email and keeps registrant IDs when the CSV has no such column", async () => {
    const course = await prisma.course.create({ data: { name: "Roster", timezone: "UTC" } });
    const first = students.parseRosterCsv(
      "name,email,zoom_registrant_id\nAna Lima,ana@school.edu,reg-ana\nBen Okafor,ben@school.edu,\n",
    );
    expect(first.errors).toEqual([]);
    expect(await students.upsertStudents(course.id, first.students)).toEqual({ created: 2, updated: 0 });

    const second = students.parseRosterCsv("name,email\nAna Lima-Souza,ANA@School.edu\nChen Wei,chen@school.edu\n");
    expect(await students.upsertStudents(course.id, second.students)).toEqual({ created: 1, updated: 1 });
    const ana = await prisma.student.findFirstOrThrow({
      where: { courseId: course.id, emailNormalized: "ana@school.edu" },
    });
    expect(ana).toMatchObject({ name: "Ana Lima-Souza", email: "ANA@School.edu", zoomRegistrantId: "reg-ana" });

    const cleared = students.parseRosterCsv("name,email,zoom_registrant_id\nAna Lima-Souza,ana@school.edu,\n");
    await students.upsertStudents(course.id, cleared.students);
    expect((await prisma.student.findUniqueOrThrow({ where: { id: ana.id } })).zoomRegistrantId).toBeNull();
  });

  it("reports each bad row once, in plain words", () => {
    const parsed = students.parseRosterCsv(
      "name,email\n,ana@school.edu\nBen,not-an-email\nCara,cara@school.edu\nCara again,CARA@school.edu\n",
    );
    expect(parsed.students.map((student) => student.name)).toEqual(["Cara"]);
    expect(parsed.errors).toEqual([
      { row: 2, message: "name is required" },
      { row: 3, message: "email must be an email address" },
      { row: 5, message: "email CARA@school.edu already appears on row 4" },
    ]);
  });

  it("refuses an edit to an email another student has", async () => {
    const course = await prisma.course.create({ data: { name: "Edits", timezone: "UTC" } });
    await students.upsertStudents(course.id, [
      { name: "Ana", email: "ana@x.edu", zoomRegistrantId: null },
      { name: "Ben", email: "ben@x.edu", zoomRegistrantId: null },
    ]);
    const ben = await prisma.student.findFirstOrThrow({ where: { courseId: course.id, emailNormalized: "ben@x.edu" } });
    await expect(
      students.updateStudent(ben.id, { name: "Ben", email: "ANA@x.edu", zoomRegistrantId: null }),
    ).rejects.toBeInstanceOf(students.DuplicateStudentEmailError);
  });
});
