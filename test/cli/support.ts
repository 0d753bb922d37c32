// Scaffolding of the real-CLI suite: the built Pulumi CLI (scripts/pulumi-cli.ts), a program OUTSIDE
// this repository with the package installed from `npm pack` (as a user's install sees it), one
// emulator, and `pulumi` runs whose whole output is kept for assertions.
//
// Where the CLI is not built, the suite registers no test and prints one line saying why; with
// PULUMI_CLI_REQUIRED=1 (CI) a missing CLI is a failing test instead.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../../local/emulator";
import { checkoutVersions, NPM_INSTALL, packTarball, QUIET_INSTALL, runOrThrow } from "../../scripts/packed-install";
import { CLI_REQUIRED_ENV, cliEnv, findCli } from "../../scripts/pulumi-cli";

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..");

/** The running emulator, as `startEmulator` returns it. */
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** One `pulumi` run: exit code and everything it printed (stdout and stderr interleaved). */
export type CliResult = { code: number | null; signal: NodeJS.Signals | null; output: string };

let skipNoticePrinted = false;

/**
 * How a user's program gets the package: `npm` (a plain `npm install` of the packed tarball),
 * `npm-workspace` (the program is a workspace member; npm hoists everything to the root) or `pnpm`
 * (symlinked `node_modules/.pnpm` layout).
 */
export type InstallLayout = "npm" | "npm-workspace" | "pnpm";

/** The pnpm release the suite installs (10.x runs on every Node this package supports). */
const PNPM_VERSION = "10.34.9";

/**
 * pnpm's entry point, installed once per machine from the npm registry with npm into a temporary
 * prefix (no global install, no corepack).
 */
export function pnpmBinary(): string {
  const prefix = join(tmpdir(), `webex-cli-pnpm-${PNPM_VERSION}`);
  const bin = join(prefix, "node_modules", ".bin", "pnpm");
  if (!existsSync(bin)) {
    const r = spawnSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", `pnpm@${PNPM_VERSION}`], {
      encoding: "utf8",
    });
    expect(r.status, `installing pnpm@${PNPM_VERSION}: ${r.stderr}`).to.equal(0);
  }
  return bin;
}

/**
 * Declares the suite only where the CLI is built: otherwise one line says why it was skipped (once
 * per `npm test`), or, with PULUMI_CLI_REQUIRED=1, one failing test says the same.
 */
export function describeWithCli(title: string, body: (this: Mocha.Suite) => void): void {
  const cli = findCli();
  if (cli.found) {
    describe(title, body);
    return;
  }
  if (process.env[CLI_REQUIRED_ENV] === "1") {
    describe(title, () => {
      it("needs the real Pulumi CLI", () => {
        throw new Error(`${CLI_REQUIRED_ENV}=1 but ${cli.reason}`);
      });
    });
    return;
  }
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    console.log(`  [real-CLI suite test/cli skipped: ${cli.reason}]`);
  }
}

/**
 * Registers the hooks of a suite that runs on one program and stack: before all, the program is set
 * up from `example` with a `dev` stack configured for the emulator, then `prepare` runs; after all,
 * it is torn down (kept for inspection when a test failed). Call inside `describeWithCli`.
 */
export function useCliProgram(name: string, example: string, prepare?: (p: CliProgram) => Promise<void>): CliProgram {
  const p = new CliProgram(name);
  let failed = false;
  before(async function () {
    this.timeout(600_000);
    await p.setUp(example);
    await p.initStack();
    await prepare?.(p);
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(async () => p.tearDown(failed));
  return p;
}

/** The passphrase of the suite's stacks (a test value: the secrets it guards are the emulator's). */
const PASSPHRASE = "real-cli-suite-passphrase";

/**
 * A Pulumi program in a temporary folder outside the repository, with `pulumi-webex-wholesale`
 * installed from the tarball `npm pack` makes, and its own file backend and PULUMI_HOME.
 */
export class CliProgram {
  /** The program folder (`pulumi` runs here). */
  readonly dir: string;
  /** Backend, PULUMI_HOME and the packed tarball. */
  readonly stateDir: string;
  emulator!: Emulator;
  /** Every run's output (not its arguments, which may carry the token on purpose), for the "token appears nowhere" checks. */
  readonly transcript: string[] = [];
  /** The folder above `dir` (the workspace root in the `npm-workspace` layout). */
  readonly base: string;
  /** How the package is installed (set by {@link setUp}). */
  layout: InstallLayout = "npm";

  constructor(readonly name: string) {
    this.base = mkdtempSync(join(tmpdir(), `webex-cli-${name}-`));
    this.dir = join(this.base, "program");
    this.stateDir = join(this.base, "state");
  }

  /**
   * Copies `example`, installs the package packed from `packFrom` (default: this repository, whose
   * dist/ `npm test`'s pretest builds) in the given layout, and starts an emulator.
   */
  async setUp(example: string, options: { layout?: InstallLayout; packFrom?: string } = {}): Promise<void> {
    mkdirSync(this.stateDir, { recursive: true });
    cpSync(join(ROOT, example), this.dir, { recursive: true });
    this.layout = options.layout ?? "npm";
    this.install(options.packFrom ?? ROOT);
    this.emulator = await startEmulator({ provisioningDelayMs: 50, rateLimit: false });
  }

  /**
   * Packs `packFrom` with `npm pack` (a built checkout: its dist/ is what ships) and installs that
   * tarball into the program, replacing any earlier install (an upgrade, when `packFrom` is newer).
   */
  install(packFrom: string): void {
    const dependencies = {
      "pulumi-webex-wholesale": `file:${packTarball(packFrom, mkdtempSync(join(this.stateDir, "pack-")))}`,
      // This checkout's SDK and compiler, whichever tree is packed (the upgrade test packs an older release).
      ...checkoutVersions(ROOT, ["@pulumi/pulumi", "typescript"]),
    };
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ name: `cli-suite-${this.name}`, private: true, dependencies }, null, 2));
    switch (this.layout) {
      case "npm":
        runOrThrow("npm", NPM_INSTALL, this.dir);
        break;
      case "npm-workspace":
        // The program is a member of a workspace whose root is the folder above it: npm hoists
        // the package and @pulumi/pulumi to the root's node_modules, none in the program's.
        writeFileSync(
          join(this.base, "package.json"),
          JSON.stringify({ name: `cli-suite-${this.name}-root`, private: true, workspaces: ["program"] }, null, 2),
        );
        runOrThrow("npm", NPM_INSTALL, this.base);
        break;
      case "pnpm":
        // pnpm's own layout: node_modules/<name> are symlinks into node_modules/.pnpm/<name>@<version>/...
        runOrThrow(
          pnpmBinary(),
          [
            "install",
            "--prefer-offline",
            "--config.confirmModulesPurge=false",
            `--store-dir=${join(tmpdir(), "webex-cli-pnpm-store")}`,
            ...QUIET_INSTALL,
          ],
          this.dir,
        );
        break;
    }
  }

  /** Stops the emulator; removes the temporary folders unless asked to keep them. */
  async tearDown(keep: boolean): Promise<void> {
    await this.emulator?.close();
    if (!keep) rmSync(this.base, { recursive: true, force: true });
    else console.log(`  (kept ${this.base} for inspection)`);
  }

  /** The environment of every run (offline-safe; type-checking skipped, as CI pipelines usually do). */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const cli = findCli();
    if (!cli.found) throw new Error(cli.reason);
    const env = cliEnv({ binDir: cli.binDir, stateDir: this.stateDir, passphrase: PASSPHRASE });
    delete env.WEBEX_ACCESS_TOKEN;
    delete env.WEBEX_BASE_URL;
    return { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...extra };
  }

  /** Runs `pulumi <args>` in the program folder to completion. */
  pulumi(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.start(args, extraEnv).done;
  }

  /** Starts `pulumi <args>`; `done` resolves when it exits, `child` lets a test signal it. */
  start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const cli = findCli();
    if (!cli.found) throw new Error(cli.reason);
    // Its own process group, so a test can kill the CLI with its plugins, as a lost runner does.
    const child = spawn(cli.pulumi, args, { cwd: this.dir, env: this.env(extraEnv), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const done = new Promise<CliResult>((resolveRun) =>
      child.on("close", (code, signal) => {
        this.transcript.push(`pulumi ${args[0]}: ${output}`);
        resolveRun({ code, signal, output });
      }),
    );
    return { child, done, output: () => output };
  }

  /**
   * `pulumi stack init dev` and the stack config every suite needs: the emulator's URL and the
   * token, set with `--secret` as a user would.
   */
  async initStack(): Promise<void> {
    for (const args of [
      ["stack", "init", "dev", "--non-interactive"],
      ["config", "set", "webex:baseUrl", this.emulator.url],
      ["config", "set", "--secret", "webex:accessToken", this.emulator.token],
    ]) {
      const r = await this.pulumi(args);
      expect(r.code, tail(r)).to.equal(0);
    }
  }

  /** Replaces a program file's whole text (scenario suites write their own `index.ts`). */
  write(file: string, text: string): void {
    writeFileSync(join(this.dir, file), text);
  }

  /** `pulumi up --yes --non-interactive <more>`, asserting exit 0 with the output in the failure message. */
  async up(...more: string[]): Promise<CliResult> {
    const r = await this.pulumi(["up", "--yes", "--non-interactive", ...more]);
    expect(r.code, tail(r)).to.equal(0);
    return r;
  }

  /** A position in the emulator's request log, for {@link log} (the log outlives counter resets). */
  async mark(): Promise<number> {
    return (await this.emulator.admin.requests()).length;
  }

  /** The requests logged since `mark`, as `METHOD route` strings, oldest first. */
  async log(mark: number): Promise<string[]> {
    return (await this.emulator.admin.requests()).slice(mark).map((q) => `${q.method} ${q.route}`);
  }

  /** The stack's resources as `pulumi stack export` shows them (no secrets decrypted). */
  async exported(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown>; protect?: boolean }[]> {
    const r = await this.pulumi(["stack", "export"]);
    expect(r.code, tail(r)).to.equal(0);
    return (JSON.parse(r.output) as { deployment: { resources?: [] } }).deployment.resources ?? [];
  }

  /** Replaces exactly one occurrence of `from` in a program file. */
  edit(file: string, from: string, to: string): void {
    const path = join(this.dir, file);
    const text = readFileSync(path, "utf8");
    expect(text.split(from).length - 1, `occurrences of ${JSON.stringify(from)} in ${file}`).to.equal(1);
    writeFileSync(path, text.replace(from, to));
  }

  /** Requests by method since the last reset. */
  async requests() {
    const c = await this.emulator.admin.counters();
    const n = (m: string) => c.byMethod[m] ?? 0;
    return {
      total: c.total,
      GET: n("GET"),
      POST: n("POST"),
      PUT: n("PUT"),
      DELETE: n("DELETE"),
      writes: n("POST") + n("PUT") + n("DELETE"),
    };
  }
}

/** A run's output in a failed assertion's message (the last 3 000 characters). */
export const tail = (r: CliResult) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}:\n${r.output.slice(-3000)}`;
