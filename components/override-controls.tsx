"use client";

// Corrections on the session page: the instructor sets selected students' final status (present,
// partial, absent, excused), optionally the late flag, with a note; the computed figures stay
// beside it and each row says who overrode it and when. Removing an override restores the
// computed status. One form: the checkboxes choose the rows, the buttons say what to do.
import { useActionState, useState } from "react";
import type { StudentRow } from "@/lib/attendance/read";
import { formatDateTime, formatDuration } from "@/lib/format";
import { FormMessage, SubmitButton, type FormStateLike } from "./form-controls";
import { buttonClass, inputClass, StatusBadge } from "./ui";
import { NameAndEmail, RowHeader, Table, Td } from "./table";

export type OverrideRow = Pick<
  StudentRow,
  | "studentId"
  | "name"
  | "email"
  | "status"
  | "computedStatus"
  | "attendedSeconds"
  | "late"
  | "computedLate"
  | "enrolled"
  | "override"
>;

interface Props {
  rows: OverrideRow[];
  timeZone: string;
  cancelled: boolean;
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
}

export function OverrideControls({ rows, timeZone, cancelled, action }: Props) {
  const [state, formAction] = useActionState(action, {});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // After a successful change, start a fresh selection (adjusting state while rendering, once per result).
  const [handled, setHandled] = useState(state);
  if (handled !== state) {
    setHandled(state);
    if (state.ok) setSelected(new Set());
  }
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = rows.length > 0 && selected.size === rows.length;

  if (cancelled) {
    return (
      <p className="text-sm text-slate-700">
        The session is cancelled: it is no one&apos;s record, so there is nothing to correct. Un-cancel it to override
        statuses.
      </p>
    );
  }
  const selectAll = (
    <input
      type="checkbox"
      aria-label="Select every student"
      checked={allSelected}
      onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.studentId)))}
    />
  );
  return (
    <form action={formAction} className="space-y-3" aria-label="Corrections">
      <FormMessage state={state} />
      <fieldset className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-slate-50 p-3">
        <legend className="sr-only">Override the selected students</legend>
        <span className="self-center text-sm font-medium text-slate-800" aria-live="polite">
          {selected.size} selected
        </span>
        <label className="text-sm text-slate-800">
          Final status
          <select name="status" className={`${inputClass} mt-1`} defaultValue="excused">
            <option value="present">Present</option>
            <option value="partial">Partial</option>
            <option value="absent">Absent</option>
            <option value="excused">Excused</option>
          </select>
        </label>
        <label className="text-sm text-slate-800">
          Late
          <select name="late" className={`${inputClass} mt-1`} defaultValue="">
            <option value="">as computed</option>
            <option value="true">late</option>
            <option value="false">on time</option>
          </select>
        </label>
        <label className="min-w-[14rem] flex-1 text-sm text-slate-800">
          Note
          <input
            name="note"
            maxLength={1000}
            className={`${inputClass} mt-1`}
            placeholder="why, e.g. doctor's note"
            autoComplete="off"
          />
        </label>
        <SubmitButton name="intent" value="set" pendingText="Saving…" disabled={selected.size === 0}>
          Apply to selected
        </SubmitButton>
        <SubmitButton
          name="intent"
          value="remove"
          variant="secondary"
          pendingText="Removing…"
          disabled={selected.size === 0}
        >
          Remove overrides
        </SubmitButton>
      </fieldset>
      <Table label="Final record" testId="overrides" columns={[selectAll, "Student", "Final", "Computed", "Override"]}>
        {rows.map((row) => (
          <tr key={row.studentId} data-override-student={row.email}>
            <Td>
              <input
                type="checkbox"
                name="studentIds"
                value={row.studentId}
                aria-label={`Select ${row.name}`}
                checked={selected.has(row.studentId)}
                onChange={() => toggle(row.studentId)}
              />
            </Td>
            <RowHeader className="text-left font-normal">
              <NameAndEmail name={row.name} email={row.email} />
            </RowHeader>
            <Td data-col="final">
              {row.enrolled ? (
                <StatusBadge status={row.status} />
              ) : (
                <span className="text-slate-700">Not enrolled</span>
              )}
              {row.late ? <span className="ml-1 text-xs text-orange-900">late</span> : null}
            </Td>
            <Td className="whitespace-nowrap text-slate-700" data-col="computed">
              computed: {row.computedStatus}, {formatDuration(row.attendedSeconds)}
              {row.computedLate ? ", late" : ""}
            </Td>
            <Td data-col="override">
              {row.override ? (
                <div className="text-sm">
                  <div>
                    by {row.override.by}, {formatDateTime(row.override.at, timeZone)}
                  </div>
                  {row.override.note ? <div className="text-slate-700">“{row.override.note}”</div> : null}
                  <button
                    type="submit"
                    name="intent"
                    value={`remove:${row.studentId}`}
                    className={`${buttonClass.link} text-xs`}
                    aria-label={`Remove the override of ${row.name}`}
                  >
                    Remove override
                  </button>
                </div>
              ) : (
                <span className="text-slate-600">—</span>
              )}
            </Td>
          </tr>
        ))}
      </Table>
    </form>
  );
}
