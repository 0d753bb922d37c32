// The catalog's locations (`customers[].locations`, users' `location:`/`number:`): every rule is
// refused at load with its path and YAML line, judged by the package's real rules (the
// CustomerLocation and CustomerUser checks run on each entry), and each has a passing twin.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateCatalog } from "../../catalog/load";
import { packageRules } from "../../catalog/package-rules";

const ROOT = join(__dirname, "..", "..");

/** A valid catalog: one calling customer with two sites and a user on each. */
const BASE = `templates:
  - name: t
    serviceProviderAdmin: ops@partner.example
    countryCode: US
    wholesaleSubscriptionId: Sub-1
    emailBrandName: Partner
customers:
  - externalId: acme
    template: t
    companyName: Acme
    adminEmail: ada@acme.example
    supportedLocationConfirmed: true
    address: { line1: 1 Main St, city: Springfield, stateOrProvince: IL, postalCode: "62701", country: US }
    packages:
      - name: webex_calling
    headquarters:
      timeZone: America/Chicago
    locations:
      - name: Denver
        timeZone: America/Denver
        preferredLanguage: en_US
        announcementLanguage: en_US
        address: { address1: 1600 Blake St, city: Denver, state: CO, postalCode: "80202", country: US }
        calling:
          pstnConnectionId: lgw-1
          numbers:
            - number: "+13035550100"
            - number: "+13035550101"
            - number: "+13035550109"
              state: INACTIVE
          mainNumber: "+13035550100"
      - name: Austin
        timeZone: America/Chicago
        preferredLanguage: en_US
        announcementLanguage: en_US
        address: { address1: 500 Congress Ave, city: Austin, state: TX, postalCode: "78701", country: US }
        calling:
          pstnConnectionId: lgw-1
          numbers:
            - number: "+15125550100"
            - number: "+15125550101"
          mainNumber: "+15125550100"
users:
  - email: ada@acme.example
    customer: acme
    firstName: Ada
    lastName: Lovelace
    package: webex_calling
    administrator: true
    location: Denver
    number: "+13035550101"
  - email: bob@acme.example
    customer: acme
    firstName: Bob
    lastName: Builder
    package: webex_calling
    location: Austin
    number: "+15125550101"
`;

/** Replaces exactly one occurrence (the test fails otherwise, so a case never silently tests BASE). */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `occurrences of ${JSON.stringify(from)}`).to.equal(1);
  return text.replace(from, to);
}

/** 1-based line of the one line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const lines = text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(lines, `lines holding ${JSON.stringify(needle)}`).to.have.length(1);
  return lines[0]!;
}

describe("catalog locations", () => {
  it("a customer with two sites and a user on each validates; the catalog keeps the locations", async () => {
    const result = await validateCatalog(BASE, packageRules());
    expect(result.issues).to.deep.equal([]);
    if (!result.ok) return;
    expect(result.catalog.customers[0]!.locations!.map((l) => l.name)).to.deep.equal(["Denver", "Austin"]);
    expect(result.catalog.users.map((u) => [u.location, u.number])).to.deep.equal([
      ["Denver", "+13035550101"],
      ["Austin", "+15125550101"],
    ]);
  });

  const cases: {
    name: string;
    text: string;
    path: string;
    message: RegExp;
    /** Unique text ending on the issue's line. */ line: string;
  }[] = [
    {
      name: "a user's number that is not one of its location's numbers",
      text: edit(BASE, '\n    number: "+15125550101"\n', '\n    number: "+15125550199"\n'),
      path: "users[1].number",
      message: /\+15125550199 is not one of location "Austin"'s numbers \(line \d+\) \(\+15125550100, \+15125550101\): add it/,
      line: '"+15125550199"',
    },
    {
      name: "a user's number held INACTIVE at its location",
      text: edit(BASE, '\n    number: "+15125550101"\n', '\n    number: "+13035550109"\n').replace("location: Austin", "location: Denver"),
      path: "users[1].number",
      message: /INACTIVE at location "Denver".*only take an ACTIVE number; set its `state: ACTIVE`/,
      line: '\n    number: "+13035550109"',
    },
    {
      name: "two users with the same number",
      text: edit(BASE, '\n    number: "+15125550101"\n', '\n    number: "+13035550101"\n').replace("location: Austin", "location: Denver"),
      path: "users[1].number",
      message: /already users\[0\]'s number \(line \d+\): a number has one user/,
      line: "Builder\n    package: webex_calling\n    location: Denver\n    number:",
    },
    {
      name: "a user naming a location its customer does not declare",
      text: edit(BASE, "location: Austin", "location: Boston"),
      path: "users[1].location",
      message: /declares no location named "Boston" \(its locations: "Denver", "Austin"\)/,
      line: "location: Boston",
    },
    {
      name: "a number without its location",
      text: edit(BASE, "    location: Austin\n", ""),
      path: "users[1].number",
      message: /say which location holds this number: add `location:`/,
      line: '\n    number: "+15125550101"',
    },
    {
      name: "both location and locationId",
      text: edit(BASE, "    location: Austin\n", "    location: Austin\n    locationId: abc\n"),
      path: "users[1].location",
      message: /give one of `location` .* and `locationId`/,
      line: "location: Austin",
    },
    {
      name: "both number and phoneNumber",
      text: edit(BASE, '    number: "+15125550101"\n', '    number: "+15125550101"\n    phoneNumber: "+15125550101"\n'),
      path: "users[1].number",
      message: /give one of `number` and `phoneNumber`/,
      line: '    number: "+15125550101"',
    },
    {
      name: "a number declared at two locations",
      text: edit(BASE, '            - number: "+15125550101"\n', '            - number: "+13035550100"\n'),
      path: "customers[0].locations[1].calling.numbers[1].number",
      message:
        /\+13035550100 is also declared at customers\[0\]\.locations\[0\]\.calling\.numbers\[0\]\.number \(line \d+\): a number belongs to one location/,
      line: '"+15125550100"\n            - number: "+13035550100"',
    },
    {
      name: "two locations of one customer named alike",
      text: edit(BASE, "- name: Austin", "- name: denver"),
      path: "customers[0].locations[1].name",
      message: /"denver" is already the name of customers\[0\]\.locations\[0\] \(line \d+\): location names are unique/,
      line: "- name: denver",
    },
    {
      name: "a main number that is not one of the location's numbers (the resource's own check)",
      text: edit(BASE, 'mainNumber: "+15125550100"', 'mainNumber: "+15125550177"'),
      path: "customers[0].locations[1].calling.mainNumber",
      message: /\+15125550177 is not one of calling\.numbers/,
      line: 'mainNumber: "+15125550177"',
    },
    {
      name: "numbers on a declared integrated PSTN (the resource's own check)",
      text: edit(
        BASE,
        '          pstnConnectionId: lgw-1\n          numbers:\n            - number: "+1512',
        '          pstnConnectionId: lgw-1\n          pstnConnectionType: CISCO_PSTN\n          numbers:\n            - number: "+1512',
      ),
      path: "customers[0].locations[1].calling.numbers",
      message: /CISCO_PSTN/,
      line: "CISCO_PSTN\n          numbers:",
    },
    {
      name: "a number that is not E.164 (the resource's own check)",
      text: edit(BASE, '            - number: "+15125550100"', '            - number: "5125550100"'),
      path: "customers[0].locations[1].calling.numbers[0].number",
      message: /E\.164/,
      line: '"5125550100"',
    },
    {
      name: "a typo in a location's field",
      text: edit(BASE, '          mainNumber: "+15125550100"', '          mainNumbr: "+15125550100"'),
      path: "customers[0].locations[1].calling.mainNumbr",
      message: /unknown field/,
      line: "mainNumbr",
    },
    {
      name: "a location's missing address field",
      text: edit(BASE, "city: Austin, state: TX, ", "city: Austin, "),
      path: "customers[0].locations[1].address.state",
      message: /required/,
      line: "address: { address1: 500 Congress",
    },
    {
      name: "calling at a location of a customer without a calling package",
      text: edit(BASE, "      - name: webex_calling\n", "      - name: webex_meetings\n")
        .replaceAll("package: webex_calling", "package: webex_meetings")
        .replace(/    location: \w+\n    number: "[^"]+"\n/g, ""),
      path: "customers[0].locations[0].calling",
      message: /holds no calling package \(its packages: webex_meetings\): add one/,
      line: 'city: Denver, state: CO, postalCode: "80202", country: US }\n        calling:',
    },
    {
      name: "removing a location that is still declared",
      text: `${BASE}remove:\n  locations: [acme/Austin]\n`,
      path: "remove.locations[0]",
      message: /"acme\/Austin" is still declared \(customers\[0\]\.locations\[1\]\): delete its entry, or drop it from remove:/,
      line: "locations: [acme/Austin]",
    },
    {
      name: "removing a declared location spelled differently",
      text: `${BASE}remove:\n  locations: [acme/AUSTIN]\n`,
      path: "remove.locations[0]",
      message: /"acme\/AUSTIN" is "acme\/Austin" .* spelled differently: removing it would disable calling/,
      line: "locations: [acme/AUSTIN]",
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}, with its path and line`, async () => {
      const result = await validateCatalog(c.text, packageRules());
      expect(result.ok).to.equal(false);
      const issue = result.issues.find((i) => i.path === c.path);
      expect(issue, JSON.stringify(result.issues, null, 1)).to.not.equal(undefined);
      expect(issue!.message).to.match(c.message);
      // The line where the (unique) needle ends.
      const first = c.text.indexOf(c.line);
      expect(first, "needle").to.be.greaterThan(-1);
      expect(c.text.indexOf(c.line, first + 1), "needle is unique").to.equal(-1);
      expect(issue!.line).to.equal(c.text.slice(0, first + c.line.length).split("\n").length);
    });
  }

  it("a user's `number` failing the user's own check is reported on `number`, not `phoneNumber`", async () => {
    const text = edit(BASE, '\n    number: "+15125550101"\n', '\n    number: "15125550101"\n');
    const result = await validateCatalog(text, packageRules());
    const paths = result.issues.map((i) => i.path);
    expect(paths).to.include("users[1].number");
    expect(paths).to.not.include("users[1].phoneNumber");
    expect(result.issues.find((i) => i.path === "users[1].number")!.line).to.equal(lineOf(text, '"15125550101"'));
  });

  it("the shipped catalog has a multi-site customer with numbers on both sites and a user on each", async () => {
    const result = await validateCatalog(readFileSync(join(ROOT, "catalog/customers.yaml"), "utf8"), packageRules());
    expect(result.issues).to.deep.equal([]);
    if (!result.ok) return;
    const multi = result.catalog.customers.filter(
      (c) => (c.locations ?? []).filter((l) => (l.calling?.numbers ?? []).length > 0).length >= 2,
    );
    expect(multi.map((c) => c.externalId)).to.deep.equal(["acme-corp-003"]);
    for (const site of multi[0]!.locations!) {
      const users = result.catalog.users.filter((u) => u.customer === "acme-corp-003" && u.location === site.name);
      expect(users, site.name).to.have.length(1);
      expect(site.calling!.numbers!.map((n) => n.number)).to.include(users[0]!.number);
    }
  });
});
