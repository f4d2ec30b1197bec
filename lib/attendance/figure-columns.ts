// The columns in which every projection table (attendance_records, guest_attendance, host_attendance)
// stores a participant's figures: the recompute writes them (projection.ts), the session view
// reads them back (read.ts).
export const FIGURE_COLUMNS = [
  "attendedSeconds",
  "attendedPercent",
  "firstJoinAt",
  "lastLeaveAt",
  "joinCount",
  "inMeeting",
  "openConnections",
  "intervals",
] as const;
