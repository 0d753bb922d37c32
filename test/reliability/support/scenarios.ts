/**
 * The reliability scenarios, parameterised by size so the short suite (`npm test`) and the soak
 * (`npm run soak`) run the same code: faults, crashes, secrets and authentication.
 */
import { join } from "node:path";
import { expect } from "chai";

import { REPO_ROOT } from "../../../bench/engine-runner";
import { runEngine } from "../../../local/engine";

import {
  FAULT_KINDS,
  expectCleanEnd,
  expectNoTokenIn,
  expectStateMatchesEmulator,
  openDeployment,
  seededRandom,
  type Deployment,
} from "./deployment";

/** Size of a scenario's catalog. */
export interface CatalogSize {
  readonly customers: number;
  readonly usersPerCustomer: number;
}

/** What a fault scenario observed, for the test's own assertions and its title. */
export interface FaultOutcome {
  /** Exit code of the `up` under faults (0 or 1). */
  readonly firstExit: number | null;
  /** Faults the emulator injected during that `up`, per kind. */
  readonly faults: Record<string, number>;
}

/**
 * Faults: an `up` with `probability` of each API request failing with one of every fault kind
 * either succeeds or fails cleanly; one rerun without faults converges; a third `up` changes
 * nothing and writes nothing; state and emulator hold exactly the same objects with no duplicate
 * or orphan; no artifact holds the token.
 */
export async function faultScenario(size: CatalogSize, probability: number, seed: number): Promise<FaultOutcome> {
  const deployment = await openDeployment({
    ...size,
    emulator: { faults: { probability, kinds: [...FAULT_KINDS], seed }, provisioningDelayMs: 300 },
  });
  try {
    const first = await deployment.run("up");
    expectCleanEnd(first);
    const faults = (await deployment.emulator.admin.counters()).faults;
    await deployment.emulator.admin.configure({ faults: false });
    const rerun = await deployment.run("up");
    expect(rerun.exitCode, `rerun after the faulty up must converge:\n${rerun.stdout.slice(-3000)}\n${rerun.stderr.slice(-2000)}`).to.equal(
      0,
    );
    await deployment.emulator.admin.resetCounters();
    const same = await deployment.run("up");
    expect(same.exitCode, "no-change up").to.equal(0);
    const counters = await deployment.emulator.admin.counters();
    expect(counters.writes, "writes made by the up after convergence").to.equal(0);
    await expectStateMatchesEmulator(deployment, { customers: size.customers, users: size.customers * size.usersPerCustomer });
    expectNoTokenIn(deployment);
    return { firstExit: first.exitCode, faults };
  } finally {
    await deployment.close();
  }
}

/** What one crash trial observed. */
export interface CrashTrial {
  /** The crash came after this many API requests of the `up`. */
  readonly killAfterRequests: number;
  /** Whether the kill landed (the `up` had not finished before). */
  readonly killed: boolean;
}

/**
 * Crash: SIGKILLs the engine's whole process tree at a seeded random point of an `up`'s API
 * activity (after 1 to about all of its requests), `trials` times, each on a fresh stack and
 * emulator, each followed by a rerun that must converge with 0 duplicates, 0 orphans and state
 * equal to the emulator. (A fresh stack per trial: after a converged rerun a further `up` would
 * make no request at all, so there would be nothing left to interrupt.)
 */
export async function crashScenario(size: CatalogSize, trials: number, seed: number): Promise<CrashTrial[]> {
  const random = seededRandom(seed);
  // An up of the catalog makes about 1 + 2 + per customer (lookup, create, poll, location) 4 + users requests.
  const maxRequests = 3 + size.customers * (4 + size.usersPerCustomer);
  const outcomes: CrashTrial[] = [];
  for (let t = 0; t < trials; t++) {
    const killAfterRequests = 1 + Math.floor(random() * maxRequests);
    const deployment = await openDeployment({ ...size, emulator: { provisioningDelayMs: 300 } });
    try {
      const crashed = await deployment.run("up", {
        killWhen: async () => (await deployment.emulator.admin.counters()).total >= killAfterRequests,
      });
      outcomes.push({ killAfterRequests, killed: crashed.killed === "crash" });
      // The killed run's lock stays, as with the Pulumi CLI: the operator runs `cancel` first.
      if (crashed.killed === "crash") {
        const cancel = await runEngine({
          operation: "cancel",
          cwd: join(REPO_ROOT, "bench", "program"),
          stack: "reliability",
          stateFile: deployment.stateFile,
          output: () => undefined,
        });
        expect(cancel.ok, "cancel removes the killed run's lock").to.equal(true);
      }
      const rerun = await deployment.run("up");
      expect(
        rerun.exitCode,
        `trial ${t + 1} (crash after ${killAfterRequests} requests): rerun must converge:\n${rerun.stdout.slice(-3000)}\n${rerun.stderr.slice(-2000)}`,
      ).to.equal(0);
      await expectStateMatchesEmulator(deployment, { customers: size.customers, users: size.customers * size.usersPerCustomer });
      // Converged means converged: one more up writes nothing (a crash must not leave a diff behind).
      await deployment.emulator.admin.resetCounters();
      const same = await deployment.run("up");
      expect(same.exitCode, `trial ${t + 1}: no-change up after convergence`).to.equal(0);
      expect((await deployment.emulator.admin.counters()).writes, `trial ${t + 1}: writes made by the up after convergence`).to.equal(0);
      expectNoTokenIn(deployment);
    } finally {
      await deployment.close();
    }
  }
  return outcomes;
}

/** Opens a deployment, runs `fn`, closes it whatever happens. */
export async function withDeployment<T>(options: Parameters<typeof openDeployment>[0], fn: (d: Deployment) => Promise<T>): Promise<T> {
  const deployment = await openDeployment(options);
  try {
    return await fn(deployment);
  } finally {
    await deployment.close();
  }
}
