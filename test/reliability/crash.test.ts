// Short form of the crash suite (issue 7): SIGKILL of the engine's process tree at seeded random
// points of an `up`, 3 trials; the soak runs 20 (crash.soak.test.ts).
import { expect } from "chai";

import { crashScenario } from "./support/scenarios";

describe("reliability: engine killed mid-run (short form)", function () {
  // Generous: 3 trials of up, crash, rerun and a no-change up on a loaded 2-core CI machine (a limit, not a speed test).
  this.timeout(20 * 60_000);

  const cases = [{ name: "5 × 3 catalog, 3 seeded crashes", size: { customers: 5, usersPerCustomer: 3 }, trials: 3, seed: 20261126 }];
  for (const c of cases) {
    it(`${c.name}: every rerun converges with 0 duplicates and state = emulator`, async () => {
      const trials = await crashScenario(c.size, c.trials, c.seed);
      expect(trials).to.have.length(c.trials);
      // At least one kill must have landed mid-run, or the test proved nothing.
      expect(trials.filter((t) => t.killed).length, JSON.stringify(trials)).to.be.greaterThan(0);
    });
  }
});
