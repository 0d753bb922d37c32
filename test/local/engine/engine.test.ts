// End-to-end tests of the local engine: the real SDK runs the `records` fixture program, the real dynamic-provider
// plugin runs its recording provider, and the tests assert what reached the provider, the state and the output.
import { expect } from "chai";

import { FixtureStack, PASSPHRASE, SECRET_TOKEN, explain, indexOfCall, maxConcurrentWrites, type Spec } from "./fixture-stack";

const RECORD_TYPE = "pulumi-nodejs:dynamic/fixture:Record";

describe("local engine: lifecycle (preview, up, no-op, update, dependsOn, removal, destroy)", function () {
  this.timeout(120_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const base: Spec = {
    components: [{ name: "grp" }],
    records: [
      { name: "a", value: "alpha" },
      { name: "b", value: "beta", valueFrom: "a", dependsOn: ["a"], tags: { env: "dev" } },
      { name: "c", value: "gamma", parent: "grp" },
      { name: "d", value: "delta", dependsOn: ["b"] },
    ],
  };

  it("preview plans the creates and sends no create, update or delete to the provider", async () => {
    const r = await stack.run("preview", base);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
    expect(stack.calls().map((c) => c.op)).to.include("check");
    expect(r.summary.create).to.equal(6); // the Stack, the component and 4 records
    expect(stack.lines.filter((l) => / \+  .* create$/.test(l))).to.have.length(6);
    expect(stack.lines.join("\n")).to.match(/Resources: \+ 6 to create/);
  });

  it("up creates everything, dependents after their dependencies, with outputs flowing into inputs", async () => {
    const r = await stack.run("up", base);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(r.exitCode).to.equal(0);
    expect(r.summary).to.include({ create: 6, update: 0, delete: 0, failed: 0 });
    const calls = stack.calls();
    expect(indexOfCall(calls, "create", "start", "b")).to.be.greaterThan(indexOfCall(calls, "create", "end", "a"));
    expect(indexOfCall(calls, "create", "start", "d")).to.be.greaterThan(indexOfCall(calls, "create", "end", "b"));
    expect(r.outputs["values"]).to.deep.equal({ a: "alpha", b: "beta<-alpha", c: "gamma", d: "delta" });
    expect(stack.recordNames()).to.deep.equal(["a", "b", "c", "d"]);
    expect(stack.state().pending).to.deep.equal([]);
    expect(stack.lines.join("\n")).to.match(/Resources: \+ 6 created, 0 unchanged\. Duration: \d+s/);
  });

  it("a second up is all unchanged: zero provider writes, zero state writes, and says so", async () => {
    const before = stack.stateText();
    const r = await stack.run("up", base);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(r.summary).to.include({ create: 0, update: 0, replace: 0, delete: 0, same: 6 });
    expect(stack.writes()).to.deep.equal([]);
    expect(r.stateWrites).to.equal(0);
    expect(stack.stateText()).to.equal(before);
    expect(stack.lines.join("\n")).to.include("No changes");
  });

  it("an update shows the changed keys computed by the engine", async () => {
    const spec: Spec = { ...base, records: base.records.map((x) => (x.name === "c" ? { ...x, value: "gamma2", tags: { team: "x" } } : x)) };
    const r = await stack.run("up", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal(["update:c"]);
    const step = r.steps.find((s) => s.name === "c");
    expect(step).to.deep.include({ op: "update", changedKeys: ["tags", "value"] });
    expect(stack.lines.join("\n")).to.match(/~  pulumi-nodejs:dynamic\/fixture:Record c updated \(\d+s\) \[diff: \+tags~value\]/);
  });

  it("removing a resource from the program deletes it (and only it)", async () => {
    const spec: Spec = {
      ...base,
      records: base.records.filter((x) => x.name !== "d").map((x) => (x.name === "c" ? { ...x, value: "gamma2", tags: { team: "x" } } : x)),
    };
    const r = await stack.run("up", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal(["delete:d"]);
    expect(stack.recordNames()).to.deep.equal(["a", "b", "c"]);
    expect(Object.keys(stack.store()).sort()).to.deep.equal(["a", "b", "c"]);
  });

  it("destroy deletes dependents before their dependencies and leaves an empty state", async () => {
    const r = await stack.run("destroy", base);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const writes = stack.writes();
    expect(writes.slice().sort()).to.deep.equal(["delete:a", "delete:b", "delete:c"]);
    expect(writes.indexOf("delete:b")).to.be.lessThan(writes.indexOf("delete:a"));
    expect(stack.state().resources).to.deep.equal([]);
    expect(stack.store()).to.deep.equal({});
    expect(r.summary.delete).to.equal(5);
  });
});

describe("local engine: replacements", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const spec = (suffix: string): Spec => ({
    records: [
      { name: "cbd", value: "v", key: `cbd-${suffix}` },
      { name: "dbr", value: "v", key: `dbr-${suffix}`, deleteBeforeReplace: true },
      { name: "other", value: `other-${suffix}` },
    ],
  });

  it("creates the initial resources", async () => {
    const r = await stack.run("up", spec("1"));
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(r.summary.create).to.equal(4);
  });

  it("preview of a replacement names the replacing key and writes nothing", async () => {
    const r = await stack.run("preview", spec("2"));
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
    expect(
      r.steps
        .filter((s) => s.op === "replace")
        .map((s) => s.name)
        .sort(),
    ).to.deep.equal(["cbd", "dbr"]);
    expect(stack.lines.join("\n")).to.match(/\+- pulumi-nodejs:dynamic\/fixture:Record cbd replace \[diff: ~key\]/);
  });

  it("create-before-delete deletes the old resource at the end; deleteBeforeReplace deletes it first", async () => {
    const r = await stack.run("up", spec("2"));
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const writes = stack.writes();
    expect(writes.indexOf("delete:dbr")).to.be.lessThan(writes.indexOf("create:dbr"));
    // The old cbd goes after every create and update of the deployment.
    expect(writes[writes.length - 1]).to.equal("delete:cbd");
    // (cbd's create and other's update are independent and run concurrently: either may end first.)
    expect(writes.indexOf("create:cbd")).to.be.lessThan(writes.indexOf("delete:cbd"));
    expect(writes.indexOf("update:other")).to.be.lessThan(writes.indexOf("delete:cbd"));
    expect(r.summary).to.include({ replace: 2, update: 1, delete: 0 });
    expect(Object.keys(stack.store()).sort()).to.deep.equal(["cbd-2", "dbr-2", "other"]);
    expect(stack.recordNames()).to.deep.equal(["cbd", "dbr", "other"]);
  });
});

describe("local engine: the program's deleteBeforeReplace wins over the provider's (step_generator.go)", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const spec = (suffix: string): Spec => ({
    records: [
      { name: "userFalse", value: "v", key: `f-${suffix}`, dbrFromDiff: true, deleteBeforeReplace: false },
      { name: "unset", value: "v", key: `u-${suffix}`, dbrFromDiff: true },
    ],
  });

  it("false creates the replacement first although the diff asks for delete-before-replace; unset follows the diff", async () => {
    const first = await stack.run("up", spec("1"));
    expect(first.ok, explain(first, stack.lines)).to.equal(true);
    const r = await stack.run("up", spec("2"));
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const writes = stack.writes();
    expect(writes.indexOf("create:userFalse"), writes.join(",")).to.be.lessThan(writes.indexOf("delete:userFalse"));
    expect(writes.indexOf("delete:unset"), writes.join(",")).to.be.lessThan(writes.indexOf("create:unset"));
  });
});

describe("local engine: deleteBeforeReplace replaces affected dependents first", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const spec = (key: string): Spec => ({
    records: [
      { name: "base", value: "v", key, deleteBeforeReplace: true },
      { name: "derived", value: "v", keyFrom: "base" },
      { name: "ordered", value: "v", dependsOn: ["base"] },
    ],
  });

  it("deletes the dependents whose replacing inputs come from it, then it; creates it, then them", async () => {
    const first = await stack.run("up", spec("k1"));
    expect(first.ok, explain(first, stack.lines)).to.equal(true);
    expect(Object.keys(stack.store()).sort()).to.deep.equal(["derived@k1", "k1", "ordered"]);

    const r = await stack.run("up", spec("k2"));
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    // `ordered` only has a dependsOn on base: not a replacing input, left alone.
    expect(stack.writes()).to.deep.equal(["delete:derived", "delete:base", "create:base", "create:derived"]);
    expect(
      r.steps
        .filter((s) => s.op === "replace")
        .map((s) => s.name)
        .sort(),
    ).to.deep.equal(["base", "derived"]);
    expect(Object.keys(stack.store()).sort()).to.deep.equal(["derived@k2", "k2", "ordered"]);
  });
});

describe("local engine: protect, ignoreChanges, retainOnDelete", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const base: Spec = {
    records: [
      { name: "guarded", value: "v1", protect: true },
      { name: "ignoring", value: "v1", ignoreChanges: ["value", "tags.owner"], tags: { owner: "a", env: "dev" } },
      { name: "kept", value: "v1", retainOnDelete: true },
    ],
  };

  it("creates the resources", async () => {
    const r = await stack.run("up", base);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
  });

  it("ignoreChanges hides changes to listed top-level and dotted paths, not to others", async () => {
    const cases: Array<{ label: string; record: Spec["records"][number]; writes: string[] }> = [
      { label: "ignored top-level key", record: { ...base.records[1]!, value: "v2" }, writes: [] },
      { label: "ignored dotted path", record: { ...base.records[1]!, tags: { owner: "b", env: "dev" } }, writes: [] },
      { label: "key not ignored", record: { ...base.records[1]!, tags: { owner: "a", env: "prod" } }, writes: ["update:ignoring"] },
      { label: "key not ignored, back", record: base.records[1]!, writes: ["update:ignoring"] },
    ];
    for (const c of cases) {
      const r = await stack.run("up", { records: [base.records[0]!, c.record, base.records[2]!] });
      expect(r.ok, `${c.label}: ${explain(r, stack.lines)}`).to.equal(true);
      expect(stack.writes(), c.label).to.deep.equal(c.writes);
    }
  });

  it("protect blocks deleting a removed resource with a clear error, and nothing is deleted", async () => {
    const r = await stack.run("up", { records: base.records.filter((x) => x.name !== "guarded") });
    expect(r.ok).to.equal(false);
    expect(r.exitCode).to.not.equal(0);
    expect(stack.writes()).to.deep.equal([]);
    expect(r.errors.join("\n")).to.match(/guarded.*protected/);
    expect(stack.recordNames()).to.include("guarded");
  });

  it("protect blocks a replacement", async () => {
    const r = await stack.run("up", { records: [{ ...base.records[0]!, key: "other-key" }, ...base.records.slice(1)] });
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.match(/guarded.*cannot replace a protected resource/);
    expect(stack.writes()).to.deep.equal([]);
  });

  it("destroy checks protect for the whole set before deleting anything", async () => {
    const r = await stack.run("destroy", base);
    expect(r.ok).to.equal(false);
    expect(stack.writes()).to.deep.equal([]);
    expect(stack.recordNames()).to.deep.equal(["guarded", "ignoring", "kept"]);
  });

  it("retainOnDelete drops the resource from the state without a delete reaching the provider", async () => {
    const r = await stack.run("up", { records: base.records.filter((x) => x.name !== "kept") });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
    expect(stack.recordNames()).to.deep.equal(["guarded", "ignoring"]);
    expect(stack.store()).to.have.property("kept");
  });
});

describe("local engine: aliases", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("renaming a resource with an alias and moving one out of a renamed component keep them: no delete, no create", async () => {
    const first = await stack.run("up", {
      components: [{ name: "team" }],
      records: [
        { name: "old-name", value: "v", key: "k1" },
        { name: "member", value: "v", key: "k2", parent: "team" },
        { name: "moving", value: "v", key: "k3", parent: "team" },
      ],
    });
    expect(first.ok, explain(first, stack.lines)).to.equal(true);
    const ids = stack
      .state()
      .resources.map((r) => r.id)
      .filter(Boolean)
      .sort();

    const r = await stack.run("up", {
      components: [{ name: "squad", aliases: [{ name: "team" }] }],
      records: [
        { name: "new-name", value: "v", key: "k1", aliases: [{ name: "old-name" }] },
        { name: "member", value: "v", key: "k2", parent: "squad" },
        { name: "moving", value: "v", key: "k3", aliases: [{ parent: "squad" }] },
      ],
    });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    // The renamed record's own `name` input changed: an update in place, never a delete or a create.
    expect(stack.writes()).to.deep.equal(["update:new-name"]);
    expect(r.summary).to.include({ create: 0, delete: 0, replace: 0 });
    expect(stack.recordNames()).to.deep.equal(["member", "moving", "new-name"]);
    expect(
      stack
        .state()
        .resources.map((x) => x.id)
        .filter(Boolean)
        .sort(),
    ).to.deep.equal(ids);
    expect(stack.lines.join("\n")).to.include("renamed from old-name");
  });
});

describe("local engine: parallelism bound", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("never runs more provider calls at once than --parallel", async () => {
    const records = Array.from({ length: 9 }, (_, i) => ({ name: `r${i}`, value: "v", delayMs: 400 }));
    const r = await stack.run("up", { records }, { parallel: 3, progressIntervalMs: 200 });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const max = maxConcurrentWrites(stack.calls());
    expect(max).to.be.at.most(3);
    expect(max, "the bound is reached (the SDK sends all registrations at once)").to.be.at.least(2);
    expect(r.peakConcurrency).to.be.at.most(3);
    // The fixture prints progress on stderr during slow creates: forwarded, prefixed.
    expect(stack.lines.some((l) => /^ {4}provider: \[fixture\] Record r\d: provisioning/.test(l))).to.equal(true);
    // In-flight creates tick with their elapsed time.
    expect(stack.lines.some((l) => /^ \+  pulumi-nodejs:dynamic\/fixture:Record r\d creating \(\d+s\)$/.test(l))).to.equal(true);
  });
});

describe("local engine: no step after a failure (as the real engine without --continue-on-error)", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  // SDKs from 3.276 resolve a failed resource's outputs as unknown and go on registering its dependents; the real
  // engine has cancelled the deployment by then, so they must get no step (nor a create with unknown inputs).
  it("dependents of a failed create are neither created nor reported as failed themselves", async () => {
    const r = await stack.run("up", {
      records: [
        { name: "base", value: "v", failCreate: true },
        { name: "byValue", value: "x", valueFrom: "base" },
        { name: "byDependsOn", value: "y", dependsOn: ["base"] },
      ],
    });
    expect(r.ok).to.equal(false);
    expect(r.errors, explain(r, stack.lines)).to.have.length(1);
    expect(r.errors[0]).to.match(/Record base .*the fake API refused base/);
    expect(stack.writes(), "only the failed create reached the provider").to.deep.equal(["create:base"]);
    expect(stack.recordNames()).to.deep.equal([]);
  });
});

describe("local engine: failures", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("a failed create and a partial create report clearly, exit non-zero, and keep what exists", async () => {
    const r = await stack.run("up", {
      records: [
        { name: "fine", value: "v" },
        { name: "refused", value: "v", failCreate: true },
        { name: "partial", value: "v", initError: true },
      ],
    });
    expect(r.ok).to.equal(false);
    expect(r.exitCode).to.equal(1);
    const errors = r.errors.join("\n");
    expect(errors).to.match(/Record refused .*the fake API refused refused: quota exceeded/);
    expect(errors).to.match(/Record partial .*initialization errors/);
    expect(stack.recordNames()).to.deep.equal(["fine", "partial"]);
    expect(stack.state().resources.find((x) => x.urn.endsWith("::partial"))!.initErrors).to.deep.equal(["partial did not become ready"]);
  });

  it("the next up updates the partially created resource even without a diff, and creates the refused one", async () => {
    const r = await stack.run("up", {
      records: [
        { name: "fine", value: "v" },
        { name: "refused", value: "v" },
        { name: "partial", value: "v", initError: true },
      ],
    });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes().sort()).to.deep.equal(["create:refused", "update:partial"]);
    expect(stack.state().resources.find((x) => x.urn.endsWith("::partial"))!.initErrors).to.equal(undefined);
  });

  it("a refresh whose read succeeds clears the initialization errors (step.go RefreshStep)", async () => {
    const spec: Spec = {
      records: [
        { name: "fine", value: "v" },
        { name: "refused", value: "v" },
        { name: "partial", value: "v", initError: true },
      ],
    };
    const failed = await stack.run("up", { records: [...spec.records, { name: "again", value: "v", initError: true }] });
    expect(stack.state().resources.find((x) => x.urn.endsWith("::again"))!.initErrors, explain(failed, stack.lines)).to.have.length(1);
    const r = await stack.run("refresh", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.state().resources.find((x) => x.urn.endsWith("::again"))!.initErrors).to.equal(undefined);
  });

  it("a check failure names the resource, property and reason, and nothing is written", async () => {
    const r = await stack.run("preview", {
      records: [
        { name: "fine", value: "invalid" },
        { name: "refused", value: "v" },
        { name: "partial", value: "v" },
      ],
    });
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.match(/Record fine .*check failed: value: value must not be 'invalid'/);
    expect(stack.writes()).to.deep.equal([]);
  });

  it("a program that throws exits non-zero and leaves the state unchanged", async () => {
    const before = stack.stateText();
    const r = await stack.run("up", { throwAtStart: true, records: [] });
    expect(r.ok).to.equal(false);
    expect(r.exitCode).to.not.equal(0);
    expect(r.errors.join("\n")).to.include("asked to fail before declaring anything");
    expect(stack.writes()).to.deep.equal([]);
    expect(stack.stateText()).to.equal(before);
  });
});

describe("local engine: cancellation", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());
  const spec: Spec = { records: Array.from({ length: 4 }, (_, i) => ({ name: `c${i}`, value: "v", delayMs: 1000 })) };

  it("lets in-flight creates finish and records them, starts no new provider write, and fails the run", async () => {
    const controller = new AbortController();
    const watcher = setInterval(() => {
      if (stack.calls().some((c) => c.op === "create" && c.phase === "start")) controller.abort();
    }, 20);
    const r = await stack.run("up", spec, { parallel: 1, signal: controller.signal }).finally(() => clearInterval(watcher));
    expect(r.ok).to.equal(false);
    expect(r.exitCode).to.equal(1);
    const started = stack
      .calls()
      .filter((c) => c.op === "create" && c.phase === "start")
      .map((c) => c.name);
    const finished = stack
      .calls()
      .filter((c) => c.op === "create" && c.phase === "end")
      .map((c) => c.name);
    expect(started, "no create starts after the cancel").to.have.length(1);
    expect(finished).to.deep.equal(started);
    expect(stack.recordNames()).to.deep.equal(started);
    expect(stack.state().pending).to.deep.equal([]);

    const rest = await stack.run("up", spec);
    expect(rest.ok, explain(rest, stack.lines)).to.equal(true);
    expect(rest.summary.create).to.equal(3);
  });
});

describe("local engine: refresh and Resource.get", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("refresh drops a resource the provider no longer has and records changed outputs", async () => {
    const spec: Spec = {
      records: [
        { name: "stays", value: "v" },
        { name: "drifts", value: "v" },
        { name: "vanishes", value: "v" },
      ],
    };
    expect((await stack.run("up", spec)).ok).to.equal(true);
    const store = stack.store();
    delete store["vanishes"];
    store["drifts"]!.value = "changed-outside";
    require("node:fs").writeFileSync(stack.storeFile, JSON.stringify(store));

    const r = await stack.run("refresh", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(stack.writes()).to.deep.equal([]);
    expect(stack.recordNames()).to.deep.equal(["drifts", "stays"]);
    expect(r.steps.find((s) => s.name === "drifts")).to.deep.include({ op: "update", changedKeys: ["value"] });
    expect(r.steps.find((s) => s.name === "vanishes")).to.deep.include({ op: "delete" });
  });

  it("refresh asks diff with the refreshed outputs as olds and the prior inputs as news", async () => {
    const store = stack.store();
    store["stays"]!.value = "seen-at-the-api";
    require("node:fs").writeFileSync(stack.storeFile, JSON.stringify(store));
    const r = await stack.run("refresh", { records: [] });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const diff = stack.calls().find((c) => c.op === "diff" && c.name === "stays");
    expect(diff).to.include({ oldValue: "seen-at-the-api", newValue: "v" });
    store["stays"]!.value = "v";
    require("node:fs").writeFileSync(stack.storeFile, JSON.stringify(store));
    expect((await stack.run("refresh", { records: [] })).ok).to.equal(true);
  });

  it("a failing diff fails the refresh of that resource", async () => {
    const store = stack.store();
    store["drifts"]!.value = "diff-fails";
    require("node:fs").writeFileSync(stack.storeFile, JSON.stringify(store));
    const r = await stack.run("refresh", { records: [] });
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.match(/Record drifts .*refresh failed: .*diff of drifts failed/);
    store["drifts"]!.value = "changed-outside";
    require("node:fs").writeFileSync(stack.storeFile, JSON.stringify(store));
  });

  it("Resource.get reads through the provider, records the resource as external and never deletes it", async () => {
    const id = stack.store()["stays"]!.id;
    const spec: Spec = {
      records: [
        { name: "stays", value: "v" },
        { name: "drifts", value: "changed-outside" },
      ],
      gets: [{ name: "looked-up", id }],
    };
    const r = await stack.run("up", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    expect(r.summary.read).to.equal(1);
    expect((r.outputs["values"] as Record<string, string>)["looked-up"]).to.equal("v");
    expect(stack.state().resources.find((x) => x.urn.endsWith("::looked-up"))).to.include({ external: true, id });

    const d = await stack.run("destroy", spec);
    expect(d.ok, explain(d, stack.lines)).to.equal(true);
    expect(stack.writes().sort()).to.deep.equal(["delete:drifts", "delete:stays"]);
  });
});

describe("local engine: secrets", function () {
  this.timeout(90_000);
  const stack = new FixtureStack();
  // The passphrase must come from the options only, whatever the environment running the tests has.
  const saved = {
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"],
    PULUMI_CONFIG_PASSPHRASE_FILE: process.env["PULUMI_CONFIG_PASSPHRASE_FILE"],
  };
  before(() => {
    delete process.env["PULUMI_CONFIG_PASSPHRASE"];
    delete process.env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    stack.cleanup();
  });
  const spec: Spec = {
    records: [{ name: "holder", value: "v", secretToken: true, additionalSecretOutputs: ["createdAt"] }],
    secretOutput: "stack-secret-output-value",
  };

  it("keeps secret config values and secret outputs out of the state, the log and the output", async () => {
    const r = await stack.run("up", spec);
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const state = stack.stateText();
    const log = require("node:fs").readFileSync(r.logFile, "utf8") as string;
    for (const secret of [SECRET_TOKEN, "stack-secret-output-value"]) {
      expect(state, "state file").to.not.include(secret);
      expect(log, "log file").to.not.include(secret);
      expect(stack.lines.join("\n"), "output").to.not.include(secret);
      expect(JSON.stringify(r), "result").to.not.include(secret);
    }
    expect(state).to.include("ciphertext");
    expect(r.outputs["secretOutput"]).to.equal("[secret]");
    const rerun = await stack.run("up", spec);
    expect(rerun.summary.same, explain(rerun, stack.lines)).to.equal(2);
    expect(rerun.stateWrites).to.equal(0);
  });

  const refusals: Array<{ name: string; spec: Spec; error: RegExp; secret: string }> = [
    {
      name: "a secret input: refused before the provider is called",
      spec: {
        records: [
          { name: "plain", value: "v" },
          { name: "holder", value: "v", secretToken: true },
        ],
      },
      error: /Record holder .*set PULUMI_CONFIG_PASSPHRASE/,
      secret: SECRET_TOKEN,
    },
    {
      name: "a secret stack output: refused, naming the stack",
      spec: { records: [{ name: "plain", value: "v" }], secretOutput: "stack-secret-without-passphrase" },
      error: /Stack .*outputs hold secrets.*PULUMI_CONFIG_PASSPHRASE/,
      secret: "stack-secret-without-passphrase",
    },
  ];
  for (const c of refusals) {
    it(`without a passphrase, ${c.name}`, async () => {
      const fresh = new FixtureStack();
      try {
        const r = await fresh.run("up", c.spec, { env: {} });
        expect(r.ok).to.equal(false);
        expect(r.errors.join("\n")).to.match(c.error);
        expect(fresh.writes()).to.deep.equal(["create:plain"]);
        expect(fresh.stateText()).to.not.include(c.secret);
      } finally {
        fresh.cleanup();
      }
    });
  }

  it("refuses to run without the passphrase when the state holds secrets", async () => {
    const r = await stack.run("up", spec, { env: {} });
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.match(/PULUMI_CONFIG_PASSPHRASE/);
    expect(stack.writes()).to.deep.equal([]);
  });

  it("refuses a wrong passphrase before anything runs", async () => {
    const r = await stack.run("up", spec, { env: { PULUMI_CONFIG_PASSPHRASE: `${PASSPHRASE}-wrong` } });
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.match(/incorrect passphrase/);
    expect(stack.calls()).to.deep.equal([]);
  });
});

describe("local engine: components and stack outputs", function () {
  this.timeout(60_000);
  const stack = new FixtureStack();
  after(() => stack.cleanup());

  it("records components with their outputs and children under them", async () => {
    const r = await stack.run("up", { components: [{ name: "grp" }], records: [{ name: "child", value: "v", parent: "grp" }] });
    expect(r.ok, explain(r, stack.lines)).to.equal(true);
    const resources = stack.state().resources;
    const group = resources.find((x) => x.type === "fixture:index:Group")!;
    expect(group).to.deep.include({ id: "" });
    expect(resources.find((x) => x.type === RECORD_TYPE)!.urn).to.equal(
      "urn:pulumi:dev::engine-fixture::fixture:index:Group$pulumi-nodejs:dynamic/fixture:Record::child",
    );
    expect(r.outputs).to.deep.include({ values: { child: "v" } });
  });
});
