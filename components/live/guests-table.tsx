// People in the meeting who matched no roster student, each with the controls that match them to
// one (suggestions first, then the full list).
import type { LivePayload } from "@/lib/attendance/live-delta";
import { formatTime } from "@/lib/format";
import type { FormStateLike } from "../form-controls";
import { NameAndEmail, RowHeader, Table, Td } from "../table";
import { EmptyState, Section } from "../ui";
import { GuestMatchForm } from "./guest-match-form";
import { GuestSuggestions } from "./guest-suggestions";
import { Attended, InMeeting } from "./presence";

interface GuestsTableProps {
  data: LivePayload;
  matchAction: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  onMatched: (message: string) => void;
}

export function GuestsTable({ data, matchAction, onMatched }: GuestsTableProps) {
  const { session, students, guests } = data;
  const tz = data.course.timezone;
  const live = session.state === "live";
  return (
    <Section
      id="guests"
      title={`Guests (${guests.length})`}
      description="People in the meeting who did not match a roster student. Match one to a student and it sticks for later sessions."
    >
      {guests.length === 0 ? (
        <EmptyState>
          No guests{session.state === "scheduled" ? " yet" : ""}: everyone who joined matched a student.
        </EmptyState>
      ) : (
        <Table label="Guests" testId="guests" columns={["Guest", "Now", "First join", "Attended", "Match to student"]}>
          {guests.map((guest) => (
            <tr key={guest.guestKey} data-guest={guest.name}>
              <RowHeader className="min-w-[10rem] text-left font-normal">
                <NameAndEmail name={guest.name || "(no name)"} email={guest.email ?? "no email"} />
              </RowHeader>
              <Td className="whitespace-nowrap">
                {guest.inMeeting ? (
                  <InMeeting devices={guest.openConnections} />
                ) : (
                  <span className="text-slate-700">Left</span>
                )}
              </Td>
              <Td className="whitespace-nowrap tabular-nums">
                {guest.firstJoinAt ? formatTime(guest.firstJoinAt, tz, true) : "—"}
              </Td>
              <Td className="whitespace-nowrap">
                <Attended percent={guest.attendedPercent} seconds={guest.attendedSeconds} provisional={live} />
              </Td>
              <Td className="min-w-[16rem]">
                {students.length > 0 ? (
                  <>
                    <GuestSuggestions
                      action={matchAction}
                      guestKey={guest.guestKey}
                      guestName={guest.name}
                      suggestions={guest.suggestions ?? []}
                      onMatched={onMatched}
                    />
                    <GuestMatchForm
                      action={matchAction}
                      guestKey={guest.guestKey}
                      guestName={guest.name}
                      students={students}
                      onMatched={onMatched}
                    />
                  </>
                ) : (
                  <span className="text-slate-600">Add students to the roster first.</span>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
