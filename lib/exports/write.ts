// Writing an export stream to stdout or to a file (for the CLI and cron jobs).
import fs from "node:fs";
import { once } from "node:events";
import path from "node:path";
import type { Writable } from "node:stream";

async function pump(stream: ReadableStream<Uint8Array>, target: Writable): Promise<number> {
  let bytes = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.byteLength;
      // Respect backpressure: a slow pipe or disk never makes the export pile up in memory.
      if (!target.write(value)) await once(target, "drain");
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Writes the stream to `file`, or to stdout without one; returns the bytes written. A file is
 * written next to its final name and renamed when complete, so a cron job's reader never sees
 * half an export, and a failed export leaves the previous file in place.
 */
export async function writeExport(stream: ReadableStream<Uint8Array>, file?: string): Promise<number> {
  if (!file) {
    const bytes = await pump(stream, process.stdout);
    return bytes;
  }
  const target = path.resolve(file);
  const partial = `${target}.partial-${process.pid}`;
  const output = fs.createWriteStream(partial);
  try {
    const bytes = await pump(stream, output);
    output.end();
    await once(output, "finish");
    fs.renameSync(partial, target);
    return bytes;
  } catch (error) {
    output.destroy();
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
