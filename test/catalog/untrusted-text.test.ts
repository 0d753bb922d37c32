// Untrusted text in a catalog (issue 12): control characters refused on their path and line,
// lookalike keys refused (or accepted with a warning when the run allows them), every YAML loader
// failure turned into a located problem, and nothing the catalog holds printed raw.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { foldKey } from "../../catalog/keys";
import { CatalogError, loadCatalog, validateCatalog, type CatalogRules } from "../../catalog/load";
import { Redactor, Renderer } from "../../local/engine/renderer";
import { escapeControl, findControlCharacter } from "../../provider/text";

const rules: CatalogRules = {
  checkTemplate: async () => [],
  checkCustomer: async () => [],
  checkUser: async () => [],
  checkLocation: async () => [],
};

/** A valid catalog of two customers; `ids` and `emails` set the keys under test. */
function catalog(ids: [string, string], emails: [string, string] = ["u1@one.example", "u2@one.example"]): string {
  const customer = (externalId: string) => ({
    externalId,
    provisioningId: "P1",
    supportedLocationConfirmed: true,
    address: { line1: "1 rue", city: "Lyon", country: "FR" },
    packages: [{ name: "webex_meetings", quantity: 5 }],
  });
  const user = (email: string) => ({ email, customer: ids[0], firstName: "A", lastName: "B", package: "webex_meetings" });
  return stringify({ customers: ids.map(customer), users: emails.map(user) });
}

/** The 1-based line of `needle`'s first occurrence in `text`. */
function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  expect(i, needle).to.be.greaterThanOrEqual(0);
  return i + 1;
}

describe("catalog: control characters", () => {
  const controls: { name: string; ch: string }[] = [
    { name: "ESC (terminal escape codes)", ch: "\u001b" },
    { name: "CR", ch: "\r" },
    { name: "LF", ch: "\n" },
    { name: "DEL", ch: "\u007f" },
    { name: "C1 CSI", ch: "\u009b" },
    { name: "right-to-left override", ch: "\u202e" },
    { name: "NUL", ch: "\u0000" },
  ];
  for (const c of controls) {
    it(`refuses ${c.name} in a key value, naming its path and line`, async () => {
      const text = catalog(["acme", `evil${c.ch}[31m`]);
      const result = await validateCatalog(text, rules);
      expect(result.ok).to.equal(false);
      const issue = result.issues.find((i) => i.path === "customers[1].externalId");
      expect(issue, JSON.stringify(result.issues)).to.not.equal(undefined);
      expect(issue!.message).to.match(/control character U\+[0-9A-F]{4} at position 5/);
      // The key's own line: the second customer's `externalId:` (a line break may move the value below it).
      const keyLines = text.split("\n").flatMap((l, i) => (l.includes("externalId:") ? [i + 1] : []));
      expect(issue!.line).to.equal(keyLines[1]);
    });
  }

  it("refuses one in a nested value and in a map key, each on its own path", async () => {
    const text = catalog(["acme", "beta"]).replace("city: Lyon", 'city: "Ly\\x1bon"').replace("line1: 1 rue", '"line1\\x1b": 1 rue');
    const result = await validateCatalog(text, rules);
    const paths = result.issues.filter((i) => /control character/.test(i.message)).map((i) => i.path);
    expect(paths).to.include.members(["customers[0].address.city", "customers[0].address.line1\u001b"]);
  });

  it("prints the problem with the character escaped, never raw", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-ctl-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(file, catalog(["acme", "x\u001b[2J\r\n + webex:CustomerOrg forged created"]));
      const err = (await loadCatalog(file, rules).then(
        () => undefined,
        (e: unknown) => e,
      )) as CatalogError;
      expect(err).to.be.instanceOf(CatalogError);
      expect(findControlCharacter(err.message.replace(/\n/g, " "))).to.equal(undefined);
      expect(err.message).to.not.match(/\n \+ webex/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the local engine prints names and messages from programs and the API escaped", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-render-"));
    const printed: string[] = [];
    const renderer = new Renderer((l) => printed.push(l), join(dir, "log"), new Redactor(), false);
    try {
      renderer.stepFailed(undefined, "webex:index:CustomerOrg", "x\u001b[2J", "HTTP 400: bad\r + webex:index:CustomerOrg y created");
      renderer.planned("create", "webex:index:CustomerOrg", "acme\u202e");
    } finally {
      renderer.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(printed).to.deep.equal([
      " error: webex:index:CustomerOrg x\\x1b[2J: HTTP 400: bad\\r + webex:index:CustomerOrg y created",
      " +  webex:index:CustomerOrg acme\\u202e create",
    ]);
  });

  it("escapeControl shows every control character visibly and keeps other text", () => {
    expect(escapeControl("a\u001b[31mb\r\nc\u202ed\tüé")).to.equal("a\\x1b[31mb\\r\\nc\\u202ed\\tüé");
  });
});

describe("catalog: lookalike keys", () => {
  const pairs: { name: string; ids: [string, string] }[] = [
    { name: "case", ids: ["acme", "ACME"] },
    { name: "trailing space", ids: ["acme", "acme "] },
    { name: "Unicode normalisation (precomposed é against e + combining accent)", ids: ["caf\u00e9", "cafe\u0301"] },
  ];
  for (const p of pairs) {
    it(`refuses two customers that differ only by ${p.name}, naming both keys and lines`, async () => {
      const text = catalog(p.ids);
      const result = await validateCatalog(text, rules);
      expect(result.ok).to.equal(false);
      const issue = result.issues.find((i) => i.path === "customers[1].externalId");
      expect(issue, JSON.stringify(result.issues)).to.not.equal(undefined);
      const [first, second] = p.ids.map((id) => JSON.stringify(id));
      expect(issue!.message)
        .to.include(`${second} (line ${issue!.line})`)
        .and.include(`${first} of customers[0] (line ${lineOf(text, "externalId:")})`);
      expect(issue!.message).to.include("--allow-lookalikes");
    });
  }

  it("refuses user emails that differ by a trailing space (the same email in any case stays the unique-key rule's)", async () => {
    const spaced = await validateCatalog(catalog(["acme", "beta"], ["u@one.example", "u@one.example "]), rules);
    expect(spaced.issues.map((i) => i.message).join("\n")).to.match(
      /differ only by case, Unicode normalisation, invisible or look-alike characters, or surrounding spaces/,
    );
    const cased = await validateCatalog(catalog(["acme", "beta"], ["u@one.example", "U@one.example"]), rules);
    expect(cased.issues.map((i) => i.message)).to.have.length(1);
    expect(cased.issues[0]!.message).to.match(/already used/);
  });

  it("with allowLookalikes, accepts them and returns the same problem as a warning", async () => {
    const result = await validateCatalog(catalog(["acme", "ACME"]), rules, { allowLookalikes: true });
    expect(result.ok).to.equal(true);
    expect(result.warnings.map((w) => w.path)).to.deep.equal(["customers[1].externalId"]);
    const warned: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "catalog-look-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(file, catalog(["acme", "ACME"]));
      const loaded = await loadCatalog(file, rules, { allowLookalikes: true, warn: (t) => warned.push(t) });
      expect(loaded.customers).to.have.length(2);
      expect(warned.join("\n")).to.match(/lookalike keys are allowed[\s\S]*customers\[1\]\.externalId/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("distinct keys are not lookalikes", async () => {
    expect((await validateCatalog(catalog(["acme", "acme-2"]), rules)).ok).to.equal(true);
    expect(foldKey(" Caf\u0065\u0301 ")).to.equal(foldKey("caf\u00e9"));
  });
});

describe("catalog: every YAML loader failure is a located problem", () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "customers: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "",
  ].join("\n");
  const cases: { name: string; text: string; message: RegExp; line: number }[] = [
    { name: "an alias bomb (maxAliasCount)", text: bomb, message: /^YAML: Excessive alias count/, line: 2 },
    { name: "an alias without its anchor", text: "customers: []\nusers: *nobody\n", message: /^YAML: Unresolved alias.*nobody/, line: 2 },
    { name: "a duplicate key", text: "customers: []\nusers: []\nusers: []\n", message: /^YAML:.*unique/i, line: 3 },
    { name: "a syntax error", text: "customers: [\n  - a\n", message: /^YAML:/, line: 2 },
    { name: "several documents", text: "customers: []\n---\ncustomers: []\n", message: /^YAML:.*multiple documents/, line: 2 },
    {
      name: "a sequence item indented one space short",
      text: "customers:\n  - externalId: a\n   provisioningId: b\n",
      message: /^YAML:.*without - indicator/,
      line: 3,
    },
    {
      name: "a key dedented out of its map",
      text: "customers:\n  - externalId: a\n    provisioningId: b\n  users: []\n",
      message: /^YAML:.*same column/,
      line: 4,
    },
    { name: "a tab as indentation", text: "customers: []\nusers:\n  - email: a\n\tfirstName: b\n", message: /^YAML: Tabs/, line: 4 },
    {
      name: "an unterminated double-quoted string",
      text: 'customers:\n  - externalId: "abc\n    provisioningId: x\n',
      message: /^YAML: Missing closing "quote/,
      line: 4,
    },
    {
      name: "an unterminated single-quoted string",
      text: "customers:\n  - externalId: 'abc\n",
      message: /^YAML: Missing closing 'quote/,
      line: 3,
    },
    { name: "an unterminated flow list", text: "customers: [a, b\nusers: []\n", message: /^YAML: Flow sequence/, line: 2 },
    { name: "a NUL byte after a value", text: "customers: []\u0000\n", message: /^YAML:/, line: 1 },
    {
      name: "a tag the loader does not know (!foo)",
      text: "users: []\ncustomers: !foo []\n",
      message: /^YAML: Unresolved tag: !foo/,
      line: 2,
    },
    {
      name: "an unsupported %YAML version",
      text: "%YAML 1.3\n---\ncustomers: []\n",
      message: /^YAML: Unsupported YAML version 1\.3/,
      line: 1,
    },
    { name: "a list as a key", text: "customers: []\n? [a, b]\n: c\n", message: /^YAML: a key must be plain text/, line: 2 },
    {
      name: "nesting deeper than any catalog (40 levels)",
      text: "customers:\n" + Array.from({ length: 40 }, (_, i) => `${" ".repeat(2 * i + 2)}- `).join("\n") + "x\n",
      message: /^YAML: nested deeper than 32 levels/,
      line: 33,
    },
    {
      name: "nesting deep enough to overflow the parser's stack (20,000 levels)",
      text: "customers: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n",
      message: /^YAML:/,
      line: 1,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: a problem with a line, not an exception`, async () => {
      const result = await validateCatalog(c.text, rules);
      expect(result.ok).to.equal(false);
      expect(result.issues[0]!.message).to.match(c.message);
      expect(result.issues[0]!.line).to.equal(c.line);
    });
  }

  it("a catalog cut at any byte, or with any byte replaced by a tab, quote or bracket, is refused with lines or accepted, never thrown", async function () {
    this.timeout(120_000);
    const text = readFileSync(join(__dirname, "..", "..", "catalog", "customers.yaml"), "utf8");
    const variants: string[] = [];
    for (let cut = 0; cut < text.length; cut += 17) variants.push(text.slice(0, cut));
    for (let at = 3; at < text.length; at += 67)
      for (const ch of ["\t", '"', "'", "[", "{", ":", "&a ", "*a"]) variants.push(text.slice(0, at) + ch + text.slice(at + 1));
    const unlocated: string[] = [];
    for (const v of variants) {
      const result = await validateCatalog(v, rules);
      for (const issue of result.issues)
        if (issue.line === undefined) unlocated.push(`${JSON.stringify(v.slice(-40))} → ${issue.path}: ${issue.message}`);
    }
    expect([...new Set(unlocated)].slice(0, 10)).to.deep.equal([]);
  });

  it("loadCatalog turns an alias bomb into a CatalogError naming the line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-bomb-"));
    try {
      const file = join(dir, "bomb.yaml");
      writeFileSync(file, bomb);
      await expect(loadCatalog(file, rules)).to.be.rejectedWith(
        CatalogError,
        /\(file\) \(line 2, column \d+\): YAML: Excessive alias count/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
