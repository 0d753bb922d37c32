// Measures the local engine on the `records` fixture with N resources: fresh up, no-op up, destroy.
// Not part of `npm test`. Usage: npx ts-node --transpile-only test/local/engine/measure.ts [N=100] [parallel=10]
import * as fs from "node:fs";

import { FixtureStack, type Spec } from "./fixture-stack";

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const parallel = Number(process.argv[3] ?? 10);
  const spec: Spec = {
    components: [{ name: "grp" }],
    records: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, value: `v${i}`, ...(i % 10 === 0 ? { parent: "grp" } : {}) })),
  };
  const stack = new FixtureStack();
  const rows: string[] = [];
  try {
    for (const op of ["up", "up", "destroy"] as const) {
      const r = await stack.run(op, spec, { parallel });
      if (!r.ok) throw new Error(`${op} failed: ${r.errors.join("; ")}`);
      const size = fs.existsSync(stack.stateFile) ? fs.statSync(stack.stateFile).size : 0;
      const mb = (b = 0) => `${Math.round(b / 1024 / 1024)} MB`;
      rows.push(
        `| ${n} | ${rows.length === 1 ? "no-op up" : op === "up" ? "fresh up" : "destroy"} | ${(r.durationMs / 1000).toFixed(1)} s | ` +
          `${r.summary.create}/${r.summary.same}/${r.summary.delete} | ${r.stateWrites} | ${Math.round(size / 1024)} KB | ` +
          `${mb(r.peakRssBytes?.engine)} / ${mb(r.peakRssBytes?.program)} / ${mb(r.peakRssBytes?.plugin)} |`,
      );
    }
  } finally {
    stack.cleanup();
  }
  console.log("| resources | run | wall time | create/same/delete | state writes | state size | peak RSS engine / program / plugin |");
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
