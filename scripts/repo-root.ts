/**
 * The repository root, for scripts that run both from source (`scripts/`, under ts-node) and built
 * (`dist/scripts/`, which `npm start` runs when `dist/` is current): the nearest folder above this
 * file that holds `package.json`.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository root (the folder of the package's `package.json`). */
export const REPO_ROOT = findRoot(__dirname);
