/**
 * How long one shard stack's program takes to load its catalog: the whole file (the CI-matrix path)
 * against its slice (`npm run catalog`), on the bench's generated catalog.
 *
 *   scripts/with-node.sh 22 npx ts-node --transpile-only scripts/catalog/measure-slices.ts [customers=1000] [users=20] [shards=8]
 *
 * Prints one JSON line: file sizes and load times (ms, the best of 3 after one warm-up) of the whole
 * file and of the largest shard's slice: as the command writes it (JSON, one entry per line), as
 * block YAML, and as JSON on one line (all read by the same YAML loader).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { catalogDocument } from "../../bench/shards";
import { loadCatalog } from "../../catalog/load";
import { packageRules } from "../../catalog/package-rules";
import { sliceCatalog, sliceText } from "../../catalog/slices";

/** The best of `runs` timed loads of `file`, after one untimed warm-up. */
async function loadMs(file: string, runs = 3): Promise<number> {
  await loadCatalog(file, packageRules());
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await loadCatalog(file, packageRules());
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return Math.round(best);
}

async function main(): Promise<void> {
  const [customers, users, shards] = [process.argv[2] ?? "1000", process.argv[3] ?? "20", process.argv[4] ?? "8"].map(Number) as [
    number,
    number,
    number,
  ];
  const dir = mkdtempSync(join(tmpdir(), "measure-slices-"));
  try {
    const whole = join(dir, "customers.yaml");
    writeFileSync(whole, stringify(catalogDocument(customers, users), { lineWidth: 0 }));
    const catalog = await loadCatalog(whole, packageRules());
    const slices = sliceCatalog(catalog, shards).shards;
    const largest = slices.reduce((a, b) => (b.document.users.length > a.document.users.length ? b : a));
    const [slice, yaml, json] = [join(dir, "slice.yaml"), join(dir, "slice-block.yaml"), join(dir, "slice-compact.json")];
    writeFileSync(slice, sliceText(largest, whole, shards));
    writeFileSync(yaml, stringify(largest.document, { lineWidth: 0 }));
    writeFileSync(json, JSON.stringify(largest.document));
    const size = (f: string) => statSync(f).size;
    const figures = {
      customers,
      usersPerCustomer: users,
      shards,
      sliceCustomers: largest.document.customers.length,
      bytes: { whole: size(whole), slice: size(slice), sliceBlockYaml: size(yaml), sliceCompactJson: size(json) },
      loadMs: {
        whole: await loadMs(whole),
        slice: await loadMs(slice),
        sliceBlockYaml: await loadMs(yaml),
        sliceCompactJson: await loadMs(json),
      },
    };
    console.log(JSON.stringify(figures));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
