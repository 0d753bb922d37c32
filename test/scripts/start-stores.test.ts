// What npm start reads of its stores: damaged files are answers, not crashes; the newest intact
// backup is the one named for recovery; the import file has the shape `pulumi stack import` reads;
// a marker's text is escaped before it reaches a terminal.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cliCheckpoint,
  cliLockHeld,
  emulatorCustomerIds,
  newestIntactBackup,
  otherProcessAlive,
  readPulumiState,
  RunMarker,
  storesOf,
  writeImportFile,
} from "../../scripts/start-stores";

const checkpoint = (resources: object[], pending: object[] = []) =>
  JSON.stringify({ version: 3, checkpoint: { stack: "dev", latest: { manifest: {}, resources, pending_operations: pending } } });
const customer = (id: string) => ({ urn: `urn:x::${id}`, type: "pulumi-nodejs:dynamic/webex:CustomerOrg", id });

describe("npm start's stores", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "start-stores-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the CLI's checkpoint: dynamic resources and pending operations; a truncated file is unreadable, a missing one empty", () => {
    const stores = storesOf(dir, "dev");
    const file = cliCheckpoint(stores, "proj", "dev");
    expect(readPulumiState(file)).to.deep.equal({ file, readable: true, resources: [], pending: 0 });
    mkdirSync(join(file, ".."), { recursive: true });
    const provider = { urn: "urn:p", type: "pulumi:providers:pulumi-nodejs", id: "p" };
    writeFileSync(file, checkpoint([provider, customer("c1")], [{ type: "creating" }]));
    expect(readPulumiState(file)).to.deep.include({ readable: true, pending: 1 });
    expect(readPulumiState(file).resources).to.deep.equal([{ type: customer("c1").type, id: "c1" }]);
    writeFileSync(file, checkpoint([customer("c1")]).slice(0, 40));
    expect(readPulumiState(file)).to.deep.include({ readable: false });
  });

  it("names the newest backup that parses, skipping a newer truncated one, and writes it as an import file", () => {
    const stores = storesOf(dir, "dev");
    const backups = join(stores.backend, ".pulumi", "backups", "proj", "dev");
    mkdirSync(backups, { recursive: true });
    const old = join(backups, "dev.1.json");
    const good = join(backups, "dev.2.json");
    const torn = join(backups, "dev.3.json");
    writeFileSync(old, checkpoint([customer("a")]));
    writeFileSync(good, checkpoint([customer("a"), customer("b")]));
    writeFileSync(torn, checkpoint([customer("a")]).slice(0, 30));
    [old, good, torn].forEach((f, i) => utimesSync(f, 1000 + i, 1000 + i));
    expect(newestIntactBackup(stores, "dev")).to.deep.equal({ file: good, resources: 2 });
    expect(newestIntactBackup(stores, "prod")).to.equal(undefined);
    const target = join(dir, "import.json");
    writeImportFile(good, target);
    const imported = JSON.parse(readFileSync(target, "utf8")) as { version: number; deployment: { resources: unknown[] } };
    expect(imported.version).to.equal(3);
    expect(imported.deployment.resources).to.have.length(2);
  });

  it("sees the CLI's lock and the emulator's customers", () => {
    const stores = storesOf(dir, "dev");
    expect(cliLockHeld(stores)).to.equal(false);
    const locks = join(stores.backend, ".pulumi", "locks", "organization", "proj", "dev");
    mkdirSync(locks, { recursive: true });
    writeFileSync(join(locks, "x.json"), "{}");
    expect(cliLockHeld(stores)).to.equal(true);
    expect(emulatorCustomerIds(stores)).to.equal(undefined);
    writeFileSync(stores.emulatorState, JSON.stringify({ customers: { c1: {}, c2: {} } }));
    expect([...emulatorCustomerIds(stores)!]).to.deep.equal(["c1", "c2"]);
  });

  it("a marker's text is escaped, a damaged marker still counts as an unclean end, and remove clears it", () => {
    const marker = new RunMarker(join(dir, "run-in-progress.json"));
    expect(marker.read()).to.equal(undefined);
    writeFileSync(join(dir, "run-in-progress.json"), JSON.stringify({ operation: "up\u001b[2J", pid: "12", startedAt: "t\u0007" }));
    expect(marker.read()).to.deep.equal({ operation: "up\\x1b[2J", pid: 0, startedAt: "t\\x07" });
    writeFileSync(join(dir, "run-in-progress.json"), "{trunc");
    expect(marker.read()).to.deep.equal({ operation: "unknown", pid: 0, startedAt: "unknown" });
    marker.write({ operation: "destroy", pid: 42, startedAt: "2026-12-07T00:00:00Z" });
    expect(marker.read()).to.deep.equal({ operation: "destroy", pid: 42, startedAt: "2026-12-07T00:00:00Z" });
    marker.remove();
    expect(marker.read()).to.equal(undefined);
  });
});

describe("otherProcessAlive", () => {
  it("a killed run left unreaped (a zombie, as under an init that does not reap) counts as gone; a running one does not", async function () {
    if (process.platform !== "linux") this.skip(); // one line: zombies are read from /proc, Linux only
    // `true` exits at once, and its parent has become `sleep`, which never reaps it: a zombie for 10 s.
    const parent = spawn("sh", ["-c", "true & echo $!; exec sleep 10"], { stdio: ["ignore", "pipe", "ignore"] });
    const zombie = await new Promise<number>((resolve) => parent.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
    // On a loaded machine `true` may take a while to run and exit: wait for it (a check that only asks
    // whether the pid exists, as `kill(pid, 0)` does, would wait in vain).
    for (let waited = 0; otherProcessAlive(zombie) && waited < 8000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(() => process.kill(zombie, 0), "the pid still exists").not.to.throw();
    expect(otherProcessAlive(zombie)).to.equal(false);
    expect(otherProcessAlive(parent.pid!)).to.equal(true);
    parent.kill("SIGKILL");
  });
});
