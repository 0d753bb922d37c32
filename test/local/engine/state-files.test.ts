// The base file and its journal: the first write of a new stack rewrites the base, later ones append what changed,
// an unchanged state writes nothing, a compaction folds the journal in, and a failed write leaves no temporary file
// and makes the next write a rewrite.
import * as fs from "node:fs";
import * as path from "node:path";

import { expect } from "chai";

import { StateSecrets } from "../../../local/engine/secrets";
import { StateCodec, type Snapshot } from "../../../local/engine/state-codec";
import { StateFiles, removeStaleTemporaries } from "../../../local/engine/state-files";
import { StateWriteError, nodeStateIo, type StateIo } from "../../../local/engine/state-io";
import { journalFileFor, readStoredState } from "../../../local/engine/state-journal";
import type { StackState } from "../../../local/engine/state-schema";
import { resource, useStateDir } from "./state-fixtures";

/** Snapshots of a state growing one resource at a time. */
function snapshots(): { state: StackState; snap: () => Snapshot } {
  const state: StackState = { version: 1, project: "proj", stack: "dev", outputs: {}, resources: [], pending: [] };
  const codec = new StateCodec(new StateSecrets(undefined, undefined));
  return { state, snap: () => codec.snapshot(state, []) };
}

const storedNames = (file: string): string[] =>
  ((readStoredState(file)!.raw as { resources: Array<{ urn: string }> }).resources ?? []).map((r) => r.urn.split("::").pop()!);

describe("local engine: state files (base file and journal)", () => {
  const paths = useStateDir("engine-files-");

  it("rewrites the base first, then appends only what changed, skips an unchanged state, and compacts on request", async () => {
    const s = snapshots();
    const files = new StateFiles(paths.file, nodeStateIo, undefined);
    s.state.resources.push(resource("a"));
    expect(await files.write(s.snap(), false)).to.equal("rewritten");
    const base = fs.readFileSync(paths.file, "utf8");
    s.state.resources.push(resource("b"));
    expect(await files.write(s.snap(), false)).to.equal("appended");
    expect(fs.readFileSync(paths.file, "utf8"), "the base is not rewritten").to.equal(base);
    const journal = fs.readFileSync(journalFileFor(paths.file), "utf8");
    expect(journal.split("\n")[1], "the entry refers to the unchanged resource by position").to.match(/^\{"r":\[\[0,1\],\{"urn"/);
    expect(storedNames(paths.file)).to.deep.equal(["a", "b"]);
    expect(await files.write(s.snap(), false)).to.equal("unchanged");
    expect(files.writes).to.equal(2);

    expect(await files.write(s.snap(), true), "a compaction with a journal to fold").to.equal("rewritten");
    expect(fs.existsSync(journalFileFor(paths.file))).to.equal(false);
    expect(await files.write(s.snap(), true), "nothing left to fold").to.equal("unchanged");
    expect(storedNames(paths.file)).to.deep.equal(["a", "b"]);
    expect(files.bytesWritten).to.equal(Buffer.byteLength(base) + Buffer.byteLength(journal) + fs.statSync(paths.file).size);
  });

  it("folds a journal it finds (an earlier run's) into the base at its first write", async () => {
    const s = snapshots();
    const first = new StateFiles(paths.file, nodeStateIo, undefined);
    s.state.resources.push(resource("a"));
    await first.write(s.snap(), false);
    s.state.resources.push(resource("b"));
    await first.write(s.snap(), false); // killed here: the journal stays

    const next = new StateFiles(paths.file, nodeStateIo, readStoredState(paths.file));
    s.state.resources.push(resource("c"));
    expect(await next.write(s.snap(), false)).to.equal("rewritten");
    expect(fs.existsSync(journalFileFor(paths.file))).to.equal(false);
    expect(storedNames(paths.file)).to.deep.equal(["a", "b", "c"]);
  });

  it("a failed rewrite removes its temporary file; a failed append makes the next write a rewrite", async () => {
    let failNext = "";
    const io: StateIo = {
      ...nodeStateIo,
      async rename(from, to) {
        if (failNext === "rename") throw Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC" });
        await nodeStateIo.rename(from, to);
      },
      async appendDurable(file, text) {
        if (failNext === "append") {
          fs.appendFileSync(file, text.slice(0, 10)); // a torn line, as a full disk leaves it
          throw Object.assign(new Error("EIO: i/o error"), { code: "EIO" });
        }
        await nodeStateIo.appendDurable(file, text);
      },
    };
    const s = snapshots();
    const files = new StateFiles(paths.file, io, undefined);
    s.state.resources.push(resource("a"));
    failNext = "rename";
    const error = await files.write(s.snap(), false).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StateWriteError).and.include({ code: "ENOSPC" });
    expect(fs.readdirSync(paths.dir), "no temporary file, no base").to.deep.equal([]);

    failNext = "";
    await files.write(s.snap(), false);
    s.state.resources.push(resource("b"));
    await files.write(s.snap(), false); // starts the journal
    s.state.resources.push(resource("c"));
    failNext = "append";
    expect(await files.write(s.snap(), false).catch((e: unknown) => e)).to.be.instanceOf(StateWriteError);
    expect(storedNames(paths.file), "the torn entry is ignored").to.deep.equal(["a", "b"]);
    failNext = "";
    expect(await files.write(s.snap(), false)).to.equal("rewritten");
    expect(storedNames(paths.file)).to.deep.equal(["a", "b", "c"]);
  });

  it("removes the temporary files of a killed run's rewrites, and nothing else", () => {
    for (const f of ["dev.json.tmp-123", "dev.json.tmp-9", "dev.json", "other.json.tmp-1"]) fs.writeFileSync(path.join(paths.dir, f), "");
    removeStaleTemporaries(paths.file, nodeStateIo);
    expect(fs.readdirSync(paths.dir).sort()).to.deep.equal(["dev.json", "other.json.tmp-1"]);
  });
});
