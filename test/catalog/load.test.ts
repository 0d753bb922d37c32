// The catalog loader on its own: YAML, structure, cross-entry rules, locations and the error it
// throws. The resources' checks are stood in for by small fakes with the same contract (a failure
// path as the user wrote it), so these tests judge the loader, not the resources.
import { expect } from "chai";
import * as fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  CatalogError,
  UNKNOWN,
  formatPath,
  loadCatalog,
  parsePath,
  validateCatalog,
  type CatalogRules,
  type CheckFailure,
} from "../../catalog/load";
import type { CatalogInput } from "../../catalog/schema";

/** A few rows of the package catalogue, enough for the cases below. */
const PACKAGES = {
  webex_meetings: { calling: false, limitable: true, adminRank: 3 },
  webex_calling: { calling: true, limitable: true, adminRank: 4 },
  webex_voice: { calling: true, limitable: true, adminRank: 1 },
  cisco_calling_plan: { calling: false, limitable: false },
};

/** Records what each fake check was given, to show references are passed as unknown. */
const seen: { kind: string; args: Record<string, unknown> }[] = [];

/** Fake checks: one rule each, reported with the resource's own path form. */
const rules: CatalogRules = {
  checkTemplate: async (args) => {
    seen.push({ kind: "template", args });
    return String(args.templateName).length > 80 ? [{ property: "templateName", reason: "at most 80 characters" }] : [];
  },
  checkCustomer: async (args) => {
    seen.push({ kind: "customer", args });
    const packages = (args.packages as { name: string; quantity?: number }[]) ?? [];
    const out: CheckFailure[] = [];
    packages.forEach((p, i) => {
      if (p.quantity !== undefined && p.quantity < 1)
        out.push({ property: `packages[${i}].quantity`, reason: "must be a whole number ≥ 1" });
    });
    if (String(args.address && (args.address as { country: string }).country).length !== 2) {
      out.push({ property: "address.country", reason: "an ISO 3166-1 alpha-2 code" });
    }
    return out;
  },
  checkUser: async (args) => {
    seen.push({ kind: "user", args });
    const calling = PACKAGES[args.package as keyof typeof PACKAGES]?.calling;
    return calling && args.extension === undefined && args.phoneNumber === undefined
      ? [{ property: "extension", reason: "a calling package needs a phoneNumber or an extension" }]
      : [];
  },
  checkLocation: async (args) => {
    seen.push({ kind: "location", args });
    const calling = args.calling as { numbers?: { number: string }[]; mainNumber?: string } | undefined;
    const numbers = calling?.numbers?.map((n) => n.number) ?? [];
    return calling?.mainNumber !== undefined && calling.numbers !== undefined && !numbers.includes(calling.mainNumber)
      ? [{ property: "calling.mainNumber", reason: "must be one of calling.numbers" }]
      : [];
  },
};

/** A valid catalog; each case changes one thing in a fresh copy. */
function base(): CatalogInput & Required<Pick<CatalogInput, "templates" | "customers" | "users">> {
  return {
    templates: [
      { name: "smb", serviceProviderAdmin: "ops@p.example", countryCode: "FR", wholesaleSubscriptionId: "S1", emailBrandName: "P" },
    ],
    customers: [
      {
        externalId: "c-1",
        template: "smb",
        companyName: "One",
        adminEmail: "admin@one.example",
        supportedLocationConfirmed: true,
        address: { line1: "1 rue", city: "Lyon", country: "FR" },
        packages: [{ name: "webex_meetings", quantity: 2 }],
      },
      {
        externalId: "c-2",
        template: "smb",
        companyName: "Two",
        adminEmail: "admin@two.example",
        supportedLocationConfirmed: true,
        address: { line1: "2 rue", city: "Paris", country: "FR" },
        packages: [{ name: "webex_calling" }, { name: "webex_meetings" }],
        headquarters: { timeZone: "Europe/Paris" },
      },
    ],
    users: [
      { email: "admin@one.example", customer: "c-1", firstName: "A", lastName: "One", package: "webex_meetings", administrator: true },
      {
        email: "admin@two.example",
        customer: "c-2",
        firstName: "A",
        lastName: "Two",
        package: "webex_calling",
        administrator: true,
        extension: "100",
      },
      { email: "bob@two.example", customer: "c-2", firstName: "Bob", lastName: "Two", package: "webex_meetings" },
    ],
  };
}

/** 1-based line of the only line of `text` containing `needle` (fails the test if not exactly one). */
function lineOf(text: string, needle: string, occurrence = 0): number {
  const lines = text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(lines.length, `"${needle}" in the YAML`).to.be.greaterThan(occurrence);
  return lines[occurrence]!;
}

type Case = {
  name: string;
  /** Changes the base catalog. */
  edit: (c: ReturnType<typeof base>) => void;
  /** Expected issues: path, a fragment of the message, and where the line is (a fragment of the YAML line). */
  expect: { path: string; message: RegExp; lineOf?: string; occurrence?: number }[];
};

const cases: Case[] = [
  {
    name: "a quantity the resource refuses is reported at the catalog path of the field",
    edit: (c) => {
      c.customers[0]!.packages[0]!.quantity = 0;
    },
    expect: [{ path: "customers[0].packages[0].quantity", message: /whole number/, lineOf: "quantity: 0" }],
  },
  {
    name: "a misspelt field is refused on the key itself",
    edit: (c) => {
      (c.customers[1]!.packages[0] as Record<string, unknown>).quantitiy = 3;
    },
    expect: [{ path: "customers[1].packages[0].quantitiy", message: /unknown field/, lineOf: "quantitiy:" }],
  },
  {
    name: "a missing required field is reported where its parent is",
    edit: (c) => {
      delete (c.users[2] as Record<string, unknown>).lastName;
    },
    expect: [{ path: "users[2].lastName", message: /required/, lineOf: "- email: bob@two.example" }],
  },
  {
    name: "supportedLocationConfirmed must be attested",
    edit: (c) => {
      (c.customers[1] as Record<string, unknown>).supportedLocationConfirmed = false;
    },
    expect: [
      {
        path: "customers[1].supportedLocationConfirmed",
        message: /location Webex Wholesale supports/,
        lineOf: "supportedLocationConfirmed: false",
      },
    ],
  },
  {
    name: "a customer naming a template that does not exist",
    edit: (c) => {
      c.customers[1]!.template = "enterprise";
    },
    expect: [{ path: "customers[1].template", message: /no template named "enterprise".*smb/, lineOf: "template: enterprise" }],
  },
  {
    name: "a customer with both a template and a provisioningId",
    edit: (c) => {
      c.customers[0]!.provisioningId = "prov-123";
    },
    expect: [{ path: "customers[0].template", message: /exactly one of template .* and provisioningId/, lineOf: "template: smb" }],
  },
  {
    name: "a customer with neither a template nor a provisioningId",
    edit: (c) => {
      delete c.customers[1]!.template;
    },
    expect: [{ path: "customers[1].template", message: /exactly one of template/, lineOf: "- externalId: c-2" }],
  },
  {
    name: "a user naming a customer that does not exist",
    edit: (c) => {
      c.users[2]!.customer = "c-9";
    },
    expect: [{ path: "users[2].customer", message: /no customer with externalId "c-9"/, lineOf: "customer: c-9" }],
  },
  {
    name: "duplicate externalIds",
    edit: (c) => {
      c.customers[1]!.externalId = "c-1";
      c.users.splice(1, 2);
    },
    expect: [{ path: "customers[1].externalId", message: /already used by customers\[0\]/, lineOf: "externalId: c-1", occurrence: 1 }],
  },
  {
    name: "emails differing only in case are the same user to the API",
    edit: (c) => {
      c.users.push({ ...c.users[2]!, email: "BOB@two.example" });
    },
    expect: [{ path: "users[3].email", message: /already used by users\[2\]/, lineOf: "email: BOB@two.example" }],
  },
  {
    name: "a user's package must be one of the customer's",
    edit: (c) => {
      c.users[2]!.package = "webex_voice";
      c.users[2]!.extension = "200";
    },
    expect: [{ path: "users[2].package", message: /no package "webex_voice"/, lineOf: "package: webex_voice" }],
  },
  {
    name: "the customer's adminEmail must be declared an administrator",
    edit: (c) => {
      delete c.users[0]!.administrator;
    },
    expect: [{ path: "users[0].administrator", message: /set administrator: true/, lineOf: "- email: admin@one.example" }],
  },
  {
    name: "an administrator holds the customer's admin package (the highest ranked)",
    edit: (c) => {
      c.users[2]!.administrator = true;
    },
    expect: [{ path: "users[2].package", message: /admin package "webex_calling"/, lineOf: "package: webex_meetings", occurrence: 1 }],
  },
  {
    name: "more users of a package than its quantity",
    edit: (c) => {
      c.users.push(
        { email: "x@one.example", customer: "c-1", firstName: "X", lastName: "Y", package: "webex_meetings" },
        { email: "y@one.example", customer: "c-1", firstName: "X", lastName: "Y", package: "webex_meetings" },
      );
    },
    expect: [{ path: "customers[0].packages[0].quantity", message: /3 users .* quantity is 2/, lineOf: "quantity: 2" }],
  },
  {
    name: "a defaulted templateName is reported on the template's name",
    edit: (c) => {
      c.templates[0]!.name = "t".repeat(81);
      c.customers.forEach((x) => (x.template = "t".repeat(81)));
    },
    expect: [{ path: "templates[0].name", message: /80 characters/, lineOf: "name: ttt" }],
  },
  {
    name: "a user check failure keeps the user's path",
    edit: (c) => {
      delete c.users[1]!.extension;
    },
    expect: [{ path: "users[1].extension", message: /phoneNumber or an extension/, lineOf: "- email: admin@two.example" }],
  },
];

describe("catalog loader", () => {
  beforeEach(() => {
    seen.length = 0;
  });

  it("accepts a valid catalog and returns it with every list present", async () => {
    const result = await validateCatalog(stringify({ customers: [], users: [] }), rules);
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.catalog.templates).to.deep.equal([]);
    const full = await validateCatalog(stringify(base()), rules);
    expect(full.issues).to.deep.equal([]);
    if (full.ok) expect(full.catalog.users.map((u) => u.email)).to.deep.equal(base().users.map((u) => u.email));
  });

  it("passes references to the resources' checks as unknown, and catalog-only fields not at all", async () => {
    await validateCatalog(stringify(base()), rules);
    const customer = seen.find((s) => s.kind === "customer")!;
    expect(customer.args.provisioningId).to.equal(UNKNOWN);
    const partnerHub = base();
    delete partnerHub.customers[0]!.template;
    partnerHub.customers[0]!.provisioningId = "prov-from-partner-hub";
    seen.length = 0;
    expect((await validateCatalog(stringify(partnerHub), rules)).issues).to.deep.equal([]);
    expect(seen.find((x) => x.kind === "customer")!.args.provisioningId).to.equal("prov-from-partner-hub");
    expect(customer.args).not.to.have.property("template");
    const user = seen.find((s) => s.kind === "user")!;
    expect(user.args.customerId).to.equal(UNKNOWN);
    expect(user.args).not.to.have.property("customer");
    const template = seen.find((s) => s.kind === "template")!;
    expect(template.args).to.include({ templateName: "smb" }).and.not.have.property("name");
  });

  for (const c of cases) {
    it(c.name, async () => {
      const catalog = base();
      c.edit(catalog);
      const text = stringify(catalog);
      const result = await validateCatalog(text, rules);
      expect(result.ok).to.equal(false);
      expect(result.issues.map((i) => i.path)).to.deep.equal(c.expect.map((e) => e.path));
      c.expect.forEach((e, k) => {
        const issue = result.issues[k]!;
        expect(issue.message).to.match(e.message);
        if (e.lineOf) expect(issue.line, `line of ${e.path}`).to.equal(lineOf(text, e.lineOf, e.occurrence));
      });
    });
  }

  it("reports every problem of a file at once, in file order", async () => {
    // Cases that touch different entries, so each one's issue must survive the others.
    const independent = [
      "quantity the resource refuses",
      "misspelt field",
      "missing required field",
      "template that does not exist",
      "adminEmail must be declared",
    ];
    const chosen = cases.filter((c) => independent.some((n) => c.name.includes(n)));
    expect(chosen).to.have.length(independent.length);
    const catalog = base();
    for (const c of chosen) c.edit(catalog);
    const text = stringify(catalog);
    const result = await validateCatalog(text, rules);
    expect(result.ok).to.equal(false);
    expect(result.issues.map((i) => i.path)).to.have.members(chosen.flatMap((c) => c.expect.map((e) => e.path)));
    const lines = result.issues.map((i) => i.line ?? 0);
    expect(lines).to.deep.equal([...lines].sort((a, b) => a - b));
  });

  const fileCases: { name: string; text: string; message: RegExp; line?: number }[] = [
    { name: "YAML syntax error", text: "customers:\n  - externalId: a\n  bad\n    - x: y\n", message: /^YAML:/, line: 3 },
    { name: "duplicate key", text: "customers: []\ncustomers: []\n", message: /^YAML:.*[Uu]nique|^YAML:.*duplicate/i, line: 2 },
    { name: "empty file (would delete every customer)", text: "# nothing\n", message: /empty.*customers: \[\]/, line: 1 },
    { name: "a list that is not a list", text: "customers: acme\n", message: /expected array/i, line: 1 },
    {
      name: "no customers list (a bad merge must not delete every customer)",
      text: "templates: []\nusers: []\n",
      message: /required: list the customers .*customers: \[\]/,
      line: 1,
    },
  ];
  for (const c of fileCases) {
    it(`refuses a broken file: ${c.name}`, async () => {
      const result = await validateCatalog(c.text, rules);
      expect(result.ok).to.equal(false);
      expect(result.issues).to.have.length.greaterThanOrEqual(1);
      expect(result.issues[0]!.message).to.match(c.message);
      expect(result.issues[0]!.line).to.equal(c.line);
    });
  }

  it("reports a check that throws on the entry instead of crashing", async () => {
    const broken: CatalogRules = {
      ...rules,
      checkUser: async () => {
        throw new Error("boom");
      },
    };
    const result = await validateCatalog(stringify(base()), broken);
    expect(result.issues.map((i) => i.path)).to.deep.equal(["users[0]", "users[1]", "users[2]"]);
    expect(result.issues[0]!.message).to.match(/could not be checked: boom/);
  });
});

describe("loadCatalog", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "catalog-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("throws a CatalogError whose message lists every path and says nothing was sent", async () => {
    const catalog = base();
    cases[0]!.edit(catalog);
    cases[4]!.edit(catalog);
    const file = join(dir, "bad.yaml");
    writeFileSync(file, stringify(catalog));
    const err = await loadCatalog(file, rules).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CatalogError);
    const e = err as CatalogError;
    expect(e.issues.map((i) => i.path)).to.have.members(["customers[0].packages[0].quantity", "customers[1].template"]);
    for (const i of e.issues) expect(e.message).to.contain(`${i.path} (line ${i.line}, column ${i.column})`);
    expect(e.message).to.match(/2 problems; nothing was declared, so nothing was sent to the API/);
  });

  it("names a missing file", async () => {
    const file = join(dir, "absent.yaml");
    await expect(loadCatalog(file, rules)).to.be.rejectedWith(CatalogError, /absent\.yaml.*file not found/s);
  });

  it("returns the validated catalog", async () => {
    const file = join(dir, "good.yaml");
    writeFileSync(file, stringify(base()));
    const catalog = await loadCatalog(file, rules);
    expect(catalog.customers.map((c) => c.externalId)).to.deep.equal(["c-1", "c-2"]);
  });
});

describe("catalog paths", () => {
  it("formatPath and parsePath are inverse for any path", () => {
    const segment = fc.oneof(fc.nat({ max: 999 }), fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/), fc.array(segment, { maxLength: 6 }), (head, rest) => {
        const path = [head, ...rest];
        expect(parsePath(formatPath(path))).to.deep.equal(path);
      }),
    );
  });
});
