// Fault injection over loopback: every kind forced by X-Emulator-Scenario, commit-then-fail
// really committing, hung requests that close() still ends, the seeded injector, and faults
// never reaching the admin API.
import { expect } from "chai";
import { type EmulatorHandle, startEmulator } from "../../../local/emulator";
import { api, meetingsCustomer, template } from "./http";

const C = "/v1/wholesale/customers";
const SCENARIO = "X-Emulator-Scenario";

describe("emulator server: faults", () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
  });
  after(() => emu.close());
  beforeEach(() => emu.admin.reset());

  const answered: { kind: string; status: number; code: number; retryAfter: string | null }[] = [
    { kind: "500", status: 500, code: 1500, retryAfter: null },
    { kind: "503", status: 503, code: 1503, retryAfter: "1" },
    { kind: "429", status: 429, code: 1429, retryAfter: "1" },
    { kind: "423", status: 423, code: 1423, retryAfter: "1" },
  ];
  for (const f of answered) {
    it(`forced ${f.kind}: status, catalog code and Retry-After, nothing written, counted`, async () => {
      const pid = await template(emu);
      const r = await api(emu, "POST", C, meetingsCustomer(pid, `forced-${f.kind}`), { [SCENARIO]: f.kind });
      expect([r.status, r.body.errors[0].errorCode, r.headers.get("retry-after")]).to.deep.equal([f.status, f.code, f.retryAfter]);
      expect(Object.keys((await emu.admin.state()).customers)).to.deep.equal([]);
      const counters = await emu.admin.counters();
      expect(counters.faults[f.kind]).to.equal(1);
      const log = await emu.admin.requests();
      expect(log.at(-1)).to.deep.include({ method: "POST", route: C, status: f.status, scenario: f.kind, fault: f.kind });
    });
  }

  const dropped: { kind: string; commits: boolean }[] = [
    { kind: "reset", commits: false },
    { kind: "commit-then-drop", commits: true },
  ];
  for (const f of dropped) {
    it(`forced ${f.kind}: the connection is destroyed; the write is ${f.commits ? "" : "not "}applied`, async () => {
      const pid = await template(emu);
      await expect(api(emu, "POST", C, meetingsCustomer(pid, `dropped-${f.kind}`), { [SCENARIO]: f.kind })).to.be.rejectedWith(TypeError);
      const ids = Object.values((await emu.admin.state()).customers).map((c) => c.externalId);
      expect(ids).to.deep.equal(f.commits ? [`dropped-${f.kind}`] : []);
    });
  }

  it("forced commit-then-500: answers 500 but the customer exists (a retry gets 1301)", async () => {
    const pid = await template(emu);
    const r = await api(emu, "POST", C, meetingsCustomer(pid, "committed"), { [SCENARIO]: "commit-then-500" });
    expect([r.status, r.body.errors[0].errorCode]).to.deep.equal([500, 1500]);
    const retry = await api(emu, "POST", C, meetingsCustomer(pid, "committed"));
    expect([retry.status, retry.body.errors[0].errorCode]).to.deep.equal([409, 1301]);
  });

  it("forced hang: never answered until the client gives up; close() still ends", async () => {
    const hanging = await startEmulator({ rateLimit: false });
    const started = Date.now();
    await expect(
      fetch(`${hanging.url}${C}`, {
        headers: { Authorization: `Bearer ${hanging.token}`, [SCENARIO]: "hang" },
        signal: AbortSignal.timeout(300),
      }),
    ).to.be.rejected;
    expect(Date.now() - started).to.be.at.least(290);
    // a second hung request still open while closing
    const pending = fetch(`${hanging.url}${C}`, { headers: { Authorization: `Bearer ${hanging.token}`, [SCENARIO]: "hang" } }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await hanging.close();
    expect(Date.now() - t0).to.be.below(1000);
    expect(await pending).to.be.instanceOf(Error);
  });

  it("forced provisioned_with_errors on customer POST ends in that status with a package error", async () => {
    const pid = await template(emu);
    const r = await api(emu, "POST", C, meetingsCustomer(pid, "pwe"), { [SCENARIO]: "provisioned_with_errors" });
    expect(r.status).to.equal(202);
    const got = await api(emu, "GET", r.body.url);
    expect(got.body.status).to.equal("provisioned_with_errors");
    expect(got.body.resourceDetails.packages[0].errors).to.have.length(1);
  });

  it("an unknown scenario is refused with 1001 naming the header", async () => {
    const r = await api(emu, "GET", C, undefined, { [SCENARIO]: "explode" });
    expect([r.status, r.body.errors[0].errorCode]).to.deep.equal([400, 1001]);
    expect(r.body.errors[0].description).to.include("X-Emulator-Scenario");
  });

  it("the seeded injector: probability 1 faults every API request, never admin ones; same seed, same kinds", async () => {
    const run = async (): Promise<number[]> => {
      const faulty = await startEmulator({ rateLimit: false, faults: { probability: 1, kinds: ["500", "503"], seed: 3 } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push((await api(faulty, "GET", C)).status);
        const counters = await faulty.admin.counters();
        expect(counters.faultsInjected).to.equal(8);
        expect((counters.faults["500"] ?? 0) + (counters.faults["503"] ?? 0)).to.equal(8);
        return statuses;
      } finally {
        await faulty.close();
      }
    };
    const a = await run();
    expect(a.every((s) => s === 500 || s === 503)).to.equal(true);
    expect(new Set(a).size, "both kinds drawn").to.equal(2);
    expect(await run()).to.deep.equal(a);
  });

  it("probability 0.5 faults some requests and not others; disabled at runtime", async () => {
    await emu.admin.configure({ faults: { probability: 0.5, kinds: ["503"], seed: 11 } });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await api(emu, "GET", C)).status);
    await emu.admin.configure({ faults: false });
    expect(statuses.filter((s) => s === 503).length).to.be.within(8, 32);
    expect(statuses.filter((s) => s === 200).length).to.be.within(8, 32);
    expect((await api(emu, "GET", C)).status).to.equal(200);
  });
});
