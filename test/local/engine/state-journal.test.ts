// The state is written as a journal: each flush appends what changed, and the base file is rewritten only at the
// first write of a run that found a journal, when the journal outgrows the base, and at the end of a run. These
// tests prove the bytes saved and the crash safety: the files as they stand after every durable write (where a
// SIGKILL could stop the run) load to exactly the state that write made durable, including the moment between a
// compaction's rename and the journal's removal; a torn last entry is ignored; a journal of an older base is ignored.
import * as fs from "node:fs";
import * as path from "node:path";

import { expect } from "chai";

import { makeSecret } from "../../../local/engine/property-values";
import { nodeStateIo, type StateIo } from "../../../local/engine/state-io";
import {
  journalEntry,
  journalFileFor,
  journalHeader,
  listDelta,
  readStoredState,
  sha256,
  storedList,
} from "../../../local/engine/state-journal";
import { StateStore } from "../../../local/engine/state-store";
import { FixtureStack, explain, type Spec } from "./fixture-stack";
import { PROVIDER_CODE, resource, useStateDir } from "./state-fixtures";

type Copy = { base?: string; journal?: string };

/**
 * A StateIo that counts bytes and copies the files as a kill would leave them at every point a write makes
 * something durable: after an append, and after a directory sync (the end of a base rewrite, before the journal it
 * replaces is removed; the start of a journal).
 */
function recordingIo(file: string): StateIo & { bytes: number; snapshots: Copy[] } {
  const read = (f: string): string | undefined => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined);
  const take = (): void => void io.snapshots.push({ base: read(file), journal: read(journalFileFor(file)) });
  const io = {
    ...nodeStateIo,
    bytes: 0,
    snapshots: [] as Copy[],
    async writeDurable(f: string, text: string): Promise<void> {
      io.bytes += Buffer.byteLength(text);
      await nodeStateIo.writeDurable(f, text);
    },
    async appendDurable(f: string, text: string): Promise<void> {
      io.bytes += Buffer.byteLength(text);
      await nodeStateIo.appendDurable(f, text);
      take();
    },
    async syncDir(d: string): Promise<void> {
      await nodeStateIo.syncDir(d);
      take();
    },
  };
  return io;
}

/** Opens (and releases) a store on files copied at one moment, in a directory of their own. */
function loadCopy(dir: string, copy: Copy): StateStore {
  const file = path.join(fs.mkdtempSync(path.join(dir, "copy-")), "dev.json");
  if (copy.base !== undefined) fs.writeFileSync(file, copy.base);
  if (copy.journal !== undefined) fs.writeFileSync(journalFileFor(file), copy.journal);
  const store = StateStore.open(file, "proj", "dev", "pass");
  store.release();
  return store;
}

const names = (s: StateStore): string[] =>
  s.state.resources.map((r) => `${r.urn.split("::").pop()}:${r.id}${r.pendingReplacement ? "(old)" : ""}`);

describe("local engine: journal format", () => {
  const paths = useStateDir("engine-journal-format-");

  it("a list delta refers to unchanged runs by position and holds changed elements in full", () => {
    const previous = storedList(['{"a":1}', '{"b":1}', '{"c":1}']);
    expect(listDelta(previous, previous.lines), "unchanged").to.equal(undefined);
    expect(listDelta(previous, ['{"a":1}', '{"b":2}', '{"c":1}'])).to.deep.equal([[0, 1], '{"b":2}', [2, 1]]);
    expect(listDelta(previous, ['{"a":1}', '{"c":1}']), "a removal").to.deep.equal([
      [0, 1],
      [2, 1],
    ]);
    expect(listDelta(previous, ['{"a":1}', '{"b":1}']), "a shorter prefix").to.deep.equal([[0, 2]]);
    expect(listDelta(storedList([]), []), "empty stays empty").to.equal(undefined);
  });

  it("replays entries onto the base they name, in order, and stops at one that refers past the list", () => {
    const base = JSON.stringify({ resources: [{ n: "a" }], pending: [], outputs: {}, blobs: { h1: "code" } });
    fs.writeFileSync(paths.file, base);
    const lines = (items: object[]): string[] => items.map((i) => JSON.stringify(i));
    const entry1 = journalEntry({
      resources: { delta: [[0, 1], '{"n":"b"}'], lines: lines([{ n: "a" }, { n: "b" }]) },
      pending: { delta: undefined, lines: [] },
      outputs: '{"o":1}',
      newBlobs: [["h2", "more code"]],
    });
    const entry2 = journalEntry({
      resources: { delta: [[1, 1]], lines: lines([{ n: "b" }]) },
      pending: { delta: ['{"op":"create"}'], lines: ['{"op":"create"}'] },
      newBlobs: [],
      provider: '{"type":"passphrase"}',
    });
    const bad = journalEntry({ resources: { delta: [[5, 1]], lines: [] }, pending: { delta: undefined, lines: [] }, newBlobs: [] });
    fs.writeFileSync(journalFileFor(paths.file), journalHeader(sha256(base)) + entry1 + entry2 + bad + entry1);
    const stored = readStoredState(paths.file)!;
    expect(stored.replayed).to.equal(2);
    expect(stored.raw).to.deep.equal({
      resources: [{ n: "b" }],
      pending: [{ op: "create" }],
      outputs: { o: 1 },
      blobs: { h1: "code", h2: "more code" },
      secretsProvider: { type: "passphrase" },
    });

    fs.writeFileSync(journalFileFor(paths.file), journalHeader(sha256(base + " ")) + entry1);
    expect(readStoredState(paths.file)!.replayed, "a journal of another base").to.equal(0);
  });

  it("reports a base file that is not JSON, or not an object, naming it", () => {
    expect(readStoredState(paths.file), "no base file").to.equal(undefined);
    fs.writeFileSync(paths.file, "{");
    expect(() => readStoredState(paths.file)).to.throw(new RegExp(`state file ${paths.file} is not valid JSON`));
    fs.writeFileSync(paths.file, "[]");
    expect(() => readStoredState(paths.file)).to.throw(/is not a local-engine state: not a JSON object/);
  });
});

describe("local engine: state journal", () => {
  const paths = useStateDir("engine-journal-");

  it("every point a kill could stop at loads to the state made durable there, in order, with pending operations", async () => {
    const io = recordingIo(paths.file);
    const store = StateStore.open(paths.file, "proj", "dev", "pass", undefined, io);
    const expected: string[][] = [];
    const expectedPending: string[][] = [];
    const durable = async (): Promise<void> => {
      await store.flush();
      expected.push(names(store));
      expectedPending.push(store.state.pending.map((p) => `${p.op}:${p.urn.split("::").pop()}`));
    };
    // Creates, each with its pending operation durable first.
    for (const n of ["a", "b", "c", "d"]) {
      const op = store.beginOperation("create", resource(n).urn, resource(n).type);
      await durable();
      store.upsert(resource(n));
      store.endOperation(op);
      await durable();
    }
    // An update in place, a create-before-delete replacement (the old half flagged), the old half's deletion, a
    // rename that keeps its position, new stack outputs and a secret (which brings the secrets-provider block).
    const b = store.state.resources[1]!;
    store.upsert(resource("b", { outputs: { name: "b2", __provider: PROVIDER_CODE } }), b);
    await durable();
    const c = { ...store.state.resources[2]!, pendingReplacement: true };
    store.upsert(c, store.state.resources[2]);
    store.upsert(resource("c", { id: "c-id-2", inputs: { token: makeSecret("s3cret"), __provider: PROVIDER_CODE } }));
    await durable();
    store.remove(c);
    await durable();
    const a = store.state.resources[0]!;
    store.upsert(resource("a-renamed"), a);
    store.state.outputs = { out: "v" };
    await durable();
    // A flush with nothing changed writes nothing.
    await store.flush();
    const writesDuringRun = store.writes;
    await store.close();
    store.release();

    expect(writesDuringRun, "one physical write per flush that changed something").to.equal(expected.length);
    // One copy per durable write, then the end-of-run compaction's (new base, old journal not yet removed).
    const points = io.snapshots;
    expect(points).to.have.length(expected.length + 1);
    expect(points[0]!.journal, "the first write of a new stack writes the base file").to.equal(undefined);
    expect(points[1]!.journal, "later writes append to the journal").to.be.a("string");
    expect(points[expected.length - 1]!.base, "the base file is not rewritten during the run").to.equal(points[0]!.base);
    for (let i = 0; i < expected.length; i++) {
      const loaded = loadCopy(paths.dir, points[i]!);
      expect(names(loaded), `after write ${i + 1}`).to.deep.equal(expected[i]);
      expect(
        loaded.interrupted.map((p) => `${p.op}:${p.urn.split("::").pop()}`),
        `pending after write ${i + 1}`,
      ).to.deep.equal(expectedPending[i]);
    }
    const killedBeforeJournalRemoval = loadCopy(paths.dir, points[expected.length]!);
    expect(points[expected.length]!.journal, "the compaction's copy still has the old journal").to.be.a("string");
    expect(names(killedBeforeJournalRemoval), "a journal of an older base is not applied again").to.deep.equal(expected.at(-1));

    expect(fs.existsSync(journalFileFor(paths.file)), "close folds the journal into the base file").to.equal(false);
    const final = loadCopy(paths.dir, { base: fs.readFileSync(paths.file, "utf8") });
    expect(names(final)).to.deep.equal(expected.at(-1));
    expect(final.state.outputs).to.deep.equal({ out: "v" });
    expect(final.state.resources.find((r) => r.urn.endsWith("::c"))!.inputs["token"]).to.deep.equal(makeSecret("s3cret"));
    expect(final.state.resources.find((r) => r.urn.endsWith("::b"))!.outputs["name"]).to.equal("b2");
    for (const p of points) {
      for (const text of [p.base ?? "", p.journal ?? ""]) {
        expect(text).to.not.include("s3cret");
        expect(text.split(PROVIDER_CODE).length - 1, "the provider code is stored once per file").to.be.at.most(1);
      }
    }
    expect(io.bytes).to.equal(store.bytesWritten);
  });

  it("ignores a torn last entry (a kill during an append) and a journal left from an older base file", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", "pass");
    store.upsert(resource("a"));
    await store.flush();
    store.upsert(resource("b"));
    await store.flush();
    store.release(); // killed: no close, the journal stays
    const journal = fs.readFileSync(journalFileFor(paths.file), "utf8");
    const base = fs.readFileSync(paths.file, "utf8");
    const torn = journal + journal.split("\n")[1]!.slice(0, 40);
    expect(names(loadCopy(paths.dir, { base, journal: torn }))).to.deep.equal(["a:a-id", "b:b-id"]);
    expect(names(loadCopy(paths.dir, { base, journal: journal.slice(0, -1) })), "the only entry torn").to.deep.equal(["a:a-id"]);
    expect(names(loadCopy(paths.dir, { base, journal: journal.split("\n")[0]!.slice(0, 10) })), "a torn header").to.deep.equal(["a:a-id"]);
    const olderBase = base.replace('"resources":[', '"resources":[ ');
    expect(names(loadCopy(paths.dir, { base: olderBase, journal })), "a journal of another base file").to.deep.equal(["a:a-id"]);

    // A run that loads a torn journal folds it into the base file at its first write.
    fs.writeFileSync(journalFileFor(paths.file), torn);
    expect(readStoredState(paths.file)!.replayed).to.equal(1);
    const io = recordingIo(paths.file);
    const again = StateStore.open(paths.file, "proj", "dev", "pass", undefined, io);
    again.upsert(resource("c"));
    await again.flush();
    expect(fs.existsSync(journalFileFor(paths.file)), "folded at the first write").to.equal(false);
    expect(names(loadCopy(paths.dir, io.snapshots[0]!)), "killed right after the fold").to.deep.equal(["a:a-id", "b:b-id", "c:c-id"]);
    again.upsert(resource("d"));
    await again.close();
    again.release();
    const stored = readStoredState(paths.file)!;
    expect(stored.journal).to.equal(false);
    expect((stored.raw as { resources: unknown[] }).resources).to.have.length(4);
  });

  it("a no-op run over a state loaded from disk writes nothing", async () => {
    const store = StateStore.open(paths.file, "proj", "dev", "pass");
    store.upsert(resource("a", { inputs: { token: makeSecret("s"), __provider: PROVIDER_CODE } }));
    store.upsert(resource("b"));
    await store.close();
    store.release();
    const before = fs.readFileSync(paths.file, "utf8");
    const again = StateStore.open(paths.file, "proj", "dev", "pass");
    // The step generator replaces every record with an equal new one.
    for (const r of [...again.state.resources]) again.upsert({ ...r, inputs: { ...r.inputs }, outputs: { ...r.outputs } }, r);
    await again.close();
    again.release();
    expect(again.writes).to.equal(0);
    expect(fs.readFileSync(paths.file, "utf8")).to.equal(before);
  });
});

describe("local engine: bytes the state costs during an up", function () {
  this.timeout(180_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("an up of 40 records writes under three times the final state file (a full rewrite per step wrote ~40 times it)", async () => {
    const spec: Spec = { records: Array.from({ length: 40 }, (_, i) => ({ name: `r${i}`, value: `value-${i}`.repeat(20) })) };
    let bytes = 0;
    let fullWrites = 0;
    const io: StateIo = {
      ...nodeStateIo,
      async writeDurable(f, text) {
        bytes += Buffer.byteLength(text);
        fullWrites++;
        await nodeStateIo.writeDurable(f, text);
      },
      async appendDurable(f, text) {
        bytes += Buffer.byteLength(text);
        await nodeStateIo.appendDurable(f, text);
      },
    };
    const r = await stack.run("up", spec, { parallel: 4, stateIo: io });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const finalSize = fs.statSync(stack.stateFile).size;
    expect(r.stateWrites, "writes made").to.be.greaterThan(10);
    expect(r.stateBytesWritten).to.equal(bytes);
    expect(bytes, `${bytes} bytes in ${r.stateWrites} writes (${fullWrites} full) for a ${finalSize}-byte state`).to.be.lessThan(
      3 * finalSize,
    );
    // The first base file, the journal's start, the end-of-run compaction.
    expect(fullWrites).to.be.at.most(3);
    expect(stack.recordNames()).to.have.length(40);
    expect(fs.existsSync(journalFileFor(stack.stateFile))).to.equal(false);
  });
});
