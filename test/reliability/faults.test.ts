// Short form of the fault suite (issue 7): a 5 × 3 catalog under 20 % injected faults of every
// kind. The soak (`npm run soak`) runs the same scenario on 100 × 10 (faults.soak.test.ts).
import { expect } from "chai";

import { FAULT_KINDS } from "./support/deployment";
import { faultScenario } from "./support/scenarios";

describe("reliability: injected faults (short form)", function () {
  this.timeout(240_000);

  const cases = [{ name: "5 × 3 catalog, 20 % faults", size: { customers: 5, usersPerCustomer: 3 }, probability: 0.2, seed: 7 }];
  for (const c of cases) {
    it(`${c.name} (${FAULT_KINDS.join(", ")}): up succeeds or fails cleanly, one rerun converges, state = emulator, no duplicate, no token`, async () => {
      const outcome = await faultScenario(c.size, c.probability, c.seed);
      // The scenario is only meaningful if faults were really injected into the first up.
      const injected = Object.values(outcome.faults).reduce((a, b) => a + b, 0);
      expect(injected, `faults injected: ${JSON.stringify(outcome.faults)}`).to.be.greaterThan(0);
    });
  }
});
