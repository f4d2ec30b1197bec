// CSV writing for every export: csv-stringify does the RFC 4180 quoting, this module adds
// formula-injection neutralising, the optional byte-order mark and streaming batch by batch.
import { stringify } from "csv-stringify/sync";

/** A cell as rows are built: always text (or empty), so the CSV library never guesses a format. */
export type CsvCell = string | null;
export type CsvRow = CsvCell[];

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Spreadsheets run a cell that starts with =, +, -, @ (or a tab / carriage return before one) as
 * a formula: such cells get a leading apostrophe, which Excel and LibreOffice show as text.
 */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export const UTF8_BOM = "\uFEFF";

const stringifyOptions = {
  // RFC 4180: CRLF between records; quotes around cells with a comma, quote, CR or LF.
  record_delimiter: "windows",
  // Every text cell, including names and emails typed by people, passes the neutraliser.
  cast: { string: (value: string) => neutralizeFormula(value) },
} as const;

/** The header line (with a BOM when asked for: Excel then reads the file as UTF-8). */
export function csvHeader(columns: readonly string[], options: { bom?: boolean } = {}): string {
  return (options.bom ? UTF8_BOM : "") + stringify([columns as string[]], { record_delimiter: "windows" });
}

export function csvRecords(rows: CsvRow[]): string {
  return rows.length === 0 ? "" : stringify(rows, stringifyOptions);
}

/**
 * A CSV file as a byte stream: the header, then each batch the source yields. The source is pulled
 * only as the reader wants more (a slow client never makes the server buffer the export), one
 * batch ahead so that the next database round trip overlaps the writing of the current batch;
 * a cancelled download stops the source.
 */
export function csvStream(
  columns: readonly string[],
  batches: AsyncIterable<CsvRow[]>,
  options: { bom?: boolean; onError?: (error: unknown) => void } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<CsvRow[]> | null = null;
  let ahead: Promise<IteratorResult<CsvRow[]>> | null = null;
  const requestNext = () => {
    const next = iterator!.next();
    next.catch(() => {}); // observed when awaited; never an unhandled rejection meanwhile
    return next;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvHeader(columns, options)));
      },
      async pull(controller) {
        iterator ??= batches[Symbol.asyncIterator]();
        try {
          // Skip empty batches so that every pull makes progress for the reader.
          for (;;) {
            const next = await (ahead ?? requestNext());
            ahead = null;
            if (next.done) {
              controller.close();
              return;
            }
            if (next.value.length > 0) {
              ahead = requestNext();
              controller.enqueue(encoder.encode(csvRecords(next.value)));
              return;
            }
          }
        } catch (error) {
          options.onError?.(error);
          // The status line is gone already; erroring the stream cuts the download short, so the
          // client sees a failed transfer rather than a complete-looking truncated file.
          controller.error(error);
        }
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    // The stream's own queue holds one encoded batch at most.
    { highWaterMark: 1 },
  );
}
