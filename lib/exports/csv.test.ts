import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvHeader, csvRecords, csvStream, neutralizeFormula, UTF8_BOM, type CsvRow } from "./csv";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function* from(batches: CsvRow[][]) {
  yield* batches;
}

const tricky = [
  "Plain Name",
  "Lima, Ana",
  'Ana "Nina" Lima',
  "Two\nlines",
  "Carriage\r\nreturn",
  "Zoë Ñandú 李雷 🙂",
  '=HYPERLINK("http://evil.example","x")',
  "+1 555",
  "-2+3",
  "@SUM(A1)",
  "\t=tabbed",
  "\r=return",
  "",
];

describe("neutralizeFormula", () => {
  it("prefixes cells a spreadsheet would run as a formula", () => {
    for (const value of ["=1+1", "+1", "-1", "@x", "\tx", "\rx"]) expect(neutralizeFormula(value)).toBe(`'${value}`);
    for (const value of ["Ana", "1-2", "a=b", " =x", "", "'=x"]) expect(neutralizeFormula(value)).toBe(value);
  });
});

describe("CSV writing", () => {
  it("round-trips commas, quotes, newlines and non-ASCII text through a CSV parser", async () => {
    const rows: CsvRow[] = tricky.map((name, index) => [name, `s${index}@school.example`, null]);
    const text = await readAll(csvStream(["name", "email", "empty"], from([rows.slice(0, 5), [], rows.slice(5)])));
    const parsed: string[][] = parse(text);
    expect(parsed[0]).toEqual(["name", "email", "empty"]);
    expect(parsed.slice(1).map((row) => row[0])).toEqual(tricky.map(neutralizeFormula));
    expect(parsed.slice(1).map((row) => row[2])).toEqual(tricky.map(() => ""));
    expect(parsed).toHaveLength(tricky.length + 1);
  });

  it("uses CRLF between records and quotes only where RFC 4180 needs it", () => {
    expect(csvRecords([["a", "b,c", 'd"e', null]])).toBe('a,"b,c","d""e",\r\n');
    expect(csvHeader(["x", "y"])).toBe("x,y\r\n");
  });

  it("starts with a byte-order mark only when asked", async () => {
    const withBom = new Uint8Array(await new Response(csvStream(["x"], from([[["1"]]]), { bom: true })).arrayBuffer());
    expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Response.text() would drop the mark; keep it to see what a spreadsheet sees.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(withBom);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(parse(text, { bom: true })).toEqual([["x"], ["1"]]);
    expect(await readAll(csvStream(["x"], from([[["1"]]])))).toBe("x\r\n1\r\n");
  });

  it("writes the header alone when there are no rows", async () => {
    expect(await readAll(csvStream(["a", "b"], from([])))).toBe("a,b\r\n");
  });

  it("pulls the source only as the reader asks, and stops it when the download is cancelled", async () => {
    let produced = 0;
    let finished = false;
    async function* endless() {
      try {
        for (;;) {
          produced += 1;
          yield [[String(produced)]];
        }
      } finally {
        finished = true;
      }
    }
    const reader = csvStream(["n"], endless()).getReader();
    await reader.read(); // header
    await reader.read(); // first batch
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(produced).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(finished).toBe(true);
  });

  it("errors the stream (a cut-short download) when the source fails midway", async () => {
    const failures: unknown[] = [];
    async function* failing() {
      yield [["1"]];
      throw new Error("database went away");
    }
    await expect(readAll(csvStream(["n"], failing(), { onError: (error) => failures.push(error) }))).rejects.toThrow(
      "database went away",
    );
    expect(failures).toHaveLength(1);
  });
});
