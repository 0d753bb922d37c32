// The processes a run started, from /proc (Linux, as CI): the "nothing left running" checks of the
// signal tests under the local engine and the real CLI.
import { readdirSync, readFileSync } from "node:fs";

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `root` (children, grandchildren…), from /proc; whatever their process group. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parentOf) if (parent === pid && !found.includes(child)) (found.push(child), queue.push(child));
  }
  return found;
}

/** SIGKILLs the process group of `leader` and every process below it (a lost CI runner: nothing survives). */
export function killEverything(leader: number): void {
  const below = descendants(leader);
  for (const target of [-leader, leader, ...below]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
