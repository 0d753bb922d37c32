/**
 * Peak resident memory of a process tree, sampled from `/proc` while it runs.
 *
 * The engine CLI starts two Node processes of its own: the Pulumi program (`@pulumi/pulumi/cmd/run`)
 * and the dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`), which runs every
 * resource's provider code. Their peaks matter separately (the plugin holds every in-flight
 * request and poll), so each process of the tree is classified by its command line and its peak
 * is kept per role. `VmHWM` is the kernel's own high-water mark of a process's RSS, so a peak
 * between two samples is not missed as long as the process is still alive at some sample; a
 * process that lives less than one interval may be missed entirely (none of these does).
 *
 * The same samples read each process's CPU time (`utime + stime` of `/proc/<pid>/stat`), kept per
 * role: where a phase's time goes (program, engine, plugin). A process's CPU after its last sample
 * (at most one interval) is not counted.
 *
 * Linux only: on other systems `/proc` is absent and every peak stays 0.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Roles a process of the engine's tree can have. */
export type ProcessRole = "engine" | "program" | "provider" | "other";

/** Peak RSS per role, in KiB (the unit of `/proc/<pid>/status`). */
export type PeakRss = Record<ProcessRole, number>;

/**
 * Role of a process from its command line (NUL-separated argv as read from `/proc/<pid>/cmdline`).
 * `isRoot` marks the process the sampler was started on (the engine CLI).
 */
export function classifyProcess(cmdline: string, isRoot: boolean): ProcessRole {
  if (isRoot) return "engine";
  if (cmdline.includes("dynamic-provider")) return "provider";
  if (/cmd[\\/]run/.test(cmdline)) return "program";
  return "other";
}

/** Reads one `Vm…:  1234 kB` field of a `/proc/<pid>/status` text; 0 when absent. */
export function parseStatusField(status: string, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return m ? Number(m[1]) : 0;
}

/** A file of `/proc` as text; `undefined` when the process is gone. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process exited between listing and reading: nothing to sample
  }
}

/** pid → parent pid of every live process. */
export function parentTable(): Map<number, number> {
  const table = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const stat = readText(`/proc/${e}/stat`);
    if (!stat) continue;
    // The command name in parentheses may contain spaces: split after its closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    table.set(Number(e), Number(rest[1]));
  }
  return table;
}

/** The pids of `root` and all its descendants. */
function treeOf(root: number): number[] {
  const parents = parentTable();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree.filter((p) => p === root || parents.has(p));
}

/** A running sampler; `stop()` returns the peaks seen. */
export interface MemorySampler {
  /** Takes one last sample, stops, and returns the peak RSS per role (KiB). */
  stop(): PeakRss;
  /** CPU time (user + system) per role, ms, as of the last sample. */
  cpuMs(): PeakRss;
}

/** Clock ticks per second of `/proc/<pid>/stat`'s times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/** `utime + stime` of a `/proc/<pid>/stat` text, in clock ticks; 0 when unreadable. */
export function parseCpuTicks(stat: string): number {
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? ticks : 0;
}

/**
 * Samples the tree rooted at `rootPid` every `intervalMs` until `stop()`.
 *
 * @example
 * const sampler = sampleProcessTree(child.pid!);
 * await onExit(child);
 * const peaks = sampler.stop(); // { engine, program, provider, other } in KiB
 */
export function sampleProcessTree(rootPid: number, intervalMs = 100): MemorySampler {
  const peaks: PeakRss = { engine: 0, program: 0, provider: 0, other: 0 };
  // pid → its role and the CPU ticks last read (a process's times only grow, so the last read counts).
  const cpu = new Map<number, { role: ProcessRole; ticks: number }>();
  const sample = (): void => {
    for (const pid of treeOf(rootPid)) {
      const status = readText(`/proc/${pid}/status`);
      if (!status) continue;
      const role = classifyProcess((readText(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " "), pid === rootPid);
      const rss = Math.max(parseStatusField(status, "VmHWM"), parseStatusField(status, "VmRSS"));
      peaks[role] = Math.max(peaks[role], rss);
      const stat = readText(`/proc/${pid}/stat`);
      if (stat) cpu.set(pid, { role, ticks: parseCpuTicks(stat) });
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop(): PeakRss {
      clearInterval(timer);
      sample();
      return { ...peaks };
    },
    cpuMs(): PeakRss {
      const out: PeakRss = { engine: 0, program: 0, provider: 0, other: 0 };
      for (const { role, ticks } of cpu.values()) out[role] += (ticks * 1000) / CLOCK_TICKS_PER_S;
      return out;
    },
  };
}
