/**
 * CustomerLocation through its operations, over real HTTP against the emulator: two sites of one
 * customer (a new one and the adopted headquarters) with numbers, a user on each, then the main
 * number moved, a number removed, a held number refused, destroy BLOCKED while a user remains and
 * done once the users are gone. Counts the requests each step sends.
 */
import { expect } from "chai";
import { startEmulator } from "../../../../local/emulator";
import { ClientCache, useClients } from "../../../../provider/resources/common/client-cache";
import * as loc from "../../../../provider/resources/customer-location/operations";
import * as org from "../../../../provider/resources/customer-org/operations";
import * as usr from "../../../../provider/resources/customer-user/operations";
import * as tpl from "../../../../provider/resources/onboarding-template/operations";
import { orgArgs, templateArgs } from "../check-fixtures";
import { captureProgress } from "../progress-capture";

type Ops = {
  check(owner: object, olds: Record<string, unknown>, news: Record<string, unknown>): { inputs?: unknown; failures?: unknown[] };
};

describe("CustomerLocation against the emulator (two sites, numbers, users)", function () {
  this.timeout(60_000);
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  const owner = {};
  const lines: string[] = [];
  const restore: Array<() => void> = [];

  before(async () => {
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 20 });
    useClients(owner, new ClientCache({ coldInitialDelayMs: 10 }));
    restore.push(captureProgress(lines));
    const values: Record<string, string> = { "webex:accessToken": emu.token, "webex:baseUrl": emu.url };
    for (const m of [tpl, org, usr, loc]) m.configure(owner, { config: { get: (k: string) => values[k] } } as never);
  });
  after(async () => {
    for (const r of restore) r();
    await emu.close();
  });

  const checked = (m: Ops, args: Record<string, unknown>, olds: Record<string, unknown> = {}) => {
    const r = m.check(owner, olds, args);
    expect(r.failures ?? []).to.deep.equal([]);
    return r.inputs as Record<string, unknown>;
  };
  /** Runs `step` and returns how many requests, and of them writes, it sent (admin calls are not counted). */
  const counted = async <T>(step: () => Promise<T>): Promise<{ value: T; requests: number; writes: number }> => {
    const before = await emu.admin.counters();
    const value = await step();
    const after = await emu.admin.counters();
    return { value, requests: after.total - before.total, writes: after.writes - before.writes };
  };

  it("runs the whole lifecycle", async () => {
    const template = await tpl.create(owner, checked(tpl, templateArgs()) as never);
    const customer = await org.create(owner, checked(org, { ...orgArgs(), provisioningId: template.outs!.provisioningId }) as never);
    const customerId = customer.id;
    const site = {
      customerId,
      name: "Denver",
      timeZone: "America/Denver",
      preferredLanguage: "en_US",
      announcementLanguage: "en_US",
      address: { address1: "1 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" },
      calling: {
        pstnConnectionId: "lgw-1",
        numbers: [{ number: "+13035550100" }, { number: "+13035550101" }, { number: "+13035550102" }],
        mainNumber: "+13035550100",
      },
    };
    const created = await counted(() => loc.create(owner, checked(loc, site) as never));
    const denver = created.value;
    expect(denver.outs!.mainNumber).to.equal("+13035550100");
    expect(denver.outs!.inventory!.map((n) => `${n.number}:${n.state}`)).to.have.members([
      "+13035550100:ACTIVE",
      "+13035550101:ACTIVE",
      "+13035550102:ACTIVE",
    ]);
    // The customer's org id (once per customer and process), the lookup by name, POST, enable calling, PUT + GET
    // connection, GET numbers, POST numbers, main number, GET numbers.
    expect({ requests: created.requests, writes: created.writes }).to.deep.equal({ requests: 10, writes: 5 });

    const hqSite = {
      ...site,
      name: "Headquarters",
      timeZone: "America/Los_Angeles",
      address: { address1: "1 Main St", city: "San Francisco", state: "CA", postalCode: "94105", country: "US" },
      calling: {
        pstnConnectionId: "ccp-partner",
        numbers: [{ number: "+14155550100" }, { number: "+14155550101" }],
        mainNumber: "+14155550100",
      },
    };
    const hq = await loc.create(owner, checked(loc, hqSite) as never);
    expect(hq.id, "the headquarters is adopted, not duplicated").to.equal(customer.outs!.headquartersLocationId);

    const user = (email: string, locationId: string, phoneNumber: string, extension: string) =>
      usr.create(
        owner,
        checked(usr, {
          customerId,
          email,
          firstName: "A",
          lastName: "B",
          package: "webex_calling",
          locationId,
          phoneNumber,
          extension,
        }) as never,
      );
    const ada = await user("ada@acme.example", denver.id, "+13035550101", "0101");
    const grace = await user("grace@acme.example", hq.id, "+14155550101", "0201");
    expect(ada.outs!.assignedLocationId).to.equal(denver.id);

    // The main number moves to +102 and +100 goes, in one update.
    const moved = {
      ...site,
      calling: { ...site.calling, numbers: [{ number: "+13035550101" }, { number: "+13035550102" }], mainNumber: "+13035550102" },
    };
    const updated = await loc.update(owner, denver.id, denver.outs!, checked(loc, moved, checked(loc, site)) as never);
    expect(updated.outs!.mainNumber).to.equal("+13035550102");
    expect(updated.outs!.inventory!.map((n) => n.number)).to.have.members(["+13035550101", "+13035550102"]);
    expect(updated.outs!.inventory!.find((n) => n.number === "+13035550101")!.owner).to.include({ type: "PEOPLE" });

    // Removing Ada's number: refused naming her, nothing removed.
    const heldGone = { ...site, calling: { ...site.calling, numbers: [{ number: "+13035550102" }], mainNumber: "+13035550102" } };
    const refused = await counted(() =>
      loc.update(owner, denver.id, updated.outs!, checked(loc, heldGone, checked(loc, moved)) as never).then(
        () => undefined,
        (e: Error) => e,
      ),
    );
    expect(refused.value?.message).to.match(/cannot remove numbers someone holds: \+13035550101 \(held by .*PEOPLE/);
    expect(refused.writes).to.equal(0);

    // Destroy while Ada remains: BLOCKED with the reason; after she goes, disabled, and a warning says the record stays.
    const blocked = await loc.remove(owner, denver.id, updated.outs!).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(blocked?.message).to.match(/BLOCKED \(1 user still placed there\)/);
    await usr.remove(owner, ada.id, ada.outs!);
    await usr.remove(owner, grace.id, grace.outs!);
    await loc.remove(owner, denver.id, updated.outs!);
    expect(lines.join("\n")).to.match(/CustomerLocation Denver: warning: Webex Calling disabled; the location record stays/);
    expect((await loc.read(owner, denver.id, updated.outs!)).props).to.deep.include({ inventory: [] });
    expect((await emu.admin.invariants()).ok).to.equal(true);
  });
});
