"use client";

// CSV roster import in two steps: Preview (nothing saved; shows each row as new/update and every
// row's problem) then Import. A chosen file is read into the text box, so what is previewed is
// exactly what is imported, and the text can be fixed in place.
import Link from "next/link";
import { useActionState, useState } from "react";
import { FormMessage, SubmitButton } from "./form-controls";
import { buttonClass, inputClass } from "./ui";
import { Table, Td } from "./table";

interface PreviewRow {
  name: string;
  email: string;
  /** undefined when the CSV has no zoom_registrant_id column: stored IDs are kept */
  zoomRegistrantId?: string | null;
  /** undefined when the CSV has no phone column: stored numbers are kept */
  phone?: string | null;
  change: "new" | "update";
}

export interface RosterImportStateLike {
  message?: string;
  ok?: boolean;
  csv?: string;
  preview?: { rows: PreviewRow[]; errors: { row: number; message: string }[] };
  imported?: { created: number; updated: number };
}

export function RosterImport({
  action,
  courseHref,
}: {
  action: (state: RosterImportStateLike, formData: FormData) => Promise<RosterImportStateLike>;
  courseHref: string;
}) {
  const [state, formAction] = useActionState(action, {});
  // The text box is controlled: it survives React's form reset and is refilled from the server.
  const [csv, setCsv] = useState("");
  const [lastState, setLastState] = useState(state);
  if (state !== lastState) {
    setLastState(state);
    if (state.csv !== undefined) setCsv(state.csv);
  }
  const [fileError, setFileError] = useState<string | null>(null);

  async function readFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setFileError(null);
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) {
      setFileError("The file is larger than 2 MB.");
      return;
    }
    setCsv(await file.text());
    // The text now holds the file; clearing the input keeps it from being uploaded too.
    event.target.value = "";
  }

  const preview = state.preview;
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        <div>
          <label htmlFor="roster-file" className="block text-sm font-medium text-slate-800">
            CSV file
          </label>
          <input
            id="roster-file"
            name="file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={readFile}
            aria-describedby="roster-file-hint"
            className="mt-1 block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-400 file:bg-white file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-100"
          />
          <p id="roster-file-hint" className="mt-1 text-xs text-slate-600">
            The file is read into the box below; you can also paste or edit the text there.
          </p>
          {fileError ? (
            <p role="alert" className="mt-1 text-sm text-red-800">
              {fileError}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="roster-csv" className="block text-sm font-medium text-slate-800">
            Roster CSV
          </label>
          <textarea
            id="roster-csv"
            name="csv"
            rows={10}
            value={csv}
            onChange={(event) => setCsv(event.target.value)}
            spellCheck={false}
            aria-describedby="roster-csv-hint"
            placeholder={
              "name,email,zoom_registrant_id\nAna Lima,ana.lima@example.edu,\nBen Okafor,ben.okafor@example.edu,q2Bx0pYxTqK3bVb5hZ1xNw"
            }
            className={`${inputClass} font-mono`}
          />
          <p id="roster-csv-hint" className="mt-1 text-xs text-slate-600">
            Header <code>name,email</code> and optionally <code>zoom_registrant_id</code>, <code>enrolled_at</code>{" "}
            (YYYY-MM-DD, the course&apos;s time zone; new students default to today), <code>sis_id</code> and{" "}
            <code>phone</code> (dial-in number with its country code). Students are matched by email: an email already
            on the roster updates that student.
          </p>
        </div>
        <FormMessage state={state} />
        <div className="flex flex-wrap gap-3">
          <SubmitButton name="intent" value="preview" variant="secondary" pendingText="Checking…">
            Preview
          </SubmitButton>
          <SubmitButton
            name="intent"
            value="import"
            pendingText="Importing…"
            disabled={!preview || preview.rows.length === 0}
          >
            {preview && preview.rows.length > 0
              ? `Import ${preview.rows.length} student${preview.rows.length === 1 ? "" : "s"}`
              : "Import"}
          </SubmitButton>
          <Link href={courseHref} className={buttonClass.secondary}>
            {state.imported ? "Back to the course" : "Cancel"}
          </Link>
        </div>
      </form>

      {preview ? <PreviewTables preview={preview} /> : null}
    </div>
  );
}

function PreviewTables({ preview }: { preview: NonNullable<RosterImportStateLike["preview"]> }) {
  const added = preview.rows.filter((row) => row.change === "new").length;
  return (
    <div className="space-y-6">
      {preview.errors.length > 0 ? (
        <section aria-labelledby="import-errors">
          <h2 id="import-errors" className="text-lg font-semibold text-red-900">
            Rows with problems ({preview.errors.length})
          </h2>
          <p className="text-sm text-slate-700">
            These rows will be skipped. Fix them in the text above and preview again.
          </p>
          <ul className="mt-2 space-y-1 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {preview.errors.map((error) => (
              <li key={`${error.row}-${error.message}`}>
                {error.row > 0 ? <strong>Row {error.row}: </strong> : null}
                {error.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {preview.rows.length > 0 ? (
        <section aria-labelledby="import-preview">
          <h2 id="import-preview" className="text-lg font-semibold text-slate-900">
            Preview: {added} new, {preview.rows.length - added} updated
          </h2>
          <div className="mt-2">
            <Table label="Import preview" columns={["Name", "Email", "Zoom registrant ID", "Phone", "Change"]}>
              {preview.rows.map((row) => (
                <tr key={row.email}>
                  <Td>{row.name}</Td>
                  <Td className="break-all">{row.email}</Td>
                  <Td>{row.zoomRegistrantId ?? <span className="text-slate-600">—</span>}</Td>
                  <Td>{row.phone ?? <span className="text-slate-600">—</span>}</Td>
                  <Td>
                    {row.change === "new" ? (
                      <span className="rounded-full bg-blue-100 px-2 py-0.5 text-xs font-semibold text-blue-900">
                        New
                      </span>
                    ) : (
                      <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">
                        Update
                      </span>
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
