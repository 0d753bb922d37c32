/**
 * What the sharded bench measures around `npm run catalog`'s own machinery (`scripts/catalog.ts`):
 *
 * - {@link childLocalRunner}: the stand-in engine as one child process per stack operation (its
 *   CLI, `scripts/engine.js`), so that each shard's engine has a memory and a CPU of its own. The
 *   catalog command's `localRunner` runs the engine inside the command's process, where every
 *   shard's engine would share one heap.
 * - {@link watchStackProcesses}: peak memory and CPU of each stack's processes. Under the
 *   Automation API every stack operation is its own `pulumi … --stack <name>` process tree; under
 *   the child runner, `engine.js … --stack <name>`. A process belongs to the stack named on the
 *   command line of its top-most such ancestor below this process.
 * - {@link watchCheckpoints}: writes to each stack's checkpoint, counted with `fs.watch`.
 */
import { existsSync, mkdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";

import { localRunner, type ApiTarget, type ShardRunner } from "../scripts/catalog/runners";
import { REPO_ROOT, runEngineCli } from "./engine-runner";
import { classifyProcess, parentTable, parseCpuTicks, parseStatusField, readText, type PeakRss } from "./memory-sampler";
import type { StackRow } from "./shards-report";

/** The stack a command line operates on (`--stack name`, `--stack=name` or `--stack org/project/name`), among `stacks`. */
export function stackOfCmdline(cmdline: string, stacks: readonly string[]): string | undefined {
  const m = /(?:^|\s)--stack(?:=|\s+)(\S+)/.exec(cmdline);
  if (!m) return undefined;
  const name = m[1]!.slice(m[1]!.lastIndexOf("/") + 1);
  return stacks.includes(name) ? name : undefined;
}

/** Resource changes from the stand-in engine's summary line (`Resources: + 5 created, ~ 1 updated, 3 unchanged. …`). */
export function parseEngineSummary(stdout: string): Record<string, number> {
  const line = stdout
    .split("\n")
    .filter((l) => l.startsWith("Resources: "))
    .pop();
  if (!line) return {};
  const changes: Record<string, number> = {};
  for (const [, n, word] of line.matchAll(/(\d+) (created|updated|replaced|deleted)/g)) {
    const kind = { created: "create", updated: "update", replaced: "replace", deleted: "delete" }[word!]!;
    changes[kind] = Number(n);
  }
  return changes;
}

/** Stack outputs from the stand-in engine's `Outputs:` section (`    name: <JSON>`; secrets print as `[secret]`). */
export function parseEngineOutputs(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n");
  const start = lines.indexOf("Outputs:");
  if (start < 0) return {};
  const outputs: Record<string, unknown> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {4}([^:\s]+): (.*)$/.exec(line);
    if (!m) break;
    try {
      outputs[m[1]!] = JSON.parse(m[2]!);
    } catch {
      outputs[m[1]!] = m[2]!; // `[secret]`, `[unknown]`
    }
  }
  return outputs;
}

/**
 * The stand-in engine, state in `<stateDir>/engine/<stack>.json` as `npm run catalog`'s own
 * `localRunner` keeps it (whose `stacks` and `resources` this runner shares), but each operation in
 * a child process of its own. A stop signal is not passed on (the bench never sends one); an
 * operation still running after `timeoutMs` is killed and fails.
 */
export function childLocalRunner(options: { readonly stateDir: string; readonly api: ApiTarget; readonly timeoutMs: number }): ShardRunner {
  const base = localRunner({ stateDir: options.stateDir, api: options.api });
  return {
    ...base,
    async run(job) {
      const r = await runEngineCli({
        operation: job.operation,
        cwd: REPO_ROOT,
        stack: job.stack,
        stateFile: join(options.stateDir, "engine", `${job.stack}.json`),
        config: { ...job.config, "webex:baseUrl": options.api.url },
        secretConfig: { "webex:accessToken": options.api.token },
        timeoutMs: options.timeoutMs,
      });
      for (const line of `${r.stdout}\n${r.stderr}`.split("\n")) if (line) job.output(line);
      const ok = r.exitCode === 0;
      const error =
        r.killed === "timeout"
          ? `killed after ${options.timeoutMs} ms`
          : `${r.stderr}\n${r.stdout}`.split("\n").find((l) => /error/i.test(l));
      return {
        ok,
        changes: parseEngineSummary(r.stdout),
        outputs: parseEngineOutputs(r.stdout),
        ...(ok ? {} : { error: error ?? `exit ${r.exitCode}` }),
      };
    },
  };
}

const zero = (): PeakRss => ({ engine: 0, program: 0, provider: 0, other: 0 });

/** Watches the processes of `stacks` until stopped. */
export type StackProcessWatch = {
  /** Takes one last sample and returns each stack's figures. */
  stop(): Record<string, StackRow["processes"]>;
};

/**
 * Samples every `intervalMs` the processes below this one, grouped by stack (see the module's
 * note). Per stack: the peak RSS of each role, the peak of the sum of its processes' RSS at one
 * sample, and the CPU of each role. A process shorter than one interval may be missed (a
 * `pulumi config set-all` of the Automation API, say); the long ones are not.
 */
export function watchStackProcesses(stacks: readonly string[], intervalMs = 200): StackProcessWatch {
  const peaks = new Map(stacks.map((s) => [s, { peakRssKb: zero(), peakTotalKb: 0 }]));
  // pid → stack, role, CPU ticks last read (a process's times only grow, so the last read counts).
  const cpu = new Map<number, { stack: string; role: keyof PeakRss; ticks: number }>();
  const sample = () => {
    const parents = parentTable();
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    const totals = new Map<string, number>();
    // Depth-first from this process: a process inherits its parent's stack unless none is known yet.
    const visit = (pid: number, stack: string | undefined): void => {
      for (const child of children.get(pid) ?? []) {
        const cmdline = (readText(`/proc/${child}/cmdline`) ?? "").replace(/\0/g, " ");
        const own = stack ?? stackOfCmdline(cmdline, stacks);
        if (own !== undefined) {
          const status = readText(`/proc/${child}/status`);
          const stat = readText(`/proc/${child}/stat`);
          if (status) {
            // An exited, unreaped process has an empty command line: it keeps the role it was seen with.
            const seen = cpu.get(child)?.role;
            const role = seen !== undefined && seen !== "other" ? seen : classifyProcess(cmdline, stack === undefined);
            const p = peaks.get(own)!;
            p.peakRssKb[role] = Math.max(p.peakRssKb[role], parseStatusField(status, "VmHWM"), parseStatusField(status, "VmRSS"));
            totals.set(own, (totals.get(own) ?? 0) + parseStatusField(status, "VmRSS"));
            if (stat) cpu.set(child, { stack: own, role, ticks: parseCpuTicks(stat) });
          }
        }
        visit(child, own);
      }
    };
    visit(process.pid, undefined);
    for (const [stack, total] of totals) peaks.get(stack)!.peakTotalKb = Math.max(peaks.get(stack)!.peakTotalKb, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const out: Record<string, StackRow["processes"]> = {};
      for (const [stack, p] of peaks) out[stack] = { peakRssKb: { ...p.peakRssKb }, peakTotalKb: p.peakTotalKb, cpuMs: zero() };
      for (const { stack, role, ticks } of cpu.values()) out[stack]!.cpuMs[role] += ticks * 10; // 100 ticks per second
      return out;
    },
  };
}

/** Counts writes to each stack's checkpoint in a folder. */
export type CheckpointWatch = {
  /** Events on each stack's checkpoint files since the watch started. */
  writes(stack: string): number;
  /** The stack's checkpoint size now, bytes (every file of it, a journal included). */
  bytes(stack: string): number;
  close(): void;
};

/**
 * Watches `dir`, where each stack's checkpoint is `<stack>.json` (the CLI's file backend; the
 * stand-in engine's state), with the stand-in's journal `<stack>.json.journal` beside it. A write
 * through a temporary file and a rename is one event on `<stack>.json`; an append to the journal
 * is one event on the journal (the kernel may merge events close together, so the count is a floor).
 */
export function watchCheckpoints(dir: string): CheckpointWatch {
  mkdirSync(dir, { recursive: true });
  const counts = new Map<string, number>();
  const watcher: FSWatcher = watch(dir, (_event, file) => {
    const stack = file?.toString().replace(/\.json(\.journal)?$/, "");
    if (stack !== undefined && /\.json(\.journal)?$/.test(file!.toString())) counts.set(stack, (counts.get(stack) ?? 0) + 1);
  });
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  return {
    writes: (stack) => counts.get(stack) ?? 0,
    bytes: (stack) => size(join(dir, `${stack}.json`)) + size(join(dir, `${stack}.json.journal`)),
    close: () => watcher.close(),
  };
}
