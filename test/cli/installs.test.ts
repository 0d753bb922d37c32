// The package installed as users install it, under the REAL Pulumi CLI: stored resources keep
// working (up, refresh, destroy) with npm, with pnpm's symlinked layout, as a member of an npm
// workspace, and across an upgrade from an older release. Every stored resource's `__provider`
// requires a subpath of the package from the program's directory (today its provider instance,
// `pulumi-webex-wholesale/resources/<folder>/instance`; in older releases the loader,
// `…/resources/common/load`), so each layout must resolve it there (issue 11.4).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliProgram, InstallLayout, ROOT, describeWithCli, tail } from "./support";

/** The older release the upgrade starts from: main before the operations contract (745785a) changed how providers are built. */
const OLD_COMMIT = "94e0525ba6ccc5311c1585c181a98cbac87fb450";

/** `pulumi stack init dev` and the emulator's URL and token in the stack config. */
async function initStack(p: CliProgram): Promise<void> {
  for (const args of [
    ["stack", "init", "dev", "--non-interactive"],
    ["config", "set", "webex:baseUrl", p.emulator.url],
    ["config", "set", "--secret", "webex:accessToken", p.emulator.token],
  ]) {
    const r = await p.pulumi(args);
    expect(r.code, tail(r)).to.equal(0);
  }
}

/** The serialized providers of the stack's webex resources (outputs' `__provider`), decoded from the export. */
async function storedProviders(p: CliProgram): Promise<string[]> {
  const r = await p.pulumi(["stack", "export"]);
  expect(r.code, tail(r)).to.equal(0);
  const resources =
    (JSON.parse(r.output) as { deployment: { resources?: { type: string; outputs?: { __provider?: unknown } }[] } }).deployment.resources ??
    [];
  const webex = resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/webex:"));
  expect(webex).to.have.length(4);
  return webex.map((x) => {
    const stored = x.outputs?.__provider;
    // Pulumi stores `__provider` as a secret in some SDK versions: the export then holds ciphertext.
    expect(stored, "__provider in outputs").to.be.a("string");
    return stored as string;
  });
}

/**
 * A checkout of `commit` with dist/ built by this repository's TypeScript (its node_modules linked),
 * ready for `npm pack`; `git archive`, so no worktree is registered.
 */
function buildOldRelease(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), "webex-cli-old-"));
  const archive = spawnSync("bash", ["-c", `git -C "${ROOT}" archive --format=tar ${commit} | tar -x -C "${dir}"`], { encoding: "utf8" });
  expect(archive.status, `git archive ${commit} (needs the full history): ${archive.stderr}`).to.equal(0);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const build = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
    cwd: dir,
    encoding: "utf8",
  });
  expect(build.status, `building ${commit}: ${build.stdout}${build.stderr}`).to.equal(0);
  return dir;
}

/** up from empty, then refresh (no write), then destroy in order, in one layout. */
function lifecycle(layout: InstallLayout): void {
  describeWithCli(`real Pulumi CLI: the package installed with ${layout}`, function () {
    this.timeout(300_000);
    const p = new CliProgram(`install-${layout}`);
    let failed = false;
    before(async function () {
      this.timeout(900_000);
      await p.setUp("examples/quickstart", { layout });
      await initStack(p);
    });
    afterEach(function () {
      if (this.currentTest?.state === "failed") failed = true;
    });
    after(async () => p.tearDown(failed));

    it("up from empty creates all four, and each stored provider is a require of its instance module by package name", async () => {
      const r = await p.pulumi(["up", "--yes", "--non-interactive"]);
      expect(r.code, tail(r)).to.equal(0);
      expect(r.output).to.match(/\+ 5 created/);
      for (const text of await storedProviders(p)) {
        expect(text).to.match(
          /require\("pulumi-webex-wholesale\/(dist\/provider\/)?resources\/(onboarding-template|customer-org|customer-user)\/instance(\.js)?"\)/,
        );
        // The provider's code is not copied into state: a few hundred characters per copy.
        expect(text.length).to.be.below(400);
        // A path into this install (node_modules/.pnpm/..., /tmp/...) would break when the program moves.
        expect(text).to.not.include("node_modules");
        expect(text).to.not.include(p.dir);
      }
    });

    it("refresh runs the stored providers from the install and finds no drift (no write)", async () => {
      await p.emulator.admin.resetCounters();
      const r = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
      expect(r.code, tail(r)).to.equal(0);
      expect(r.output).to.not.include("MODULE_NOT_FOUND");
      const q = await p.requests();
      expect(q.GET, "refresh reads every resource").to.be.greaterThan(0);
      expect(q.writes).to.equal(0);
    });

    it("destroy deletes users, then the customer, then the template", async () => {
      await p.emulator.admin.resetCounters();
      const r = await p.pulumi(["destroy", "--yes", "--non-interactive"]);
      expect(r.code, tail(r)).to.equal(0);
      const deletes = (await p.emulator.admin.requests()).filter((q) => q.method === "DELETE").map((q) => q.route.split("/")[3]);
      expect(deletes).to.deep.equal(["subscribers", "subscribers", "customers", "onboardingTemplates"]);
      const state = await p.emulator.admin.state();
      expect(Object.keys(state.customers)).to.have.length(0);
      expect(Object.keys(state.templates)).to.have.length(0);
    });
  });
}

for (const layout of ["npm", "pnpm", "npm-workspace"] as const) lifecycle(layout);

describeWithCli("real Pulumi CLI: resources created by an older release, then the package upgraded", function () {
  this.timeout(300_000);
  const p = new CliProgram("install-upgrade");
  let old = "";
  let failed = false;
  let storedBefore: string[] = [];
  before(async function () {
    this.timeout(900_000);
    old = buildOldRelease(OLD_COMMIT);
    await p.setUp("examples/quickstart", { packFrom: old });
    await initStack(p);
    const r = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/\+ 5 created/);
    storedBefore = await storedProviders(p);
    p.install(ROOT);
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(async () => {
    await p.tearDown(failed);
    if (old && !failed) rmSync(old, { recursive: true, force: true });
  });

  it("refresh runs the older release's stored providers with the new package (no write, state kept)", async () => {
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["refresh", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    const q = await p.requests();
    expect(q.GET).to.be.greaterThan(0);
    expect(q.writes).to.equal(0);
  });

  it("a no-change up after the upgrade makes no write", async () => {
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["up", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    expect(r.output).to.match(/5 unchanged/);
    expect((await p.requests()).writes).to.equal(0);
    // Unchanged resources keep their stored outputs, so the next destroy still runs the older text.
    expect(await storedProviders(p)).to.deep.equal(storedBefore);
  });

  it("destroy after the upgrade deletes users, then the customer, then the template", async () => {
    await p.emulator.admin.resetCounters();
    const r = await p.pulumi(["destroy", "--yes", "--non-interactive"]);
    expect(r.code, tail(r)).to.equal(0);
    const deletes = (await p.emulator.admin.requests()).filter((q) => q.method === "DELETE").map((q) => q.route.split("/")[3]);
    expect(deletes).to.deep.equal(["subscribers", "subscribers", "customers", "onboardingTemplates"]);
    expect(Object.keys((await p.emulator.admin.state()).customers)).to.have.length(0);
  });
});
