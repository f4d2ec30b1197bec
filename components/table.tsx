// The dashboard's tables (admin, course, student, session and live pages): one markup, so every
// list scrolls, reads and looks the same. Rows stay plain <tr> elements of the caller; cells are
// Td, and a row's naming cell is RowHeader. Server- and client-safe.
import type { ComponentPropsWithoutRef, ReactNode } from "react";

const tableClass = "min-w-full divide-y divide-slate-200 text-left text-sm";
const thClass = "whitespace-nowrap bg-slate-50 px-3 py-2 text-xs font-semibold tracking-wide text-slate-700 uppercase";
const tdClass = "px-3 py-2 align-top text-slate-800";
const cellClass = (className: string | undefined) => (className ? `${tdClass} ${className}` : tdClass);

/** A column heading read by screen readers only, for the column of row actions. */
export const actionsColumn = <span className="sr-only">Actions</span>;

interface TableProps {
  /**
   * Names the table's scroller: narrow screens scroll it sideways instead of squashing columns,
   * and it is a focusable region ("<label> table") so keyboard users can scroll it too.
   */
  label: string;
  /** the column headings, in order */
  columns: ReactNode[];
  testId?: string;
  /** the body's rows */
  children: ReactNode;
}

export function Table({ label, columns, testId, children }: TableProps) {
  return (
    <div
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      role="region"
      aria-label={`${label} table`}
      tabIndex={0}
    >
      <table className={tableClass} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col" className={thClass}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}

/** A body cell; `className` adds to the shared padding and colour. */
export function Td({ className, ...props }: ComponentPropsWithoutRef<"td">) {
  return <td className={cellClass(className)} {...props} />;
}

/** The cell that names its row (a row heading for screen readers), styled as a body cell. */
export function RowHeader({ className, ...props }: ComponentPropsWithoutRef<"th">) {
  return <th scope="row" className={cellClass(className)} {...props} />;
}

/** Who a row is about, in its RowHeader: the name, and the email under it. */
export function NameAndEmail({ name, email }: { name: string; email: string }) {
  return (
    <>
      <span className="font-medium">{name}</span>
      <div className="text-xs break-all text-slate-600">{email}</div>
    </>
  );
}
