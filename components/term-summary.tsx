"use client";

// The course's term record per student: sessions counted, counts by final status, the term rate,
// and the at-risk flag (listed first; "At risk only" filters).
import Link from "next/link";
import { useState } from "react";
import { formatPercent } from "@/lib/format";
import { EmptyState } from "./ui";
import { RowHeader, Table, Td } from "./table";

export interface TermRow {
  studentId: string;
  name: string;
  email: string;
  sessionsCounted: number;
  present: number;
  partial: number;
  absent: number;
  excused: number;
  late: number;
  attendedPercent: number | null;
  atRisk: boolean;
}

export function TermSummary({ rows }: { rows: TermRow[] }) {
  const [atRiskOnly, setAtRiskOnly] = useState(false);
  const atRisk = rows.filter((row) => row.atRisk).length;
  const shown = atRiskOnly ? rows.filter((row) => row.atRisk) : rows;
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-4 text-sm">
        <span className={atRisk > 0 ? "font-semibold text-red-900" : "text-slate-700"} data-testid="at-risk-count">
          {atRisk === 0 ? "Nobody is at risk." : `${atRisk} at risk`}
        </span>
        <label className="inline-flex items-center gap-2">
          <input type="checkbox" checked={atRiskOnly} onChange={(event) => setAtRiskOnly(event.target.checked)} />
          At risk only
        </label>
      </div>
      {shown.length === 0 ? (
        <EmptyState>{rows.length === 0 ? "No students yet." : "Nobody is at risk."}</EmptyState>
      ) : (
        <Table
          label="Term record"
          testId="term-summary"
          columns={["Student", "Term rate", "Counted", "Present", "Partial", "Absent", "Excused", "Late"]}
        >
          {shown.map((row) => (
            <tr key={row.studentId} data-term-student={row.email} className={row.atRisk ? "bg-red-50/60" : undefined}>
              <RowHeader className="text-left font-normal">
                <Link
                  href={`/students/${row.studentId}`}
                  className="font-medium text-blue-800 hover:underline"
                  aria-label={`${row.name}'s term record`}
                >
                  {row.name}
                </Link>
                {row.atRisk ? (
                  <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-900 ring-1 ring-red-700/30">
                    At risk
                  </span>
                ) : null}
              </RowHeader>
              <Td className="tabular-nums" data-col="rate">
                {row.attendedPercent === null ? "—" : formatPercent(row.attendedPercent)}
              </Td>
              <Td className="tabular-nums">{row.sessionsCounted}</Td>
              <Td className="tabular-nums">{row.present}</Td>
              <Td className="tabular-nums">{row.partial}</Td>
              <Td className="tabular-nums">{row.absent}</Td>
              <Td className="tabular-nums" data-col="excused">
                {row.excused}
              </Td>
              <Td className="tabular-nums">{row.late}</Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
