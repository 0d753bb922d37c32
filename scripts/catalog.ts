/**
 * `npm run catalog -- up|preview|destroy|reshard --shards N`: the catalog as N shard stacks of the
 * same program (plus one template stack), run from one machine.
 *
 * Not a scheduler: each stack is an ordinary Pulumi stack run through the Automation API
 * (`LocalWorkspace`) over the built Pulumi CLI, or through the stand-in engine when no CLI is built.
 * This command only picks each stack's settings (`shards`, `shard`, `templateIds`, its share of
 * `webex:maxRequestsPerSecond`), runs a bounded number at once, and reports. See catalog/README.md
 * "Sharded catalogs" and docs/operating.md "Large partners".
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadCatalog } from "../catalog/load";
import { packageRules } from "../catalog/package-rules";
import { SHARD_SETTINGS, TEMPLATE_SHARD, assignShards, shardProblems } from "../catalog/shards";
import { SLICE_ORIGIN_SETTING } from "../catalog/slices";
import { ALLOW_DELETES_ENV } from "../catalog/deletion-guard";
import { startEmulator } from "../local/emulator";
import { escapeControl } from "../provider/text";
import { runPool, type PoolEntry, type PoolResult } from "./catalog/pool";
import { finalTable, progressLine, type ShardStatus } from "./catalog/report";
import { releaseKilledRuns } from "./catalog/recover";
import { describePlan, locateCustomers, performPlan, reshardPlan, shardNumber, shardStack } from "./catalog/reshard";
import { cliRunner, localRunner, type ApiTarget, type ShardOperation, type ShardRunner } from "./catalog/runners";
import { sliceFiles, writeSlices } from "./catalog/slices";
import { CLI_DIR, findCli } from "./pulumi-cli";
import { REPO_ROOT } from "./repo-root";

/** `path` as a person would type it: relative inside the repository, absolute elsewhere. */
const show = (path: string) => (relative(REPO_ROOT, path).startsWith("..") ? path : relative(REPO_ROOT, path) || ".");

/** The project's name: stack settings of the program are namespaced with it. */
const PROJECT = /^name:\s*(\S+)/m.exec(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8"))![1]!;

/** Parsed command line. */
export type CatalogArgs = {
  readonly operation: ShardOperation | "reshard";
  readonly shards: number;
  /** The most stacks run at once. */
  readonly pool: number;
  readonly engine?: "cli" | "local";
  /** The partner's rate limit, divided between running shards. */
  readonly maxRps?: number;
  readonly allowDeletes: boolean;
  /** Stack names are `<prefix>-templates` and `<prefix>-shard-<k>`. */
  readonly prefix: string;
  /** Only these shards (a rerun of the failed ones). */
  readonly only?: readonly number[];
  /** reshard: print the plan, change nothing; exit 3 when moves are pending. */
  readonly planOnly: boolean;
  readonly catalogFile: string;
  /** Where the emulator's and the stacks' state, logs and settings are kept (default `.local/catalog`). */
  readonly stateDir: string;
  /** How long the emulator takes to provision a customer (`--provisioning-ms`; the emulator's default when unset). */
  readonly provisioningMs?: number;
};

const USAGE =
  "usage: npm run catalog -- up|preview|destroy|reshard --shards N [--pool P] [--max-rps R] [--engine cli|local] " +
  "[--only k,l] [--allow-deletes] [--plan] [--stack-prefix catalog] [--catalog catalog/customers.yaml] [--state-dir .local/catalog] [--provisioning-ms N]";

/** Parses the command line; throws with the usage on anything unknown. */
export function parseCatalogArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CatalogArgs {
  const ops = ["up", "preview", "destroy", "reshard"] as const;
  let operation: CatalogArgs["operation"] | undefined;
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] =
      a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (
      ["--shards", "--pool", "--max-rps", "--engine", "--only", "--stack-prefix", "--catalog", "--state-dir", "--provisioning-ms"].includes(
        name,
      )
    ) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
      values[name] = v;
    } else if (["--allow-deletes", "--plan"].includes(a)) flags.add(a);
    else if ((ops as readonly string[]).includes(a) && operation === undefined) operation = a as CatalogArgs["operation"];
    else throw new Error(`unexpected argument "${a}"\n${USAGE}`);
  }
  const whole = (name: string, min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} takes a whole number >= ${min}, not "${values[name] ?? ""}"\n${USAGE}`);
    return n;
  };
  if (operation === undefined) throw new Error(`say what to run\n${USAGE}`);
  if (values["--shards"] === undefined) throw new Error(`--shards N is required (the number of shard stacks)\n${USAGE}`);
  const shards = whole("--shards", 1);
  const engine = values["--engine"];
  if (engine !== undefined && engine !== "cli" && engine !== "local")
    throw new Error(`--engine takes cli or local, not "${engine}"\n${USAGE}`);
  const rps = values["--max-rps"] ?? env.WEBEX_MAX_REQUESTS_PER_SECOND;
  if (rps !== undefined && !(Number(rps) > 0)) throw new Error(`--max-rps takes a number > 0, not "${rps}"\n${USAGE}`);
  const only = values["--only"]?.split(",").map(Number);
  if (only?.some((k) => !Number.isInteger(k) || k < 0 || k >= shards))
    throw new Error(`--only takes shard numbers 0..${shards - 1}, not "${values["--only"]}"\n${USAGE}`);
  return {
    operation,
    shards,
    pool: values["--pool"] === undefined ? Math.min(shards, 4) : whole("--pool", 1),
    engine,
    maxRps: rps === undefined ? undefined : Number(rps),
    allowDeletes: flags.has("--allow-deletes"),
    prefix: values["--stack-prefix"] ?? "catalog",
    only,
    planOnly: flags.has("--plan"),
    catalogFile: resolve(REPO_ROOT, values["--catalog"] ?? "catalog/customers.yaml"),
    stateDir: resolve(values["--state-dir"] ?? join(REPO_ROOT, ".local", "catalog")),
    provisioningMs: values["--provisioning-ms"] === undefined ? undefined : whole("--provisioning-ms", 0),
  };
}

/** What {@link runCatalog} needs from its surroundings (the command passes the real ones, tests their own). */
export type CatalogDeps = {
  /** Where the stacks' state, logs and the template ids are kept. */
  readonly stateDir: string;
  readonly api: ApiTarget;
  readonly signal: AbortSignal;
  readonly print: (line: string) => void;
  /** Passphrase of the CLI's file backend. */
  readonly passphrase: string;
  /** How often the running shards' lines are printed. */
  readonly progressMs?: number;
  /** The engine to run stacks on, in place of the one `args.engine` picks (the sharded bench measures each stack's processes). */
  readonly runner?: ShardRunner;
};

/** Runs the command; resolves to the exit code (0 all stacks ok, 1 a stack failed, 2 refused, 3 moves pending with --plan). */
export async function runCatalog(args: CatalogArgs, deps: CatalogDeps): Promise<number> {
  const cli = args.engine === "local" || deps.runner ? undefined : findCli();
  if (args.engine === "cli" && !deps.runner && !cli?.found) {
    deps.print(`npm run catalog: --engine cli: ${cli && !cli.found ? cli.reason : "no CLI"}`);
    return 2;
  }
  const env: Record<string, string> = args.allowDeletes ? { [ALLOW_DELETES_ENV]: "true" } : {};
  const runner =
    deps.runner ??
    (cli?.found === true
      ? cliRunner({ stateDir: deps.stateDir, cliDir: CLI_DIR, binDir: cli.binDir, passphrase: deps.passphrase, api: deps.api, env })
      : localRunner({ stateDir: deps.stateDir, api: deps.api, env }));
  const catalog = await loadCatalog(args.catalogFile, packageRules());
  const problems = shardProblems(catalog, args.shards);
  if (problems.length > 0) {
    deps.print(`npm run catalog: ${show(args.catalogFile)}:\n${problems.map((p) => `  ${p.path} ${p.message}`).join("\n")}`);
    return 2;
  }
  const assigned = assignShards(catalog, args.shards);
  const idsFile = join(deps.stateDir, `${args.prefix}-template-ids.json`);
  const stackOf = (shard: number | typeof TEMPLATE_SHARD) =>
    shard === TEMPLATE_SHARD ? `${args.prefix}-templates` : shardStack(args.prefix, shard);
  // Each stack reads its own slice of the catalog (written below, before any program runs), not the whole file.
  const settings = (shard: number | typeof TEMPLATE_SHARD): Record<string, string> => ({
    [`${PROJECT}:catalogFile`]: sliceFiles(deps.stateDir, stackOf(shard)).catalog,
    [`${PROJECT}:${SLICE_ORIGIN_SETTING}`]: sliceFiles(deps.stateDir, stackOf(shard)).origin,
    [`${PROJECT}:${SHARD_SETTINGS.shards}`]: String(args.shards),
    [`${PROJECT}:${SHARD_SETTINGS.shard}`]: String(shard),
    ...(shard === TEMPLATE_SHARD
      ? {}
      : { [`${PROJECT}:${SHARD_SETTINGS.templateIds}`]: existsSync(idsFile) ? readFileSync(idsFile, "utf8").trim() : "{}" }),
  });

  const logDir = join(deps.stateDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = (stack: string, operation: string = args.operation) => join(logDir, `${stack}-${operation}.log`);
  const lastLine = new Map<string, string>();
  const output = (operation: string) => (stack: string, line: string) => {
    appendFileSync(logFile(stack, operation), `${line}\n`);
    if (line.trim()) lastLine.set(stack, line.trim());
  };
  const pool = async (entries: PoolEntry[], operation: ShardOperation = args.operation as ShardOperation) => {
    const statuses = new Map<string, ShardStatus>();
    const ticker = setInterval(() => {
      for (const s of statuses.values())
        if (s.state === "running") deps.print(progressLine({ ...s, last: lastLine.get(s.stack) }, Date.now()));
    }, deps.progressMs ?? 10_000).unref();
    try {
      return await runPool(entries, {
        operation,
        runner,
        pool: args.pool,
        totalRate: args.maxRps,
        shareDir: join(deps.stateDir, "rate-shares"),
        signal: deps.signal,
        output: output(operation),
        onChange: (s) => (statuses.set(s.stack, s), deps.print(progressLine(s, Date.now()))),
      });
    } finally {
      clearInterval(ticker);
    }
  };
  const templates = { stack: stackOf(TEMPLATE_SHARD), config: settings(TEMPLATE_SHARD) };
  const selected = [...Array(args.shards).keys()].filter((k) => args.only === undefined || args.only.includes(k));
  const shardEntries = selected.map((k) => ({ stack: stackOf(k), config: settings(k) }));

  // A killed run's locks and pending creates first (scripts/catalog/recover.ts): every stack this
  // operation touches (a reshard: every shard stack of the prefix, any of which a move may write).
  const touched =
    args.operation === "reshard"
      ? (await runner.stacks()).filter((s) => shardNumber(args.prefix, s) !== undefined)
      : [...(args.operation === "destroy" && args.only !== undefined ? [] : [templates.stack]), ...shardEntries.map((e) => e.stack)];
  const recovery = await releaseKilledRuns({
    runner,
    stacks: touched,
    changeNothing: args.operation === "preview" || args.planOnly,
    print: deps.print,
  });
  if (recovery.stuck.length > 0) {
    deps.print(`npm run catalog: nothing was run: ${recovery.stuck.length} stack(s) are locked by a run that may still be going:`);
    for (const line of recovery.stuck) deps.print(`  ${line}`);
    return 2;
  }
  if (recovery.refresh.length > 0) {
    const refreshed = await pool(
      recovery.refresh.map((stack) => ({ stack, config: settings(shardNumber(args.prefix, stack) ?? TEMPLATE_SHARD) })),
      "refresh",
    );
    const failed = refreshed.filter((r) => r.state !== "ok");
    if (failed.length > 0) {
      for (const f of failed)
        deps.print(
          `${f.stack}: the refresh after a killed run ${f.state}${f.last ? `: ${escapeControl(f.last)}` : ""} (log: ${show(logFile(f.stack, "refresh"))})`,
        );
      deps.print(
        `npm run catalog: nothing else was run; fix what the refresh reports, then run this command again (it refreshes again first).`,
      );
      return 1;
    }
  }
  const { located, resources } = await locateCustomers(runner, args.prefix);
  // After the recovery (a refresh does not run the program) and once the stacks' records are read:
  // a slice's origin lists the keys its stack recorded that now belong to another stack.
  const templateResources = await runner.resources(templates.stack);
  writeSlices({
    stateDir: deps.stateDir,
    source: args.catalogFile,
    catalog,
    shards: args.shards,
    stackOf,
    recorded: (stack) => (stack === templates.stack ? templateResources : (resources.get(shardNumber(args.prefix, stack) ?? -1) ?? [])),
  });
  const plan = reshardPlan(catalog, args.shards, located, assigned);

  if (args.operation === "reshard") {
    deps.print(describePlan(plan, args.prefix));
    if (args.planOnly || (plan.moves.length === 0 && plan.leftovers.length === 0))
      return args.planOnly && plan.moves.length + plan.leftovers.length > 0 ? 3 : 0;
    if (runner.engine !== "cli" || cli?.found !== true) {
      deps.print(
        "npm run catalog: reshard moves state with `pulumi state move`, which needs the Pulumi CLI: run `npm run pulumi:install` first.",
      );
      return 2;
    }
    const cliRun = runner as ReturnType<typeof cliRunner>;
    await performPlan({
      plan,
      prefix: args.prefix,
      state: cliRun.state,
      resources,
      log: deps.print,
      // A new target stack gets its settings before anything is moved into it.
      ensureStack: async (shard) => void (await cliRun.stack(shardStack(args.prefix, shard))).setAllConfig(configValues(settings(shard))),
    });
    deps.print(`reshard: done. Next: npm run catalog -- up --shards ${args.shards}`);
    return 0;
  }

  if (args.operation !== "destroy" && (plan.moves.length > 0 || plan.leftovers.length > 0)) {
    deps.print(
      `${describePlan(plan, args.prefix)}\nnpm run catalog: nothing was run: an ${args.operation} would delete these customers from one stack and ` +
        `create them again in another. Move them first: npm run catalog -- reshard --shards ${args.shards}`,
    );
    return 2;
  }

  deps.print(
    `Running \`${args.operation}\` on ${args.shards} shard stack(s) + ${args.prefix}-templates with the ${runner.engine === "cli" ? "Pulumi CLI (Automation API)" : "stand-in engine"}, ` +
      `${args.pool} at a time${args.maxRps ? `, ${args.maxRps} requests/s shared` : ""}; logs in ${show(logDir)}`,
  );
  const results: PoolResult[] = [];
  const notStarted = (entries: readonly PoolEntry[], why: string) =>
    entries.map((e): PoolResult => ({ stack: e.stack, state: "cancelled", changes: {}, last: `not started: ${why}` }));
  if (args.operation === "destroy") {
    results.push(...(await pool(shardEntries)));
    // The templates go last, and only when every customer that uses them is gone.
    if (args.only === undefined) {
      const clear = results.every((r) => r.state === "ok");
      results.push(...(clear ? await pool([templates]) : notStarted([templates], "a shard still holds customers that use the templates")));
    }
  } else {
    const [t] = await pool([templates]);
    results.push(t!);
    const ids = t!.outcome?.outputs["provisioningIds"];
    if (args.operation === "up" && t!.state === "ok" && ids && typeof ids === "object") writeFileSync(idsFile, `${JSON.stringify(ids)}\n`);
    if (t!.state === "ok") {
      const withIds = shardEntries.map((e) => ({
        ...e,
        config: { ...e.config, ...settings(Number(e.config[`${PROJECT}:${SHARD_SETTINGS.shard}`])) },
      }));
      results.push(...(await pool(withIds)));
    } else results.push(...notStarted(shardEntries, `${templates.stack} did not finish`));
  }
  deps.print("");
  deps.print(finalTable(results, Date.now()));
  const failed = results.filter((r) => r.state !== "ok");
  if (failed.length === 0) return 0;
  for (const f of failed)
    deps.print(`${f.stack}: ${f.state}${f.last ? `: ${escapeControl(f.last)}` : ""} (log: ${show(logFile(f.stack))})`);
  const shardNos = failed.map((r) => /-shard-(\d+)$/.exec(r.stack)?.[1]).filter((k): k is string => k !== undefined);
  const all = failed.some((f) => f.stack === templates.stack) || shardNos.length === 0 || shardNos.length === args.shards;
  deps.print(
    `\nTo run the stacks that did not finish again: npm run catalog -- ${args.operation} --shards ${args.shards}${all ? "" : ` --only ${shardNos.join(",")}`}`,
  );
  return 1;
}

const configValues = (config: Record<string, string>) => Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }]));

/** A value kept in `<dir>/<name>`, generated on first use; readable by the owner only. */
function keptSecret(dir: string, name: string): string {
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = randomBytes(24).toString("hex");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/**
 * The command: the emulator with its own state in `.local/catalog/` (apart from `npm start`'s, so
 * the two never manage the same customers), then {@link runCatalog}. SIGINT, SIGTERM and SIGHUP
 * stop every shard the graceful way; a second signal quits at once.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseCatalogArgs(argv);
  const stateDir = args.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const emulator = await startEmulator({
    stateFile: join(stateDir, "emulator-state.json"),
    token: keptSecret(stateDir, "emulator-token"),
    ...(args.provisioningMs === undefined ? {} : { provisioningDelayMs: args.provisioningMs }),
  });
  console.log(`Emulator: ${emulator.url} (state: ${show(join(stateDir, "emulator-state.json"))})`);
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(128 + (signal === "SIGHUP" ? 1 : signal === "SIGTERM" ? 15 : 2));
    console.log(`\n${signal}: stopping every shard after the changes in flight are recorded (a second signal quits now)...`);
    abort.abort(signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of signals) process.on(s, onSignal);
  try {
    return await runCatalog(args, {
      stateDir,
      api: { url: emulator.url, token: emulator.token },
      signal: abort.signal,
      print: (line) => console.log(line),
      passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? keptSecret(stateDir, "pulumi-passphrase"),
    });
  } finally {
    for (const s of signals) process.off(s, onSignal);
    await emulator.close();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    parseCatalogArgs(args);
  } catch (e) {
    console.error(`npm run catalog: ${(e as Error).message}`);
    process.exit(2);
  }
  main(args).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`npm run catalog: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
