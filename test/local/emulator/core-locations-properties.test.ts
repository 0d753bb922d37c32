// Property test of the Locations, PSTN and numbers routes: whatever sequence of calls a client
// makes (locations with clashing names, PSTN changes, numbers added/activated/removed, main
// numbers, users taking numbers, disable jobs, time passing), every answer has a documented
// status and shape, and the org's telephony stays consistent.
import { expect } from "chai";
import fc from "fast-check";
import { checkInvariants } from "../../../local/emulator/core/invariants";
import { customerLocation, locationsOfCustomer } from "../../../local/emulator/core/locations";
import { tally, World } from "./world";

const TC = "/v1/telephony/config";
const enc = encodeURIComponent;
const NAMES = ["Site A", "Site B", "site a"];
const NUMBERS = ["+14155550101", "+14155550102", "+14155550103", "+447700900001"];
const OPTIONS = ["lgw-1", "ccp-partner", "ccp-integrated"];
const EMAILS = ["a@acme.example", "b@acme.example", "c@acme.example"];

type Op =
  | { op: "create"; name: number }
  | { op: "enable"; loc: number }
  | { op: "pstn"; loc: number; option: number }
  | { op: "add"; loc: number; nums: number[]; active: boolean; mobile: boolean }
  | { op: "activate"; loc: number; nums: number[] }
  | { op: "remove"; loc: number; nums: number[] }
  | { op: "main"; loc: number; num: number }
  | { op: "user"; loc: number; num: number | undefined; email: number }
  | { op: "deleteUser"; which: number }
  | { op: "disable"; loc: number; force: boolean }
  | { op: "tick"; ms: number };

const loc = fc.nat(3);
const nums = fc.uniqueArray(fc.nat(NUMBERS.length - 1), { minLength: 1, maxLength: 3 });
const one = fc.nat(NUMBERS.length - 1).map((n) => [n]);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), name: fc.nat(NAMES.length - 1) }),
  fc.record({ op: fc.constant("enable" as const), loc }),
  fc.record({ op: fc.constant("pstn" as const), loc, option: fc.nat(OPTIONS.length - 1) }),
  { arbitrary: fc.record({ op: fc.constant("add" as const), loc, nums, active: fc.boolean(), mobile: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("activate" as const), loc, nums: one }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("remove" as const), loc, nums: one }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("main" as const), loc, num: fc.nat(NUMBERS.length - 1) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("user" as const),
      loc,
      num: fc.option(fc.nat(NUMBERS.length - 1), { nil: undefined }),
      email: fc.nat(EMAILS.length - 1),
    }),
    weight: 3,
  },
  fc.record({ op: fc.constant("deleteUser" as const), which: fc.nat(3) }),
  fc.record({ op: fc.constant("disable" as const), loc, force: fc.boolean() }),
  { arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 400 }) }), weight: 2 },
);

const DOCUMENTED = new Set([200, 201, 202, 204, 400, 404, 409]);
const successes: Record<string, number> = {};

/** The telephony invariants of one customer's org at `now`; a description of each break. */
function broken(w: World, customerId: string): string[] {
  const customer = w.state.customers[customerId];
  if (customer === undefined) return ["customer gone"];
  const out: string[] = [];
  const locations = locationsOfCustomer(w.state, customer, w.now);
  const names = locations.map((l) => l.name.toLowerCase());
  if (new Set(names).size !== names.length) out.push(`duplicate names ${names.join(",")}`);
  const seen = new Set<string>();
  for (const l of locations) {
    for (const n of l.numbers) {
      if (seen.has(n.phoneNumber)) out.push(`${n.phoneNumber} in two inventories`);
      seen.add(n.phoneNumber);
    }
    if (l.mainNumber !== undefined && !l.numbers.some((n) => n.phoneNumber === l.mainNumber))
      out.push(`main ${l.mainNumber} not at ${l.name}`);
    if (l.numbers.length > 0 && (!l.calling || l.pstn === undefined)) out.push(`numbers at ${l.name} without calling or PSTN`);
  }
  for (const s of Object.values(w.state.subscribers)) {
    if (s.locationId === undefined || s.locationId === customer.headquarters?.id) continue;
    const at = customerLocation(w.state, customer, s.locationId, w.now);
    if (at === undefined) out.push(`user ${s.email} at an unknown location`);
    else if (s.primaryPhoneNumber !== undefined && !at.numbers.some((n) => n.phoneNumber === s.primaryPhoneNumber)) {
      out.push(`user ${s.email}'s ${s.primaryPhoneNumber} is not in ${at.name}'s inventory`);
    }
  }
  return out;
}

function apply(w: World, customerId: string, orgId: string, o: Op): void {
  const customer = w.state.customers[customerId];
  const ids = customer === undefined ? [] : locationsOfCustomer(w.state, customer, w.now).map((l) => l.id);
  const pick = (i: number): string => ids[i % Math.max(1, ids.length)] ?? "none";
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, body, { query: `orgId=${enc(orgId)}` });
  const numbersPath = (i: number) => `${TC}/locations/${enc(pick(i))}/numbers`;
  const some = (list: number[]) => list.map((i) => NUMBERS[i] ?? "");
  let r;
  switch (o.op) {
    case "create":
      r = call("POST", "/v1/locations", {
        name: NAMES[o.name],
        timeZone: "America/Chicago",
        preferredLanguage: "en_us",
        announcementLanguage: "en_us",
        address: { address1: "1 Way", city: "Austin", state: "TX", postalCode: "73301", country: "US" },
      });
      break;
    case "enable":
      r = call("POST", `${TC}/locations`, { id: pick(o.loc) });
      break;
    case "pstn":
      r = call("PUT", `/v1/telephony/pstn/locations/${enc(pick(o.loc))}/connection`, { id: OPTIONS[o.option] });
      break;
    case "add":
      r = call("POST", numbersPath(o.loc), {
        phoneNumbers: some(o.nums),
        ...(o.active ? { state: "ACTIVE" } : {}),
        ...(o.mobile ? { numberType: "MOBILE" } : {}),
      });
      break;
    case "activate":
      r = call("PUT", numbersPath(o.loc), { phoneNumbers: some(o.nums) });
      break;
    case "remove":
      r = call("DELETE", numbersPath(o.loc), { phoneNumbers: some(o.nums) });
      break;
    case "main":
      r = call("PUT", `${TC}/locations/${enc(pick(o.loc))}`, { callingLineId: { phoneNumber: NUMBERS[o.num] } });
      break;
    case "user":
      r = w.call("POST", "/v1/wholesale/subscribers", {
        customerId,
        email: EMAILS[o.email],
        packages: ["webex_calling"],
        provisioningParameters: {
          locationId: pick(o.loc),
          ...(o.num !== undefined ? { primaryPhoneNumber: NUMBERS[o.num] } : { extension: `20${o.email}` }),
        },
      });
      break;
    case "deleteUser": {
      const subs = Object.keys(w.state.subscribers);
      r = w.call("DELETE", w.path("subscribers", subs[o.which % Math.max(1, subs.length)] ?? "none"));
      break;
    }
    case "disable":
      r = call("POST", `${TC}/jobs/locations/deleteCallingLocation`, {
        locationId: pick(o.loc),
        ...(o.force ? { forceDelete: true } : {}),
      });
      break;
    case "tick":
      w.now += o.ms;
      return;
  }
  tally(r, o.op, DOCUMENTED, successes);
}

describe("emulator core: locations properties", () => {
  it("no sequence of location, number and user calls breaks the org's telephony; every answer is documented", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 50, size: "medium" }), (ops) => {
        const w = new World();
        w.delayMs = 300;
        const customerId = w.customer(w.template()["provisioningId"] ?? "");
        const orgId = w.state.customers[customerId]?.orgId ?? "";
        for (const o of ops) {
          apply(w, customerId, orgId, o);
          const report = checkInvariants(w.state);
          const problems = [...broken(w, customerId), ...(report.ok ? [] : [JSON.stringify(report)])];
          if (problems.length > 0) throw new Error(`after ${JSON.stringify(o)}: ${problems.join("; ")}`);
        }
      }),
      { numRuns: 300, seed: 20261207 },
    );
    // proof the generator reaches the interesting states
    for (const op of ["create", "enable", "pstn", "add", "activate", "remove", "main", "user", "deleteUser", "disable"]) {
      expect(successes[op] ?? 0, `successful ${op} calls`).to.be.at.least(5);
    }
  });
});
