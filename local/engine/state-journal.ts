/**
 * The journal kept next to a state's base file (`<state>.journal`): its format, how an entry is written relative to
 * what the files already hold, and how a load replays it.
 *
 * The first line names the base file the journal continues, by the SHA-256 of its text. Each later line is one
 * durable write: the resources and pending operations as list deltas against the previous write (runs of unchanged
 * elements by position, changed ones in full), and the stack outputs, new blobs and secrets-provider block when they
 * changed.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { z } from "zod";

/** The journal kept next to a state file (`<state>.journal`): the steps recorded since the base file was written. */
export function journalFileFor(stateFile: string): string {
  return `${stateFile}.journal`;
}

const JOURNAL_VERSION = 1;

/** First line of a journal: the base file it continues, by the SHA-256 of its text. */
const JournalHeaderSchema = z.object({ journal: z.literal(JOURNAL_VERSION), base: z.string() });

/**
 * A list relative to the previous one: each item is either `[from, count]` (that run of the previous list,
 * unchanged) or an element as stored (new or changed).
 */
const ListDeltaSchema = z.array(
  z.union([z.tuple([z.number().int().nonnegative(), z.number().int().positive()]), z.record(z.string(), z.unknown())]),
);

/**
 * One journal entry: the state after one durable write, relative to the state before it: `r` the resources and
 * `p` the pending operations (carried creates included), as list deltas; `o`, `b`, `s` the stack outputs, new
 * blobs and the secrets-provider block, when they changed.
 */
const JournalEntrySchema = z.object({
  r: ListDeltaSchema,
  p: ListDeltaSchema,
  o: z.record(z.string(), z.unknown()).optional(),
  b: z.record(z.string(), z.string()).optional(),
  s: z.unknown().optional(),
});

/** SHA-256 of a text, hex: how a journal names its base file. */
export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** A stored list, indexed by element text (identical texts are interchangeable). */
export type StoredList = { lines: string[]; index: Map<string, number> };

/** Indexes a list of stored element texts. */
export function storedList(lines: string[]): StoredList {
  return { lines, index: new Map(lines.map((l, i) => [l, i])) };
}

/** A list delta being written: runs `[from, count]` of the previous list, and element texts. */
export type ListDelta = Array<[number, number] | string>;

/** `lines` relative to `previous` (see {@link ListDeltaSchema}); undefined when they are the same. */
export function listDelta(previous: StoredList, lines: string[]): ListDelta | undefined {
  const items: ListDelta = [];
  for (const line of lines) {
    const at = previous.index.get(line);
    const last = items[items.length - 1];
    if (at === undefined) items.push(line);
    else if (Array.isArray(last) && last[0] + last[1] === at) last[1]++;
    else items.push([at, 1]);
  }
  const first = items[0];
  const same =
    lines.length === previous.lines.length && (items.length === 0 || (items.length === 1 && Array.isArray(first) && first[0] === 0));
  return same ? undefined : items;
}

/** A delta as journal text; an unchanged list (`items` undefined) is written as one run of the whole list. */
function deltaJson(items: ListDelta | undefined, lines: string[]): string {
  return `[${(items ?? (lines.length > 0 ? [[0, lines.length] as [number, number]] : [])).map((i) => (typeof i === "string" ? i : `[${i[0]},${i[1]}]`)).join(",")}]`;
}

/** The first line of a journal continuing the base file whose SHA-256 is `baseHash`. */
export function journalHeader(baseHash: string): string {
  return JSON.stringify({ journal: JOURNAL_VERSION, base: baseHash }) + "\n";
}

/** What one journal entry records: the two lists (with their deltas) and the parts that changed. */
export type EntryParts = {
  resources: { delta: ListDelta | undefined; lines: string[] };
  pending: { delta: ListDelta | undefined; lines: string[] };
  /** The stack outputs' stored JSON, when they changed. */
  outputs?: string;
  /** Blobs the files do not hold yet. */
  newBlobs: Array<[string, string]>;
  /** The secrets-provider block's JSON, when it changed. */
  provider?: string;
};

/** One journal line (see {@link JournalEntrySchema}). */
export function journalEntry(e: EntryParts): string {
  const parts = [`{"r":${deltaJson(e.resources.delta, e.resources.lines)}`, `"p":${deltaJson(e.pending.delta, e.pending.lines)}`];
  if (e.outputs !== undefined) parts.push(`"o":${e.outputs}`);
  if (e.newBlobs.length > 0) parts.push(`"b":${JSON.stringify(Object.fromEntries(e.newBlobs))}`);
  if (e.provider !== undefined) parts.push(`"s":${e.provider}`);
  return `${parts.join(",")}}\n`;
}

/** The elements a {@link ListDeltaSchema} delta describes; undefined when it refers past the previous list. */
function applyListDelta(previous: unknown[], delta: z.output<typeof ListDeltaSchema>): unknown[] | undefined {
  const next: unknown[] = [];
  for (const item of delta) {
    if (!Array.isArray(item)) next.push(item);
    else if (item[0] + item[1] > previous.length) return undefined;
    else for (let i = item[0]; i < item[0] + item[1]; i++) next.push(previous[i]);
  }
  return next;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Applies a journal's entries to the parsed base file, in order, and returns how many it applied. Stops at the
 * first entry that is torn (a run killed during its append leaves a last line without its newline) or malformed;
 * ignores the whole journal when it continues another base file (a run killed after a compaction's rename, before
 * it removed the journal: the base already holds every entry).
 */
function replayJournal(state: Record<string, unknown>, text: string, baseHash: string): number {
  const lines = text.split("\n");
  lines.pop(); // after the last newline: nothing, or the entry a kill tore
  const header = JournalHeaderSchema.safeParse(parseJsonOrUndefined(lines[0] ?? ""));
  if (!header.success || header.data.base !== baseHash) return 0;
  const list = (key: string): unknown[] => (Array.isArray(state[key]) ? (state[key] as unknown[]) : []);
  let applied = 0;
  for (const line of lines.slice(1)) {
    const entry = JournalEntrySchema.safeParse(parseJsonOrUndefined(line));
    if (!entry.success) break;
    const resources = applyListDelta(list("resources"), entry.data.r);
    const pending = applyListDelta(list("pending"), entry.data.p);
    if (!resources || !pending) break;
    state["resources"] = resources;
    state["pending"] = pending;
    if (entry.data.o) state["outputs"] = entry.data.o;
    if (entry.data.b) state["blobs"] = { ...(state["blobs"] as Record<string, string> | undefined), ...entry.data.b };
    if (entry.data.s !== undefined) state["secretsProvider"] = entry.data.s;
    applied++;
  }
  return applied;
}

/** The stored state of a stack, as its files hold it (see {@link readStoredState}). */
export type StoredState = {
  /** The base file's text. */
  baseText: string;
  /** The state: the base file with the journal's entries applied (secrets still encrypted, blobs referenced). */
  raw: Record<string, unknown>;
  /** Journal entries applied. */
  replayed: number;
  /** A journal file exists (replayed, torn or stale): the next write folds it into the base file. */
  journal: boolean;
};

/**
 * Reads a stack's stored state: the base file, with its journal replayed. This is what a run killed at any moment
 * left recorded; tests and tools read the state through it (the base file alone may lag behind).
 *
 * @returns undefined when there is no base file.
 * @throws Error when the base file is not valid JSON.
 */
export function readStoredState(file: string): StoredState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const baseText = fs.readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(baseText);
  } catch (e) {
    throw new Error(`state file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`state file ${file} is not a local-engine state: not a JSON object`);
  }
  const journal = journalFileFor(file);
  const hasJournal = fs.existsSync(journal);
  const state = raw as Record<string, unknown>;
  const replayed = hasJournal ? replayJournal(state, fs.readFileSync(journal, "utf8"), sha256(baseText)) : 0;
  return { baseText, raw: state, replayed, journal: hasJournal };
}
