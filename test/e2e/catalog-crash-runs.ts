/**
 * What the tests of `npm run catalog` killed mid-run share under either engine
 * (`test/e2e/catalog-shards-crash.test.ts`, stand-in; `test/cli/catalog-shards-crash.test.ts`, real
 * CLI): a tiny sharded catalog, the command started in its own process group, and how many times
 * the emulator holds each customer and user.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ROOT } from "./harness";
import { emulatorState, startCollected, until, type Run } from "./npm-start-runs";
import { killEverything } from "./processes";

/** The catalog's shape as these tests edit it. */
export type CrashDoc = { templates: unknown[]; customers: Record<string, unknown>[]; users: Record<string, unknown>[] };

/** Writes four simple meetings customers to `file`, two pinned to each of 2 shards, one administrator each. */
export function writeCrashCatalog(file: string): { customers: string[]; users: string[] } {
  const doc = parse(readFileSync(join(ROOT, "catalog", "customers.yaml"), "utf8")) as CrashDoc;
  const model = doc.customers.find((c) => c["externalId"] === "cabinet-martin-002")!;
  const names = ["north-bakery-101", "east-dental-102", "south-garage-103", "west-florist-104"];
  doc.customers = names.map((externalId, i) => ({
    ...model,
    externalId,
    companyName: `${externalId.split("-")[0]} ${externalId.split("-")[1]} company`,
    adminEmail: `admin@${externalId}.example`,
    shard: i % 2,
  }));
  doc.users = names.map((externalId) => ({
    email: `admin@${externalId}.example`,
    customer: externalId,
    firstName: "Admin",
    lastName: externalId.split("-")[1],
    package: "webex_meetings",
    administrator: true,
  }));
  writeFileSync(file, stringify(doc));
  return { customers: names, users: names.map((n) => `admin@${n}.example`) };
}

/**
 * `npm run catalog -- <argv> --shards 2` on `catalogFile`, state in `stateDir`, emulator provisioning
 * 400 ms, in its own process group. Run with ts-node directly: `npm run catalog` would also build dist/.
 */
export function startCatalog(o: {
  readonly engine: "cli" | "local";
  readonly catalogFile: string;
  readonly stateDir: string;
  readonly prefix: string;
  readonly passphrase: string;
  readonly argv: readonly string[];
}): Run {
  const argv = [
    ...o.argv,
    ...["--shards", "2", "--engine", o.engine, "--catalog", o.catalogFile, "--stack-prefix", o.prefix, "--state-dir", o.stateDir],
    ...["--provisioning-ms", "400"],
  ];
  return startCollected(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/catalog.ts", ...argv], {
    PULUMI_CONFIG_PASSPHRASE: o.passphrase,
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    WEBEX_MAX_REQUESTS_PER_SECOND: undefined,
  });
}

/** Waits until `test()` holds while `run` runs; a run that ended first fails the wait with its output. */
export function whileRunning(run: Run, what: string, test: () => boolean): Promise<void> {
  return until(
    what,
    () => {
      if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the run ended before ${what}:\n${run.output()}`);
      return test();
    },
    600_000,
    run.output,
  );
}

/** How many times the emulator saved under `stateDir` holds each externalId and each user's email. */
export function heldCounts(stateDir: string): { customers: Record<string, number>; users: Record<string, number> } {
  const s = emulatorState(stateDir);
  const count = (values: string[]) => values.reduce<Record<string, number>>((m, v) => ({ ...m, [v]: (m[v] ?? 0) + 1 }), {});
  return {
    customers: count(Object.values(s.customers).map((c) => c.externalId)),
    users: count(Object.values(s.subscribers).map((u) => u.email)),
  };
}

/** `{name: 1}` for each name: what {@link heldCounts} returns when each exists exactly once. */
export const once = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, 1]));

/** Those of `pids` that still run the command `name` (`/proc/<pid>/comm`; Linux, as CI). */
export function stillRunning(pids: readonly number[], name: string): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
    } catch {
      return false; // gone
    }
  });
}

/** What a crash test started: its runs, and the processes its kills orphaned; {@link stopAll} after each test. */
export class StartedRuns {
  private readonly runs: Run[] = [];
  /** Processes of killed runs, orphaned (reparented to init) and so out of reach of `killEverything`. */
  readonly orphans: number[] = [];

  /** Records `run` so that {@link stopAll} stops it; returns it. */
  track(run: Run): Run {
    this.runs.push(run);
    return run;
  }

  /** Stops every recorded run's process tree and every orphan still running. */
  stopAll(): void {
    for (const r of this.runs.splice(0)) killEverything(r.child.pid!);
    for (const pid of this.orphans.splice(0)) if (stillRunning([pid], "node").length > 0) process.kill(pid, "SIGKILL");
  }
}
