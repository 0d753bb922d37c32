// Soak form of the crash suite (`npm run soak`): 20 seeded SIGKILLs of the engine's process tree
// during an `up` of a 10 × 5 catalog (each trial on a fresh stack), every rerun converging.
import { expect } from "chai";

import { crashScenario } from "./support/scenarios";

describe("soak: engine killed mid-run, 20 trials", function () {
  this.timeout(60 * 60 * 1000);

  it("10 × 5 catalog, 20 seeded crashes: every rerun converges with 0 duplicates and state = emulator", async () => {
    const trials = await crashScenario({ customers: 10, usersPerCustomer: 5 }, 20, 7);
    expect(trials).to.have.length(20);
    expect(trials.filter((t) => t.killed).length, JSON.stringify(trials)).to.be.at.least(15);
  });
});
