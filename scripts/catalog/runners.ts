/**
 * How one shard stack's operation is run: through the Automation API (`LocalWorkspace`) over the
 * Pulumi CLI, or through the project's stand-in engine when no CLI is built. Both take the same
 * job and report the same outcome, so the pool and the report do not know which engine ran.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LocalWorkspace, PulumiCommand, Stack, type OutputMap } from "@pulumi/pulumi/automation";
import { runEngine } from "../../local/engine";
import { readStoredState } from "../../local/engine/state-journal";
import { lockFileFor } from "../../local/engine/state-lock";
import { cliEnv } from "../pulumi-cli";
import { readPulumiState } from "../start-stores";
import type { StateAccess } from "./reshard";
import { REPO_ROOT } from "../repo-root";

/** The program's project name: the diy backend files a stack's lock under it. */
const PROJECT = /^name:\s*(\S+)/m.exec(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8"))![1]!;

/**
 * The operations `npm run catalog` runs on each stack. `refresh` is run only after a killed run,
 * and forgets the creates that run left pending (`--clear-pending-creates`).
 */
export type ShardOperation = "up" | "preview" | "destroy" | "refresh";

/** One stack's run. */
export type ShardJob = {
  readonly stack: string;
  readonly operation: ShardOperation;
  /** Stack settings, namespaced (`webex-wholesale-onboarding:shard`, `webex:maxRequestsPerSecond`). */
  readonly config: Readonly<Record<string, string>>;
  /** Every output line of the engine (the command keeps them in the shard's log). */
  readonly output: (line: string) => void;
  /** Stops the run the engine's graceful way (no new change starts; the ones in flight are recorded). */
  readonly signal: AbortSignal;
};

/** What a stack's run did. */
export type ShardOutcome = {
  readonly ok: boolean;
  /** Changes by kind, without unchanged resources. */
  readonly changes: Record<string, number>;
  /** Stack outputs (the template stack's `provisioningIds`). */
  readonly outputs: Record<string, unknown>;
  /** Why it failed, one line. */
  readonly error?: string;
};

/** Runs shard jobs on one engine. */
export type ShardRunner = {
  /** `cli` (Automation API over the Pulumi CLI) or `local` (the stand-in engine). */
  readonly engine: "cli" | "local";
  run(job: ShardJob): Promise<ShardOutcome>;
  /** The stacks this engine's backend holds. */
  stacks(): Promise<string[]>;
  /** The resources a stack's state records now (none when the stack does not exist). */
  resources(stack: string): Promise<StateResource[]>;
  /** The locks the backend holds on a stack now (none when it is free). */
  locks(stack: string): Promise<StackLockHolder[]>;
  /** Releases every lock on a stack (`pulumi cancel`): only once its holders are surely gone. */
  cancel(stack: string): Promise<void>;
  /** How many operations a stack's state records as pending (left by a run that was killed). */
  pending(stack: string): Promise<number>;
  /** The command a person runs to release a stack's lock by hand. */
  cancelCommand(stack: string): string;
};

/** Who took a stack's lock, as the backend's lock file records it (fields missing from a torn file are undefined). */
export type StackLockHolder = { readonly pid?: number; readonly host?: string; readonly since?: string };

/** A resource as a stack's state records it. */
export type StateResource = { readonly urn: string; readonly type: string };

/** The logical name of a resource: the last part of its URN. */
export const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** The API the program talks to, handed over without writing the token to a stack file. */
export type ApiTarget = { readonly url: string; readonly token: string };

const withoutSame = (counts: Record<string, number | undefined>) =>
  Object.fromEntries(Object.entries(counts).filter(([k, n]) => k !== "same" && k !== "read" && k !== "failed" && (n ?? 0) > 0)) as Record<
    string,
    number
  >;

/** The stand-in engine (`local/engine`), state in `<stateDir>/engine/<stack>.json`. */
export function localRunner(options: {
  readonly stateDir: string;
  readonly api: ApiTarget;
  readonly env?: Record<string, string>;
}): ShardRunner {
  const engineDir = join(options.stateDir, "engine");
  mkdirSync(engineDir, { recursive: true });
  return {
    engine: "local",
    async run(job) {
      const result = await runEngine({
        operation: job.operation,
        cwd: REPO_ROOT,
        stack: job.stack,
        stateFile: join(engineDir, `${job.stack}.json`),
        config: { ...job.config, "webex:baseUrl": options.api.url },
        secretConfig: { "webex:accessToken": options.api.token },
        env: options.env ?? {},
        clearPendingCreates: job.operation === "refresh",
        output: job.output,
        signal: job.signal,
      });
      return { ok: result.ok, changes: withoutSame(result.summary), outputs: result.outputs, error: result.errors[0] };
    },
    async stacks() {
      return readdirSync(engineDir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -".json".length));
    },
    async resources(stack) {
      const stored = readStoredState(join(engineDir, `${stack}.json`));
      return (stored?.raw["resources"] as StateResource[] | undefined) ?? [];
    },
    async locks(stack) {
      const file = lockFileFor(join(engineDir, `${stack}.json`));
      if (!existsSync(file)) return [];
      const held = readLock(file);
      return [{ pid: held["pid"], host: held["host"], since: held["startedAt"] }];
    },
    async cancel(stack) {
      const result = await runEngine({ operation: "cancel", cwd: REPO_ROOT, stack, stateFile: join(engineDir, `${stack}.json`) });
      if (!result.ok) throw new Error(`cancel of ${stack} failed: ${result.errors[0] ?? "no reason given"}`);
    },
    async pending(stack) {
      const stored = readStoredState(join(engineDir, `${stack}.json`));
      return ((stored?.raw["pending"] as unknown[] | undefined) ?? []).length;
    },
    cancelCommand: (stack) => `npm run engine -- cancel --stack ${stack} --state ${join(engineDir, `${stack}.json`)}`,
  };
}

/** A lock file's fields; a file torn by a crash between its creation and its write reads as no fields. */
function readLock(file: string): { pid?: number; host?: string; startedAt?: string } {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return {
      pid: Number.isInteger(data["pid"]) ? (data["pid"] as number) : undefined,
      // The diy backend writes `hostname`/`timestamp`, the stand-in engine `host`/`startedAt`.
      host: text(data["host"] ?? data["hostname"]),
      startedAt: text(data["startedAt"] ?? data["timestamp"]),
    };
  } catch {
    return {};
  }
}

/**
 * The Automation API over the built Pulumi CLI (`cliDir`), file backend and Pulumi home under
 * `<stateDir>/pulumi-catalog`. Each stack's settings go to `Pulumi.<stack>.yaml` in the repository
 * (git-ignored: `Pulumi.catalog-*.yaml`), where the CLI also keeps the stack's encryption salt.
 */
export function cliRunner(options: {
  readonly stateDir: string;
  readonly cliDir: string;
  readonly binDir: string;
  readonly passphrase: string;
  readonly api: ApiTarget;
  readonly env?: Record<string, string>;
}): ShardRunner & { stack(name: string): Promise<Stack>; state: StateAccess } {
  const env: NodeJS.ProcessEnv = {
    ...cliEnv({ stateDir: join(options.stateDir, "pulumi-catalog"), binDir: options.binDir, passphrase: options.passphrase }),
    // The provider reads these when the stack config does not set webex:baseUrl/accessToken.
    WEBEX_BASE_URL: options.api.url,
    WEBEX_ACCESS_TOKEN: options.api.token,
    ...options.env,
  };
  const backend = env.PULUMI_BACKEND_URL!.slice("file://".length);
  // The diy backend keeps one file per lock in .pulumi/locks/<organization>/<project>/<stack>/ (pkg/backend/diy/lock.go).
  const lockDir = (name: string) => join(backend, ".pulumi", "locks", "organization", PROJECT, name);
  let workspace: Promise<LocalWorkspace> | undefined;
  const open = () =>
    (workspace ??= PulumiCommand.get({ root: options.cliDir, skipVersionCheck: true }).then((pulumiCommand) =>
      LocalWorkspace.create({ workDir: REPO_ROOT, pulumiCommand, envVars: env as Record<string, string> }),
    ));
  const stack = async (name: string) => {
    const ws = await open();
    // A stack file left from a backend that was since removed holds a salt that no longer matches.
    const file = join(REPO_ROOT, `Pulumi.${name}.yaml`);
    const known = (await ws.listStacks()).some((s) => s.name === name);
    if (!known && existsSync(file) && /^encryptionsalt:/m.test(readFileSync(file, "utf8"))) rmSync(file);
    return Stack.createOrSelect(name, ws);
  };
  return {
    engine: "cli",
    stack,
    state: {
      exportStack: async (name) => (await (await open()).exportStack(name)) as Awaited<ReturnType<StateAccess["exportStack"]>>,
      importStack: async (name, state) => (await open()).importStack(name, state),
    },
    async stacks() {
      return (await (await open()).listStacks()).map((s) => s.name);
    },
    async resources(name) {
      if (!(await this.stacks()).includes(name)) return [];
      const deployment = (await (await open()).exportStack(name)).deployment as { resources?: StateResource[] };
      return deployment.resources ?? [];
    },
    async locks(name) {
      const dir = lockDir(name);
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => readLock(join(dir, f)))
        .map((l) => ({ pid: l.pid, host: l.host, since: l.startedAt }));
    },
    async cancel(name) {
      await (await stack(name)).cancel();
    },
    // Read from the checkpoint file: a `stack export` per stack would start one more CLI per stack and run.
    pending: async (name) => readPulumiState(join(backend, ".pulumi", "stacks", PROJECT, `${name}.json`)).pending,
    cancelCommand: (name) =>
      `(cd ${REPO_ROOT} && PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_HOME=${env.PULUMI_HOME} ${join(options.binDir, "pulumi")} cancel --yes --stack ${name})`,
    async run(job) {
      try {
        const s = await stack(job.stack);
        await s.setAllConfig(Object.fromEntries(Object.entries(job.config).map(([k, value]) => [k, { value }])));
        const common = { onOutput: (text: string) => text.split("\n").forEach((l) => l && job.output(l)), signal: job.signal };
        if (job.operation === "preview") {
          const r = await s.preview({ ...common, diff: true });
          return { ok: true, changes: withoutSame(r.changeSummary), outputs: {} };
        }
        if (job.operation === "refresh") {
          const r = await s.refresh({ ...common, clearPendingCreates: true });
          return { ok: true, changes: withoutSame(r.summary.resourceChanges ?? {}), outputs: {} };
        }
        if (job.operation === "up") {
          const r = await s.up(common);
          return { ok: true, changes: withoutSame(r.summary.resourceChanges ?? {}), outputs: plainOutputs(r.outputs) };
        }
        const r = await s.destroy(common);
        return { ok: true, changes: withoutSame(r.summary.resourceChanges ?? {}), outputs: {} };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // The CLI's own error text ends the message; its last non-empty line is the reason.
        const reason =
          message
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith("at "))
            .slice(-1)[0] ?? message;
        return { ok: false, changes: {}, outputs: {}, error: reason };
      }
    },
  };
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}
