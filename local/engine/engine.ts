/**
 * Runs one operation (`preview`, `up`, `refresh`, `destroy`) on a Pulumi program: the orchestration of the
 * monitor server, the program, the plugin, the state and the output.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { runDeletes } from "./delete-scheduler";
import { EngineOptionsSchema, type EngineOptions, type EngineResult, type ResolvedEngineOptions } from "./options";
import { startMonitorServer } from "./monitor-server";
import { launchProgram } from "./program-launcher";
import { resolveConfig } from "./project-config";
import { changedKeyNames, changedKeys, deepEqual, isSecret, markSecretKeys, secretKeys, unwrapMap } from "./property-values";
import { Redactor, Renderer, formatDuration } from "./renderer";
import { RunContext } from "./run-context";
import { loadSdk, type PropertyMap, type PropertyValue } from "./sdk";
import { StateWriteError } from "./state-io";
import type { ResourceState } from "./state-schema";
import { StateStore } from "./state-store";
import { deleteResource } from "./provider-writes";
import { describeError } from "./step-errors";
import { StepGenerator } from "./step-generator";
import { parseUrn } from "./urn";
import { ProviderError } from "./plugin-host";

const HEADERS = {
  preview: "Previewing update",
  up: "Updating",
  refresh: "Refreshing",
  destroy: "Destroying",
  cancel: "Cancelling",
} as const;

/** Removes terminal colour codes (the SDK formats errors with util.inspect colours). */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Default state file of a stack: `<program dir>/.pulumi-local/<stack>.json`. */
export function defaultStateFile(cwd: string, stack: string): string {
  return path.join(path.resolve(cwd), ".pulumi-local", `${stack}.json`);
}

/**
 * Keeps the default state directory out of git (like a virtualenv does): state and logs are per machine, and
 * the program directory is usually a repository.
 */
function ignoreDefaultStateDir(stateFile: string): void {
  const dir = path.dirname(stateFile);
  if (path.basename(dir) !== ".pulumi-local") return;
  const ignore = path.join(dir, ".gitignore");
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, "# Local engine state and logs: not for version control.\n*\n");
}

/** The log file kept next to a state file (`<state>.log`). */
export function logFileFor(stateFile: string): string {
  return stateFile.replace(/\.json$/, "") + ".log";
}

function readPassphrase(env: Record<string, string | undefined>): string | undefined {
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined) return env["PULUMI_CONFIG_PASSPHRASE"];
  const file = env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  if (file) return fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
  return undefined;
}

/** Stack outputs for the result: secrets replaced by `"[secret]"` so callers cannot print them by accident. */
function publicOutputs(outputs: PropertyMap): Record<string, unknown> {
  const strip = (v: PropertyValue): unknown => {
    if (isSecret(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v as Record<string, PropertyValue>).map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, strip(v)]));
}

/**
 * Runs one operation on a Pulumi TypeScript program with dynamic resources, without the Pulumi CLI.
 * Never throws for a deployment problem: failures are in the result (`ok: false`, `errors`, non-zero `exitCode`).
 *
 * @example
 * const r = await runEngine({ operation: "up", cwd: "examples/quickstart", stack: "dev",
 *   config: { "webex:baseUrl": "http://127.0.0.1:8080" }, secretConfig: { "webex:accessToken": token } });
 * if (!r.ok) console.error(r.errors.join("\n"));
 */
export async function runEngine(input: EngineOptions): Promise<EngineResult> {
  const started = Date.now();
  const parsed = EngineOptionsSchema.safeParse(input);
  const fallbackState = path.resolve(input.stateFile ?? defaultStateFile(input.cwd ?? ".", input.stack ?? "dev"));
  const failure = (message: string, exitCode = 1): EngineResult => ({
    ok: false,
    exitCode,
    operation: input.operation,
    summary: { create: 0, update: 0, replace: 0, delete: 0, same: 0, read: 0, failed: 0 },
    steps: [],
    outputs: {},
    durationMs: Date.now() - started,
    errors: [message],
    logFile: logFileFor(fallbackState),
    stateFile: fallbackState,
    stateWrites: 0,
    stateBytesWritten: 0,
    peakConcurrency: 0,
  });
  const print = input.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!parsed.success) {
    const message = `invalid options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
    print(`error: ${message}`);
    return failure(message, 2);
  }
  const opts: ResolvedEngineOptions = { ...parsed.data, cwd: path.resolve(parsed.data.cwd) };
  const stateFile = path.resolve(opts.stateFile ?? defaultStateFile(opts.cwd, opts.stack));
  const logFile = logFileFor(stateFile);
  const redactor = new Redactor();
  redactor.add(Object.values(opts.secretConfig));
  const lookupEnv: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.operation === "cancel") {
    // `pulumi cancel` on the diy backend: delete the lock, nothing else.
    const removed = StateStore.cancel(stateFile);
    print(
      removed ? `The currently running update for '${opts.stack}' has been canceled!` : `No lock: no update of '${opts.stack}' is running.`,
    );
    return { ...failure(""), ok: true, exitCode: 0, errors: [], stateFile, logFile };
  }

  let store: StateStore | undefined;
  let renderer: Renderer | undefined;
  let ctx: RunContext | undefined;
  let programRss = 0;
  try {
    const config = resolveConfig(opts.cwd, opts.stack, opts.config, opts.secretConfig);
    const sdk = loadSdk(opts.cwd);
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    ignoreDefaultStateDir(stateFile);
    store = StateStore.open(
      stateFile,
      config.project,
      opts.stack,
      readPassphrase(lookupEnv),
      `npm run engine -- cancel --stack ${opts.stack} --state ${stateFile}`,
      opts.stateIo,
    );
    // As the Pulumi CLI reads it (cmdutil.IsTruthy): "1" or "true" in any case.
    if (/^(1|true)$/i.test(lookupEnv["PULUMI_SKIP_CHECKPOINTS"] ?? "")) store.saveOnlyAtClose();
    renderer = new Renderer(print, logFile, redactor, opts.verbose, opts.progressIntervalMs);
    ctx = new RunContext({ ...opts, stateFile }, sdk, config, store, renderer, redactor, opts.env);
    for (const r of store.state.resources) ctx.learnSecrets(r.inputs, r.outputs);
    ctx.learnSecrets(store.state.outputs);

    renderer.line(`${HEADERS[opts.operation]} (${opts.stack}):`);
    reportInterrupted(ctx);
    switch (opts.operation) {
      case "up":
      case "preview":
        programRss = await deploy(ctx);
        break;
      case "destroy":
        await destroy(ctx);
        break;
      case "refresh":
        await refresh(ctx);
        break;
    }
  } catch (e) {
    const message = describeError(e);
    if (ctx) ctx.error(message);
    else {
      const text = redactor.redact(message);
      print(`error: ${text}`);
      return { ...failure(text), stateFile, logFile };
    }
  } finally {
    await ctx?.closePlugin().catch(() => undefined);
    if (store && ctx && !ctx.dryRun) {
      await store.close().catch((e: Error) => {
        if (!(e instanceof StateWriteError)) ctx!.error(`cannot write the state: ${e.message}`);
      });
      if (store.writeFailure) ctx.error(describeWriteFailure(store, store.writeFailure));
    }
    store?.release();
  }

  const c = ctx!;
  const ok = c.errors.length === 0 && c.summary.failed === 0;
  const outputs = c.store.state.outputs;
  summarize(c, ok, Date.now() - started, outputs);
  renderer!.close();
  return {
    ok,
    exitCode: ok ? 0 : 1,
    operation: opts.operation,
    summary: { ...c.summary },
    steps: c.steps,
    outputs: publicOutputs(outputs),
    durationMs: Date.now() - started,
    errors: c.errors,
    logFile,
    stateFile,
    peakRssBytes: { engine: process.resourceUsage().maxRSS * 1024, program: programRss, plugin: c.startedPlugin?.peakRssBytes ?? 0 },
    stateWrites: c.store.writes,
    stateBytesWritten: c.store.bytesWritten,
    peakConcurrency: c.startedPlugin?.semaphore.peak ?? 0,
  };
}

/**
 * Warns that earlier runs stopped with provider writes in flight, with the real engine's words
 * (pkg/engine/lifecycletest TestUpdateShowsWarningWithPendingOperations). Pending creates stay until a refresh with
 * `clearPendingCreates`, so every run warns about them.
 */
function reportInterrupted(ctx: RunContext): void {
  const pending = ctx.store.interrupted;
  if (pending.length === 0) return;
  const how = { create: "creating", update: "updating", delete: "deleting" } as const;
  ctx.renderer.line(
    `    warning: Attempting to deploy or update resources with ${pending.length} pending operations from previous deployment.`,
  );
  for (const p of pending) ctx.renderer.line(`      * ${p.urn}, interrupted while ${how[p.op]}`);
  ctx.renderer.line(
    "    These resources are in an unknown state because the engine was interrupted while waiting for changes to these " +
      "resources to complete. You should confirm whether or not the operations listed completed successfully by " +
      "checking the state of the provider.",
  );
  if (ctx.store.pendingCreates.length > 0) {
    ctx.renderer.line(
      "    An interrupted create may have left an object the state does not know: an up creates it again (this " +
        "package's providers adopt an existing object by its natural key). Once checked, clear them with " +
        `\`npm run engine -- refresh --clear-pending-creates\` (the Pulumi CLI: \`pulumi refresh --clear-pending-creates\`).`,
    );
  }
}

/**
 * The error of a run whose state write failed: what failed, that the run stopped, and the provider objects that
 * may exist without being in the state (creates in flight or finished since the last successful write), which the
 * next `up` creates again and this package's providers adopt by natural key.
 */
export function describeWriteFailure(store: StateStore, failure: StateWriteError): string {
  const unrecorded = store.unrecordedCreates();
  const list = unrecorded.map((o) => `${o.type} ${parseUrn(o.urn).name} (${o.id ? `id ${o.id}` : "create in flight"})`);
  return (
    `${failure.message}. The run stopped starting new steps at that point; steps in flight finished or were abandoned. ` +
    (unrecorded.length > 0
      ? `${unrecorded.length} object(s) may exist at the provider without being recorded in the state: ${list.join(", ")}. ` +
        "The next `up` adopts them (this package's providers find an existing object by its natural key). "
      : "Everything that reached the provider is recorded (the final write succeeded). ") +
    (failure.code === "ENOSPC" ? "Free disk space, then run up again." : "Fix the file system, then run up again.")
  );
}

/** `up` and `preview`: runs the program against the monitor and executes (or plans) the steps. */
async function deploy(ctx: RunContext): Promise<number> {
  const gen = new StepGenerator(ctx);
  const server = await startMonitorServer(ctx.sdk, {
    register: (r) => gen.register(r),
    read: (r) => gen.read(r),
    registerOutputs: (urn, outputs) => gen.registerOutputs(urn, outputs),
    setRoot: (urn) => gen.setRoot(urn),
    log: (severity, message, urn) => {
      // DEBUG carries the whole __provider text per resource (G3): dropped, not even logged.
      if (severity === 0) return;
      let who = "";
      try {
        if (urn) who = `${parseUrn(urn).type} ${parseUrn(urn).name}: `;
      } catch {
        who = `${urn}: `;
      }
      const text = stripAnsi(message).trim();
      if (severity === 3) {
        gen.markFailed();
        // After a step failure the SDK rejects the resource's promises and reports each as an unhandled
        // "failed to register" exception: the step's own error already says why, so keep that one only.
        if (ctx.summary.failed > 0 && /failed to register/.test(text)) ctx.renderer.log(`    program: ${text}`);
        else ctx.error(`${who}${text}`, false);
      } else ctx.renderer.line(`    ${severity === 2 ? "warning" : "info"}: ${who}${text}`);
    },
  });
  // Start the plugin while the program compiles (about a second saved); a start failure is reported by the
  // first step that needs it.
  ctx.plugin().catch(() => undefined);
  let sawStderr = false;
  const program = launchProgram({
    sdk: ctx.sdk,
    programDir: ctx.opts.cwd,
    stack: ctx.opts.stack,
    config: ctx.config,
    monitorAddress: server.address,
    dryRun: ctx.dryRun,
    parallel: ctx.opts.parallel,
    env: ctx.env,
    onStdout: (line) => ctx.renderer.line(`    program: ${line}`),
    onStderr: (line) => {
      sawStderr = true;
      ctx.renderer.line(`    program: ${line}`);
    },
  });
  const onAbort = (): void => program.kill();
  ctx.opts.signal?.addEventListener("abort", onAbort, { once: true });
  const exit = await program.exited;
  ctx.opts.signal?.removeEventListener("abort", onAbort);
  await gen.settled();
  server.close();
  // Exit code 32: the program already reported its error through Engine.Log.
  if (ctx.cancelled) {
    ctx.error("the run was cancelled: steps in flight finished and are recorded; run up again to continue");
  } else if (exit.code !== 0 && exit.code !== 32) {
    ctx.error(
      exit.signal
        ? `the program was stopped by ${exit.signal}`
        : `the program exited with code ${exit.code}${sawStderr ? " (its messages are above)" : " without an error message"}`,
    );
  } else if (exit.code === 32 && ctx.errors.length === 0) {
    ctx.error("the program failed (exit code 32)");
  }
  const programOk = exit.code === 0 && ctx.errors.length === 0;
  await gen.finish(programOk);
  if (programOk && !gen.failed && ctx.dryRun && gen.stackOutputs) {
    ctx.renderer.outputs(gen.stackOutputs);
  }
  return exit.peakRssBytes;
}

/** `destroy`: deletes every resource in the state, dependents first, after checking protect for all of them (G8). */
async function destroy(ctx: RunContext): Promise<void> {
  const all = [...ctx.store.state.resources];
  const refused = all.filter((r) => r.protect && !r.external);
  if (refused.length > 0) {
    for (const r of refused) {
      ctx.fail(r.urn, r.type, "delete", "cannot destroy: the resource is protected; remove the protect option and run up first");
    }
    ctx.error(`nothing was deleted: ${refused.length} protected resource(s) block the destroy`);
    return;
  }
  const outcome = await runDeletes(
    all,
    (r) => deleteResource(ctx, r, { replacing: false }),
    () => ctx.stopped,
  );
  for (const r of outcome.skipped) {
    ctx.fail(r.urn, r.type, "delete", "not deleted: a resource that depends on it could not be deleted (or the run was cancelled)");
  }
  if (outcome.failed.length === 0 && outcome.skipped.length === 0) {
    ctx.store.state.outputs = {};
    // An interrupted create may have left an object the state does not know: destroy cannot delete what it
    // has no id for, so the entry stays (the store keeps it) and is reported.
    for (const p of ctx.store.pendingCreates) {
      ctx.renderer.line(
        `    warning: the create of ${p.type} ${parseUrn(p.urn).name} was interrupted earlier and may exist in the provider ` +
          `without being in the state; run up (it adopts it), then destroy`,
      );
    }
  }
}

/** `refresh`: reads every managed resource; an empty id means it is gone and it leaves the state. */
async function refresh(ctx: RunContext): Promise<void> {
  const targets = ctx.store.state.resources.filter((r) => r.custom && r.id && !r.pendingReplacement);
  await Promise.all(targets.map((r) => refreshOne(ctx, r)));
  if (ctx.store.pendingCreates.length > 0) {
    if (ctx.opts.clearPendingCreates) {
      ctx.store.clearPendingCreates();
      ctx.store.markDirty(0);
      ctx.renderer.line("    info: cleared the pending creates of interrupted runs");
    } else {
      // The CLI resolves them interactively; without a terminal it keeps them, as here.
      ctx.renderer.line(
        "    warning: pending creates of interrupted runs are kept; after checking the provider, run refresh with " +
          "--clear-pending-creates to clear them",
      );
    }
  }
  for (const r of ctx.store.state.resources.filter((x) => !x.custom)) {
    ctx.record({ urn: r.urn, type: r.type, name: parseUrn(r.urn).name, op: "same" });
  }
}

/**
 * Refreshes one resource as the real engine's RefreshStep does (pkg/resource/deploy/step.go): read; an empty id
 * means it is gone; a successful read clears initialization errors (a partial read keeps its own and warns); then
 * the provider's diff is asked what the next `up` of an unchanged program would do, with the refreshed outputs as
 * olds and the prior inputs as news. A failing diff fails the refresh of that resource.
 */
async function refreshOne(ctx: RunContext, r: ResourceState): Promise<void> {
  const { name } = parseUrn(r.urn);
  try {
    const plugin = await ctx.plugin();
    let res: { id: string; outputs: PropertyMap; inputs: PropertyMap };
    let initErrors: string[] | undefined;
    try {
      res = await plugin.read(r.urn, r.id, unwrapMap(r.outputs), unwrapMap(r.inputs));
    } catch (e) {
      if (!(e instanceof ProviderError && e.initFailure)) throw e;
      // A partial failure does not fail a refresh: it is recorded so the next up retries it.
      initErrors = e.initFailure.reasons;
      res = { id: e.initFailure.id || r.id, outputs: e.initFailure.properties, inputs: {} };
      ctx.renderer.line(
        `    warning: ${r.type} ${name}: Refreshed resource is in an unhealthy state:\n    * ${initErrors.join("\n    * ")}`,
      );
    }
    if (!res.id) {
      ctx.store.remove(r);
      ctx.store.markDirty();
      ctx.renderer.stepDone(r, "delete", r.type, name, undefined, "(gone: the provider no longer has it)");
      ctx.record({ urn: r.urn, type: r.type, name, op: "delete" });
      return;
    }
    const secretOut = [...secretKeys(r.outputs), ...secretKeys(r.inputs), ...r.additionalSecretOutputs];
    const outputs = markSecretKeys(res.outputs, secretOut);
    const inputs = Object.keys(res.inputs).length > 0 ? markSecretKeys(res.inputs, secretKeys(r.inputs)) : r.inputs;
    ctx.learnSecrets(outputs, inputs);
    if (!r.external) {
      // The real engine shows this diff (inverted) but records the read values either way.
      await plugin.diff(r.urn, res.id, unwrapMap(outputs), unwrapMap(r.inputs), unwrapMap(inputs));
    }
    const changed =
      !deepEqual(outputs, r.outputs) ||
      !deepEqual(inputs, r.inputs) ||
      res.id !== r.id ||
      (r.initErrors?.length ?? 0) !== (initErrors?.length ?? 0);
    const keys = changedKeys(r.outputs, outputs);
    // A new record replaces the old one: records are never changed in place.
    const refreshed: ResourceState = { ...r, id: res.id, outputs, inputs };
    if (initErrors) refreshed.initErrors = initErrors;
    else delete refreshed.initErrors;
    ctx.store.upsert(refreshed, r);
    if (changed) {
      ctx.store.markDirty();
      ctx.renderer.stepDone(r, "update", r.type, name, keys, "(refreshed)");
      ctx.record({ urn: r.urn, type: r.type, name, op: "update", changedKeys: changedKeyNames(keys) });
    } else {
      ctx.renderer.stepDone(r, "same", r.type, name);
      ctx.record({ urn: r.urn, type: r.type, name, op: "same" });
    }
  } catch (e) {
    ctx.fail(r.urn, r.type, "read", `refresh failed: ${describeError(e)}`);
  }
}

/** Prints diagnostics, outputs and the summary line. */
function summarize(ctx: RunContext, ok: boolean, durationMs: number, outputs: PropertyMap): void {
  const { renderer, summary: s, opts } = ctx;
  const preview = opts.operation === "preview";
  if (ctx.errors.length > 0) {
    renderer.line("Diagnostics:");
    for (const e of ctx.errors) renderer.line(`    error: ${e}`);
  }
  if (!preview && opts.operation !== "destroy") renderer.outputs(outputs);
  const parts: string[] = [];
  const verb = (done: string, planned: string): string => (preview ? planned : done);
  if (s.create) parts.push(`+ ${s.create} ${verb("created", "to create")}`);
  if (s.update) parts.push(`~ ${s.update} ${verb(opts.operation === "refresh" ? "refreshed" : "updated", "to update")}`);
  if (s.replace) parts.push(`+- ${s.replace} ${verb("replaced", "to replace")}`);
  if (s.delete) parts.push(`- ${s.delete} ${verb("deleted", "to delete")}`);
  if (s.read) parts.push(`> ${s.read} read`);
  if (s.failed) parts.push(`${s.failed} failed`);
  parts.push(`${s.same} unchanged`);
  renderer.line(`Resources: ${parts.join(", ")}. Duration: ${formatDuration(durationMs)}`);
  const changes = s.create + s.update + s.replace + s.delete;
  if (ok && changes === 0) {
    renderer.line(
      opts.operation === "destroy"
        ? "No changes: the stack has no resources."
        : opts.operation === "refresh"
          ? "No changes: the state matches what the provider reports."
          : "No changes: the resources already match the program.",
    );
  } else if (!ok) {
    renderer.line(`${opts.operation} failed: ${ctx.errors.length} error(s); see above (log: ${logFileFor(ctx.store.file)})`);
  }
}
