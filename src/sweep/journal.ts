/**
 * The run journal, `runs.partial.jsonl`: one line per finished run, appended as runs finish (in
 * whatever order the workers end them), so an interrupted sweep keeps every finished run. Reading
 * skips a torn last line (the process was killed mid-write) and trims it so appends start clean.
 */
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { UserError } from '../config/errors.ts';
import type { RunRow } from './results.ts';
import { rowJson } from './results.ts';

export const JOURNAL_FILE = 'runs.partial.jsonl';

function isRow(v: unknown): v is RunRow {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    Number.isInteger(r.point) &&
    Number.isInteger(r.replication) &&
    Number.isInteger(r.seed) &&
    r.params !== null &&
    typeof r.params === 'object' &&
    r.metrics !== null &&
    typeof r.metrics === 'object'
  );
}

/** Rows of a journal or results.jsonl file. A torn final line is dropped (and cut off when `repair`). */
export function readRows(path: string, { repair = false } = {}): RunRow[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const rows: RunRow[] = [];
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    if (line === '') {
      offset += 1;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (!isRow(parsed)) {
      // Only the last line can be torn by a kill; anything else means the file is not ours.
      if (last || (i === lines.length - 2 && lines[lines.length - 1] === '')) {
        if (repair) truncateSync(path, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      throw new UserError(`${path}:${i + 1}: not a sweep run record`);
    }
    rows.push(parsed);
    offset += line.length + 1;
  }
  return rows;
}

export function appendRow(path: string, row: RunRow): void {
  appendFileSync(path, `${rowJson(row)}\n`);
}
