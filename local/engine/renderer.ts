/**
 * Human-readable output in the style of `pulumi up --non-interactive`: plan lines, progress of long steps,
 * errors naming the resource, outputs and a summary. Every line also goes to the run's log file, and every line
 * passes through the redactor first, so no secret value is printed or logged.
 */
import * as fs from "node:fs";

import { escapeControl } from "../../provider/text";
import { UNKNOWN_SENTINEL, formatChangedKeys, isSecret, type ChangedKeys } from "./property-values";
import type { PropertyMap, PropertyValue } from "./sdk";

/** The kinds of step the engine reports. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh";

const SYMBOL: Record<StepOp, string> = { create: "+ ", update: "~ ", replace: "+-", delete: "- ", same: "= ", read: "> ", refresh: "~ " };
const ACTIVE: Record<StepOp, string> = {
  create: "creating",
  update: "updating",
  replace: "replacing",
  delete: "deleting",
  same: "same",
  read: "reading",
  refresh: "refreshing",
};
const DONE: Record<StepOp, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "same",
  read: "read",
  refresh: "refreshed",
};

/** Replaces known secret values by `[secret]` in any text. */
export class Redactor {
  readonly #values = new Set<string>();

  /** Adds plaintext secrets (values shorter than 3 characters are ignored: they would mangle every line). */
  add(values: Iterable<string>): void {
    for (const v of values) if (v.length >= 3) this.#values.add(v);
  }

  /** Returns `text` with every known secret replaced. */
  redact(text: string): string {
    let out = text;
    for (const v of this.#values) if (out.includes(v)) out = out.split(v).join("[secret]");
    return out;
  }
}

/** Formats milliseconds as Pulumi does in progress lines (`12s`, `1m5s`). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

/** Writes the run's output lines to a callback and the log file. */
export class Renderer {
  readonly #inflight = new Map<object, { op: StepOp; type: string; name: string; started: number }>();
  readonly #ticker: NodeJS.Timeout | undefined;
  readonly #logFd: number | undefined;

  /**
   * @param out receives each line (without newline).
   * @param logFile appended with every line and the provider's and program's own output.
   * @param verbose also shows unchanged resources.
   * @param progressIntervalMs how often in-flight steps print their elapsed time.
   */
  constructor(
    private readonly out: (line: string) => void,
    logFile: string,
    private readonly redactor: Redactor,
    private readonly verbose: boolean,
    progressIntervalMs = 5000,
  ) {
    try {
      this.#logFd = fs.openSync(logFile, "a", 0o600);
    } catch {
      this.#logFd = undefined;
    }
    this.log(`--- ${new Date().toISOString()} pid ${process.pid}`);
    this.#ticker = setInterval(() => this.#tick(progressIntervalMs), progressIntervalMs);
    this.#ticker.unref();
  }

  /** Appends a line to the log file only. */
  log(line: string): void {
    if (this.#logFd === undefined) return;
    try {
      fs.writeSync(this.#logFd, `${this.redactor.redact(line)}\n`);
    } catch {
      // A full disk must not fail the deployment; the console still has the line.
    }
  }

  /**
   * Prints a line (and logs it). Names, messages and values come from programs and the API: their
   * control characters are shown escaped, so they cannot colour the terminal or rewrite a line
   * (line breaks of multi-line messages are kept).
   */
  line(text: string): void {
    const safe = this.redactor.redact(text).split("\n").map(escapeControl).join("\n");
    this.log(safe);
    this.out(safe);
  }

  /** A step started: writes print their "…ing" line; the token identifies it in {@link stepDone}. */
  stepStart(token: object, op: StepOp, type: string, name: string, keys?: ChangedKeys): void {
    this.#inflight.set(token, { op, type, name, started: Date.now() });
    this.line(` ${SYMBOL[op]} ${type} ${name} ${ACTIVE[op]}${diffSuffix(keys)}`);
  }

  /** A step finished successfully. */
  stepDone(token: object, op: StepOp, type: string, name: string, keys?: ChangedKeys, note?: string): void {
    const entry = this.#inflight.get(token);
    this.#inflight.delete(token);
    if (op === "same" && !this.verbose) return;
    const elapsed = entry ? ` (${formatDuration(Date.now() - entry.started)})` : "";
    this.line(` ${SYMBOL[op]} ${type} ${name} ${DONE[op]}${op === "same" ? "" : elapsed}${diffSuffix(keys)}${note ? ` ${note}` : ""}`);
  }

  /** A planned step (preview): `+ create`, `~ update [diff: …]`. */
  planned(op: StepOp, type: string, name: string, keys?: ChangedKeys, note?: string): void {
    if (op === "same" && !this.verbose) return;
    this.line(` ${SYMBOL[op]} ${type} ${name} ${op}${diffSuffix(keys)}${note ? ` ${note}` : ""}`);
  }

  /** A step failed. */
  stepFailed(token: object | undefined, type: string, name: string, message: string): void {
    if (token) this.#inflight.delete(token);
    this.line(` error: ${type} ${name}: ${message}`);
  }

  #tick(intervalMs: number): void {
    const now = Date.now();
    for (const s of this.#inflight.values()) {
      if (s.op === "same" || now - s.started < intervalMs) continue;
      this.line(` ${SYMBOL[s.op]} ${s.type} ${s.name} ${ACTIVE[s.op]} (${formatDuration(now - s.started)})`);
    }
  }

  /** Prints stack outputs, secrets as `[secret]`. */
  outputs(outputs: PropertyMap): void {
    const keys = Object.keys(outputs).sort();
    if (keys.length === 0) return;
    this.line("Outputs:");
    for (const k of keys) this.line(`    ${k}: ${renderValue(outputs[k]!)}`);
  }

  /** Stops the progress ticker and closes the log file. */
  close(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    if (this.#logFd !== undefined) {
      try {
        fs.closeSync(this.#logFd);
      } catch {
        // Already closed.
      }
    }
  }
}

function diffSuffix(keys: ChangedKeys | undefined): string {
  const text = keys ? formatChangedKeys(keys) : "";
  return text ? ` [diff: ${text}]` : "";
}

/** Renders a value for the Outputs section: secrets as `[secret]`, values not known yet (preview) as `[unknown]`. */
export function renderValue(v: PropertyValue): string {
  const strip = (x: PropertyValue): PropertyValue => {
    if (isSecret(x)) return "[secret]";
    if (x === UNKNOWN_SENTINEL) return "[unknown]";
    if (Array.isArray(x)) return x.map(strip);
    if (x !== null && typeof x === "object") {
      return Object.fromEntries(Object.entries(x as Record<string, PropertyValue>).map(([k, e]) => [k, strip(e)]));
    }
    return x;
  };
  const s = strip(v);
  return s === "[secret]" || s === "[unknown]" ? s : JSON.stringify(s);
}
