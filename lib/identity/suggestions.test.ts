// Guest suggestions on a table of realistic display names: what Zoom shows for a student who
// joined from a phone, typed their name differently, or used their email, and the pairs that
// must not be suggested (two students called Chris).
import { describe, expect, it } from "vitest";
import { emailHandle, nameTokens, similarity, suggestStudents, type SuggestionCandidate } from "./suggestions";

const ROSTER: SuggestionCandidate[] = [
  { studentId: "hana", name: "Hana Sato", email: "hana.sato@school.edu" },
  { studentId: "hanna", name: "Hanna Kimura", email: "hkimura@school.edu" },
  { studentId: "wong", name: "Chris Wong", email: "cwong@school.edu" },
  { studentId: "patel", name: "Chris Patel", email: "c.patel@school.edu" },
  { studentId: "jose", name: "José Núñez", email: "jnunez@school.edu" },
  { studentId: "zoe", name: "Zoë Müller-Schmidt", email: "zoe.ms@school.edu" },
  { studentId: "ana", name: "Ana Lima", email: "ana.lima@school.edu" },
  { studentId: "bo", name: "Bo Li", email: "boli@school.edu" },
];

const top = (name: string, email: string | null = null) => suggestStudents({ name, email }, ROSTER);

describe("name normalisation", () => {
  it.each([
    ["Hana (iPad)", ["hana"]],
    ["Sato, Hana", ["hana", "sato"]],
    ["hana  sato", ["hana", "sato"]],
    ["Hana's iPhone", ["hana"]],
    ["iPhone (2)", []],
    ["Galaxy S21", []],
    ["José Núñez", ["jose", "nunez"]],
    ["Zoë Müller-Schmidt", ["zoe", "muller", "schmidt"]],
    ["H. Sato", ["h", "sato"]],
  ])("%s → %j", (name, tokens) => {
    expect(nameTokens(name)).toEqual(tokens);
  });

  it("takes the letters of an email's local part", () => {
    expect(emailHandle("H.Sato2@gmail.com")).toBe("hsato");
    expect(emailHandle(null)).toBe("");
    expect(emailHandle("no-at-sign")).toBe("");
  });
});

describe("suggestions for a guest", () => {
  it.each([
    // display name, email, the student who must come first
    ["hana sato", null, "hana"],
    ["Sato, Hana", null, "hana"],
    ["Hana Sato (iPad)", null, "hana"],
    ["Hana's iPhone", null, "hana"],
    ["H. Sato", null, "hana"],
    ["hsato", null, "hana"],
    ["iPhone (2)", "hsato@gmail.com", "hana"],
    ["Hanna K", null, "hanna"],
    ["Jose Nunez", null, "jose"],
    ["JOSÉ NÚÑEZ", null, "jose"],
    ["Nunez, Jose", null, "jose"],
    ["Zoe Muller Schmidt", null, "zoe"],
    ["Chris Wong (iPhone)", null, "wong"],
    ["Chris W", null, "wong"],
    ["chris patel", null, "patel"],
    ["C Patel", null, "patel"],
    ["Ana", "ana.lima@gmail.com", "ana"],
    ["Guest", "cwong@gmail.com", "wong"],
  ])("%s <%s> → %s first", (name, email, studentId) => {
    const suggestions = top(name, email);
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions[0].studentId).toBe(studentId);
    expect(suggestions[0].score).toBeGreaterThanOrEqual(0.85);
    expect(suggestions.length).toBeLessThanOrEqual(3);
    // Best first, scores within 0–1.
    for (let i = 1; i < suggestions.length; i++)
      expect(suggestions[i].score).toBeLessThanOrEqual(suggestions[i - 1].score);
    for (const suggestion of suggestions) expect(suggestion.score).toBeLessThanOrEqual(1);
  });

  it("does not offer the other Chris with a high score", () => {
    expect(similarity({ name: "Chris Wong" }, ROSTER[3])).toBeLessThan(0.7);
    expect(similarity({ name: "Chris Patel" }, ROSTER[2])).toBeLessThan(0.7);
    expect(top("Chris Wong").map((suggestion) => suggestion.studentId)).toEqual(["wong"]);
    expect(top("Chris P").map((suggestion) => suggestion.studentId)).toEqual(["patel"]);
  });

  it("offers both Chrises, equally, for a bare 'Chris': a person decides", () => {
    const suggestions = top("Chris");
    expect(suggestions.map((suggestion) => suggestion.studentId).sort()).toEqual(["patel", "wong"]);
    expect(suggestions[0].score).toBe(suggestions[1].score);
    expect(suggestions[0].score).toBeLessThan(0.9);
  });

  it.each([
    ["iPhone (2)", null],
    ["Galaxy S21", null],
    ["Visiting parent", null],
    ["Dr. Robert Brown", null],
    ["Guest", "parent123@gmail.com"],
    ["Samantha Okafor", null],
  ])("suggests no one for %s <%s>", (name, email) => {
    expect(top(name, email)).toEqual([]);
  });

  it("never suggests more than three, and only from the candidates given", () => {
    const many = Array.from({ length: 6 }, (_, index) => ({
      studentId: `s${index}`,
      name: `Hana Sato${"x".repeat(index)}`,
      email: `h${index}@x.edu`,
    }));
    expect(suggestStudents({ name: "Hana Sato" }, many)).toHaveLength(3);
    expect(suggestStudents({ name: "Hana Sato" }, [])).toEqual([]);
  });

  it("ranks an exact name above a near one", () => {
    expect(similarity({ name: "Bo Li" }, ROSTER[7])).toBe(1);
    expect(similarity({ name: "Bob Lin" }, ROSTER[7])).toBeLessThan(0.9);
    expect(similarity({ name: "Hana Sato" }, ROSTER[0])).toBeGreaterThan(similarity({ name: "Hana Sato" }, ROSTER[1]));
  });
});
