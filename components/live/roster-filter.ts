// The live roster's "Show" choices: which students the table and the timeline list.
import type { StudentRow } from "@/lib/attendance/read";

export type RosterFilter = "all" | "in" | "not_joined" | "late" | "left";

export const ROSTER_FILTERS: { value: RosterFilter; label: string; test: (student: StudentRow) => boolean }[] = [
  { value: "all", label: "Everyone", test: () => true },
  { value: "in", label: "In meeting", test: (student) => student.inMeeting },
  { value: "left", label: "Joined, not in meeting", test: (student) => student.joinCount > 0 && !student.inMeeting },
  { value: "not_joined", label: "Not joined", test: (student) => student.joinCount === 0 },
  { value: "late", label: "Late", test: (student) => student.late },
];

export function rosterFilter(value: RosterFilter) {
  return ROSTER_FILTERS.find((candidate) => candidate.value === value)!;
}
