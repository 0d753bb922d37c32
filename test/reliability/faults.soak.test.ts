// Soak form of the fault suite (`npm run soak`, not part of `npm test`): the 100 × 10 catalog
// under 20 % injected faults of every kind, with two seeds.
import { expect } from "chai";

import { FAULT_KINDS } from "./support/deployment";
import { faultScenario } from "./support/scenarios";

describe("soak: injected faults on the 100 × 10 catalog", function () {
  this.timeout(60 * 60 * 1000);

  const cases = [
    { name: "seed 1", seed: 1 },
    { name: "seed 2", seed: 2 },
  ];
  for (const c of cases) {
    it(`${c.name}, 20 % faults (${FAULT_KINDS.join(", ")}): up succeeds or fails cleanly, one rerun converges, state = emulator, no duplicate, no token`, async () => {
      const outcome = await faultScenario({ customers: 100, usersPerCustomer: 10 }, 0.2, c.seed);
      const injected = Object.values(outcome.faults).reduce((a, b) => a + b, 0);
      expect(injected, JSON.stringify(outcome.faults)).to.be.greaterThan(100);
      for (const kind of FAULT_KINDS) expect(outcome.faults[kind] ?? 0, `faults of kind ${kind}`).to.be.greaterThan(0);
    });
  }
});
