/**
 * Reads and validates a catalog file, all at once, before anything is declared.
 *
 * Validation runs in three layers and reports every problem of every layer in one error, each
 * with its YAML path and line, so a reviewer fixes a pull request in one pass:
 *  1. YAML syntax (the `yaml` package, duplicate keys refused; an alias bomb or an unresolved alias
 *     is a problem on its line too, never an exception), then control characters in any key or value
 *     (catalog text is printed on terminals and in logs: an escape code or a line break there is an
 *     attack or an accident, never data);
 *  2. the catalog's structure (`schema.ts`, zod), unknown fields included (typos such as
 *     `quantitiy` would otherwise be silently ignored);
 *  3. each entry's own rules, judged by the resource's own `check` (the same code `pulumi preview`
 *     runs), plus the rules that need two entries at once (references, unique keys, administrators,
 *     licences for users, keys that print alike or hold look-alike characters (`keys.ts`), aliases
 *     naming another entry, `remove:` naming a declared key spelled differently).
 * A catalog with problems throws {@link CatalogError} and declares nothing, so nothing reaches the
 * API: an `up` on a half-valid catalog would otherwise create the valid half.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import type { dynamic } from "@pulumi/pulumi";
import { controlCharacterReason, escapeControl } from "pulumi-webex-wholesale";
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Node as YamlNode } from "yaml";
import type { z } from "zod";
// Not part of the package's public surface, so imported from its source: the one definition of a
// customer's admin package, which the provider's own rules use too.
import { adminPackageOf } from "../provider/packages";
import { foldKey, lookalikeReason, showKey } from "./keys";
import { locationChecks, locationRemovalChecks, locationsOf } from "./locations";
import { CATALOG_ONLY_FIELDS, CatalogSchema, type Catalog, type CatalogCustomer, type CatalogIssue, type CatalogUser } from "./schema";

/** Pulumi's unknown-value sentinel: a resource's `check` skips validating it (resources.md, "Unknowns"). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One failure returned by a resource's `check`, as Pulumi defines it. */
export type CheckFailure = dynamic.CheckFailure;

/** A resource's `check`, reduced to what the loader calls: validate one entry's arguments. */
export type EntryCheck = (args: Record<string, unknown>) => Promise<readonly CheckFailure[]>;

/**
 * The rules the loader borrows from the resources package. Injected so the catalog's own logic
 * is testable on its own; `package-rules.ts` builds the real ones.
 */
export type CatalogRules = {
  /** `OnboardingTemplate`'s check. */
  readonly checkTemplate: EntryCheck;
  /** `CustomerOrg`'s check. */
  readonly checkCustomer: EntryCheck;
  /** `CustomerUser`'s check. */
  readonly checkUser: EntryCheck;
  /** `CustomerLocation`'s check (a customer's `locations`). */
  readonly checkLocation: EntryCheck;
};

/**
 * Thrown when a catalog has problems. The message lists every issue (path, line, reason) and says
 * nothing was declared; `issues` holds the same, structured, for tools and tests.
 */
export class CatalogError extends Error {
  /** Every problem found, in file order. */
  readonly issues: readonly CatalogIssue[];
  /** The catalog file, as given. */
  readonly file: string;

  constructor(file: string, issues: readonly CatalogIssue[]) {
    super(formatIssues(displayPath(file), issues));
    this.name = "CatalogError";
    this.file = file;
    this.issues = issues;
  }
}

/** A file as a person would type it from here: relative when below the working directory. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** Renders issues the way the error message shows them: one line each, file order. */
export function formatIssues(file: string, issues: readonly CatalogIssue[]): string {
  const lines = issues.map((i) => {
    const where = i.line === undefined ? "" : ` (line ${i.line}, column ${i.column ?? 1})`;
    // Paths and messages quote the catalog's own text: shown escaped, never raw.
    // A path holds the catalog's field names: a look-alike one (`us\u0435rs`) is shown escaped too.
    return `  - ${showKey(escapeControl(i.path || "(file)"))}${where}: ${escapeControl(i.message)}`;
  });
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return `catalog ${escapeControl(file)}: ${count}; nothing was declared, so nothing was sent to the API.\n` + `${lines.join("\n")}`;
}

/** A path as segments: property names and list indexes. */
type Path = readonly (string | number)[];

/** `["customers", 2, "packages", 0, "quantity"]` → `customers[2].packages[0].quantity`. */
export function formatPath(path: Path): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** `packages[1].quantity` → `["packages", 1, "quantity"]`; a non-numeric index stays a string. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2]!) ? Number(m[2]) : m[2]!);
  }
  return out;
}

/**
 * Finds where a path points in the YAML document. For a map entry the key's position is used
 * (where a person looks); for a missing field the closest existing parent's position. A non-numeric
 * list index (`packages[webex_calling]`, as the resources' diff writes them) matches the item whose
 * `name` is that value.
 */
function locate(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: Path): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let at: YamlNode | undefined = (doc.contents as YamlNode | null) ?? undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      at = (pair.key as YamlNode) ?? at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = typeof seg === "number" ? node.items[seg] : node.items.find((it) => isMap(it) && String(it.get("name")) === seg);
      if (!item) break;
      at = item as YamlNode;
      node = item;
    } else break;
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/**
 * Result of {@link validateCatalog}: the catalog when there are no issues. `warnings` are problems
 * the run chose to accept (lookalike keys under `--allow-lookalikes`), to print, not to refuse.
 */
export type CatalogResult =
  | { readonly ok: true; readonly catalog: Catalog; readonly issues: readonly []; readonly warnings: readonly CatalogIssue[] }
  | { readonly ok: false; readonly issues: readonly CatalogIssue[]; readonly warnings: readonly CatalogIssue[] };

/** What a run may accept that a catalog would otherwise be refused for. */
export type ValidateOptions = {
  /**
   * Keys that print alike (case, Unicode normalisation, invisible or look-alike characters, spaces) or
   * hold look-alike characters: warn instead of refusing. Aliases and `remove:` entries that name
   * another entry stay refused.
   */
  readonly allowLookalikes?: boolean;
};

/** {@link loadCatalog}'s options: what a run accepts, and where its warnings go. */
export type LoadOptions = ValidateOptions & {
  /** Receives the accepted problems, formatted like the error's list; unset: not shown. */
  readonly warn?: (text: string) => void;
};

/** The environment variable that accepts lookalike keys for one run (`npm start -- up --allow-lookalikes` sets it). */
export const ALLOW_LOOKALIKES_ENV = "WEBEX_CATALOG_ALLOW_LOOKALIKES";

/**
 * How deep a catalog may nest. The deepest catalog field is six levels down
 * (`customers[0].packages[0].quantity`); anything far deeper is a mistake or an attack, and
 * judging it would recurse past the stack.
 */
export const MAX_NESTING = 32;

/**
 * Shapes the loader cannot judge, found before any recursive step: nesting deeper than
 * {@link MAX_NESTING} and keys that are lists or maps (`? [a, b]`), which no catalog field has and
 * which the YAML library would turn into text with a warning on stderr. Iterative, so a deep
 * document cannot overflow the stack here.
 */
function shapeProblems(doc: ReturnType<typeof parseDocument>): { message: string; offset?: number }[] {
  const out: { message: string; offset?: number }[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_NESTING) {
      out.push({ message: `YAML: nested deeper than ${MAX_NESTING} levels; a catalog needs at most 6`, offset: node.range?.[0] });
      break;
    }
    for (const item of node.items) {
      if (isMap(node)) {
        const pair = item as { key: unknown; value: unknown };
        if (isMap(pair.key) || isSeq(pair.key)) {
          out.push({ message: "YAML: a key must be plain text, not a list or a map", offset: pair.key.range?.[0] });
        }
        stack.push({ node: pair.value, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return out;
}

/**
 * The YAML parse, with every loader failure as issues on their lines, never an exception: syntax
 * errors (bad indentation, tabs, unterminated strings, duplicate keys, several documents), what the
 * library only warns about (an unresolved tag such as `!foo`, an unsupported `%YAML` version: the
 * file would not mean what its author wrote), shapes no catalog has ({@link shapeProblems}), and
 * alias failures (an alias bomb, an alias without its anchor).
 */
function parseYaml(text: string): { doc: ReturnType<typeof parseDocument>; lc: LineCounter; data?: unknown; issues: CatalogIssue[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const pos = lc.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    // Structure cannot be judged on a document that did not parse; syntax first.
    const issues = problems
      .map((e) => ({ path: "", message: `YAML: ${e.message.split("\n")[0]}`, ...at(e.pos[0]) }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { doc, lc, issues };
  }
  const shapes = shapeProblems(doc);
  if (shapes.length > 0) return { doc, lc, issues: shapes.map((p) => ({ path: "", message: p.message, ...at(p.offset) })) };
  try {
    return { doc, lc, data: doc.toJS({ maxAliasCount: 100 }), issues: [] };
  } catch (e) {
    // Resolving aliases is where the loader throws (too many: an alias bomb; an alias without its
    // anchor): the problem is at an alias, the one it names when it names one.
    const message = (e as Error).message;
    let offset: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (offset === undefined || message.endsWith(`: ${node.source}`)) offset = node.range?.[0];
        if (message.endsWith(`: ${node.source}`)) return visit.BREAK;
      },
    });
    return { doc, lc, issues: [{ path: "", message: `YAML: ${message.split("\n")[0]}`, ...at(offset) }] };
  }
}

/** Every key and string value holding a control character, by path (aliases were checked at their anchor). */
function controlCharacterChecks(doc: ReturnType<typeof parseDocument>): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const walk = (node: unknown, path: Path) => {
    if (isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const reason = controlCharacterReason(key);
        if (reason) out.push({ path: [...path, key], message: `the key ${reason}` });
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === "string") {
      const reason = controlCharacterReason(node.value);
      if (reason) out.push({ path, message: reason });
    }
  };
  walk(doc.contents, []);
  return out;
}

/**
 * Validates catalog text. Never throws on bad input: returns every issue, located by path and
 * line, in file order.
 */
export async function validateCatalog(text: string, rules: CatalogRules, options: ValidateOptions = {}): Promise<CatalogResult> {
  const { doc, lc, data, issues: yamlIssues } = parseYaml(text);
  if (yamlIssues.length > 0) return { ok: false, issues: yamlIssues, warnings: [] };
  if (data === null || data === undefined) {
    // An emptied file would otherwise mean "delete every customer" on the next up.
    return {
      ok: false,
      warnings: [],
      issues: [
        {
          path: "",
          message: "the catalog is empty; write `customers: []` to remove every customer on purpose, or run destroy",
          line: 1,
        },
      ],
    };
  }

  const found: { path: Path; message: string }[] = controlCharacterChecks(doc);
  const parsed = CatalogSchema.safeParse(data);
  if (!parsed.success) found.push(...zodIssues(parsed.error.issues));

  // Entry-level and cross-entry rules run on the raw entries that are at least objects, so one
  // bad field does not hide the other problems of the file.
  const raw = (isRecord(data) ? data : {}) as Record<string, unknown>;
  const lists = {
    templates: asList(raw.templates),
    customers: asList(raw.customers),
    users: asList(raw.users),
  };
  const zodPaths = new Set(found.map((f) => formatPath(f.path)));
  const fromChecks = await entryChecks(lists, rules);
  const where = (path: Path) => locate(doc, lc, path)?.line;
  const lookalikes = lookalikeChecks(lists, where);
  const fromCross = [
    ...crossChecks(lists),
    ...aliasChecks(lists),
    ...removalChecks(lists, raw.remove),
    ...locationChecks(lists.customers, lists.users, where),
    ...locationRemovalChecks(lists.customers, raw.remove),
    ...(options.allowLookalikes ? [] : lookalikes),
  ];
  for (const f of [...fromChecks, ...fromCross]) {
    // The structural message is the more precise one when both layers see the same field.
    if (!zodPaths.has(formatPath(f.path))) found.push(f);
  }

  const located = (list: readonly { path: Path; message: string }[]): CatalogIssue[] => {
    const unique = new Map<string, CatalogIssue>();
    for (const f of list) {
      const path = formatPath(f.path);
      const key = `${path}\u0000${f.message}`;
      if (!unique.has(key)) unique.set(key, { path, message: f.message, ...locate(doc, lc, f.path) });
    }
    return [...unique.values()].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.path.localeCompare(b.path),
    );
  };
  const warnings = options.allowLookalikes ? located(lookalikes) : [];
  if (found.length === 0 && parsed.success) return { ok: true, catalog: parsed.data, issues: [], warnings };
  return { ok: false, issues: located(found), warnings };
}

/**
 * Reads and validates a catalog file; throws {@link CatalogError} listing every problem.
 * @example
 * const catalog = await loadCatalog("catalog/customers.yaml", packageRules());
 */
export async function loadCatalog(file: string, rules: CatalogRules, options: LoadOptions = {}): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message;
    throw new CatalogError(file, [{ path: "", message: `cannot read the catalog: ${reason}` }]);
  }
  const result = await validateCatalog(text, rules, options);
  if (!result.ok) throw new CatalogError(file, result.issues);
  if (result.warnings.length > 0) {
    options.warn?.(
      formatIssues(displayPath(file), result.warnings).replace(
        /^[^\n]*/,
        `catalog ${escapeControl(displayPath(file))}: accepted because lookalike keys are allowed for this run:`,
      ),
    );
  }
  return result.catalog;
}

/** zod issues → path + message; unknown keys are reported on the key itself. */
function zodIssues(issues: readonly z.core.$ZodIssue[]): { path: Path; message: string }[] {
  return issues.flatMap((i) => {
    const path = i.path.map((s) => (typeof s === "symbol" ? String(s) : s));
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => {
        const odd = lookalikeReason(k);
        // "check its spelling" about a word that looks right helps no one: show what differs.
        return { path: [...path, k], message: odd ? `unknown field: its name ${odd}` : "unknown field (check its spelling)" };
      });
    }
    // zod does not keep the input in issues; its message says when the field was absent.
    if (i.code === "invalid_type" && /received undefined$/.test(i.message)) {
      return [{ path, message: "required" }];
    }
    return [{ path, message: i.message }];
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The entries of a list that are objects, with their index; anything else was reported by zod. */
function asList(v: unknown): { index: number; entry: Record<string, unknown> }[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((entry, index) => (isRecord(entry) ? [{ index, entry }] : []));
}

/** Drops catalog-only fields: what is left is the resource's arguments. */
function resourceArgs(kind: keyof typeof CATALOG_ONLY_FIELDS, entry: Record<string, unknown>): Record<string, unknown> {
  const drop = new Set<string>(CATALOG_ONLY_FIELDS[kind]);
  return Object.fromEntries(Object.entries(entry).filter(([k]) => !drop.has(k)));
}

type Lists = Record<"templates" | "customers" | "users", { index: number; entry: Record<string, unknown> }[]>;

/** Runs each entry through its resource's own `check`, with references left unknown. */
async function entryChecks(lists: Lists, rules: CatalogRules): Promise<{ path: Path; message: string }[]> {
  const jobs: Promise<{ path: Path; message: string }[]>[] = [];
  const run = (kind: keyof Lists, index: number, args: Record<string, unknown>, check: EntryCheck, rename: (p: Path) => Path) =>
    jobs.push(
      check(args).then(
        (failures) => failures.map((f) => ({ path: [kind, index, ...rename(parsePath(f.property))], message: f.reason })),
        // check must not throw on bad input; if it does, report it on the entry instead of crashing.
        (e: unknown) => [{ path: [kind, index], message: `could not be checked: ${(e as Error).message}` }],
      ),
    );
  for (const { index, entry } of lists.templates) {
    const args = resourceArgs("templates", entry);
    const named = entry.templateName === undefined;
    if (named) args.templateName = entry.name;
    // A defaulted templateName is the entry's `name`: report it where the person wrote it.
    run("templates", index, args, rules.checkTemplate, (p) => (named && p[0] === "templateName" ? ["name", ...p.slice(1)] : p));
  }
  for (const { index, entry } of lists.customers) {
    // A template of the catalog has no provisioningId before it exists.
    const args = { ...resourceArgs("customers", entry), provisioningId: entry.provisioningId ?? UNKNOWN };
    run("customers", index, args, rules.checkCustomer, (p) => p);
  }
  for (const loc of locationsOf(lists.customers)) {
    const args = { ...loc.entry, customerId: UNKNOWN };
    jobs.push(
      rules.checkLocation(args).then(
        (failures) => failures.map((f) => ({ path: [...loc.path, ...parsePath(f.property)], message: f.reason })),
        (e: unknown) => [{ path: loc.path, message: `could not be checked: ${(e as Error).message}` }],
      ),
    );
  }
  for (const { index, entry } of lists.users) {
    // `location:` and `number:` are the user's `locationId` (known once the location exists) and
    // `phoneNumber`: its failures are reported on the fields the person wrote.
    const args: Record<string, unknown> = { ...resourceArgs("users", entry), customerId: UNKNOWN };
    if (entry.location !== undefined) args.locationId = UNKNOWN;
    if (entry.number !== undefined) args.phoneNumber = entry.number;
    const written: Record<string, string> = {
      ...(entry.location !== undefined ? { locationId: "location" } : {}),
      ...(entry.number !== undefined ? { phoneNumber: "number" } : {}),
    };
    run("users", index, args, rules.checkUser, (p) => (typeof p[0] === "string" && written[p[0]] ? [written[p[0]], ...p.slice(1)] : p));
  }
  return (await Promise.all(jobs)).flat();
}

/** Rules that need two entries: unique keys, references, administrators, licences for users. */
function crossChecks(lists: Lists): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);

  const unique = (kind: keyof Lists, field: string, fold: (s: string) => string, what: string) => {
    const first = new Map<string, number>();
    for (const { index, entry } of lists[kind]) {
      const value = str(entry[field]);
      if (value === undefined) continue;
      const prior = first.get(fold(value));
      if (prior === undefined) first.set(fold(value), index);
      else
        out.push({
          path: [kind, index, field],
          message: `${what} "${showKey(value)}" is already used by ${kind}[${prior}]; keys must be unique`,
        });
    }
    return first;
  };
  const templates = unique("templates", "name", (s) => s, "template name");
  const customerIndex = unique("customers", "externalId", (s) => s, "externalId");
  // The API refuses a second user with the same email whatever the case (code 10022).
  unique("users", "email", (s) => s.toLowerCase(), "email");

  const customers = new Map<string, CatalogCustomer>();
  for (const { index, entry } of lists.customers) {
    const template = str(entry.template);
    if ((entry.template === undefined) === (entry.provisioningId === undefined)) {
      out.push({
        path: ["customers", index, "template"],
        message: "give exactly one of template (a template of this catalog) and provisioningId (a template made in Partner Hub)",
      });
    }
    if (template !== undefined && !templates.has(template)) {
      const known = [...templates.keys()].map(showKey).join(", ") || "none";
      out.push({
        path: ["customers", index, "template"],
        message: `no template named "${showKey(template)}" in this catalog (templates: ${known})`,
      });
    }
    const id = str(entry.externalId);
    if (id !== undefined && customerIndex.get(id) === index) customers.set(id, entry as CatalogCustomer);
  }

  // Users per customer and package, to compare with the customer's quantities.
  const holders = new Map<string, Map<string, number>>();
  for (const { index, entry } of lists.users) {
    const user = entry as Partial<CatalogUser>;
    const ref = str(user.customer);
    if (ref === undefined) continue;
    const customer = customers.get(ref);
    if (!customer) {
      const known = [...customers.keys()].map(showKey).join(", ") || "none";
      out.push({
        path: ["users", index, "customer"],
        message: `no customer with externalId "${showKey(ref)}" in this catalog (customers: ${known})`,
      });
      continue;
    }
    const packages = Array.isArray(customer.packages) ? customer.packages.filter(isRecord).map((p) => str(p.name)) : [];
    const pkg = str(user.package);
    if (pkg !== undefined && !packages.includes(pkg)) {
      out.push({
        path: ["users", index, "package"],
        message: `customer "${ref}" has no package "${pkg}" (its packages: ${packages.join(", ")}); add it to the customer first`,
      });
    }
    if (pkg !== undefined) {
      const perPackage = holders.get(ref) ?? new Map<string, number>();
      perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + 1);
      holders.set(ref, perPackage);
    }
    const isFirstAdmin =
      typeof customer.adminEmail === "string" &&
      typeof user.email === "string" &&
      customer.adminEmail.toLowerCase() === user.email.toLowerCase();
    if (isFirstAdmin && user.administrator !== true) {
      out.push({
        path: ["users", index, "administrator"],
        message: `${user.email} is customer "${ref}"'s adminEmail, hence its first full administrator: set administrator: true`,
      });
    }
    const adminPackage = adminPackageOf(packages);
    if ((isFirstAdmin || user.administrator === true) && adminPackage !== undefined && pkg !== undefined && pkg !== adminPackage) {
      out.push({
        path: ["users", index, "package"],
        message: `an administrator of "${ref}" must hold its admin package "${adminPackage}" (the highest-ranked package the customer has), not "${pkg}"`,
      });
    }
  }

  for (const { index, entry } of lists.customers) {
    const id = str(entry.externalId);
    if (id === undefined || customerIndex.get(id) !== index || !Array.isArray(entry.packages)) continue;
    entry.packages.forEach((p: unknown, j: number) => {
      // A quantity below 1 is already refused by the resource's check; one message is enough.
      if (!isRecord(p) || typeof p.quantity !== "number" || p.quantity < 1 || typeof p.name !== "string") return;
      const held = holders.get(id)?.get(p.name) ?? 0;
      if (held > p.quantity) {
        out.push({
          path: ["customers", index, "packages", j, "quantity"],
          message: `${held} users of this catalog hold ${p.name} but the quantity is ${p.quantity}; raise it (the API refuses users beyond the quantity)`,
        });
      }
    });
  }
  return out;
}

/** Each kind's key field. */
const KEY_FIELDS = { templates: "name", customers: "externalId", users: "email" } as const;
/** Each kind's entry, for messages. */
const NOUNS = { templates: "template", customers: "customer", users: "user" } as const;
/** Why two keys that fold alike are one, for messages. */
const ALIKE = "differ only by case, Unicode normalisation, invisible or look-alike characters, or surrounding spaces";
/** How a run accepts what {@link lookalikeChecks} refuses. */
const ACCEPT_LOOKALIKES = `accept it with \`npm start -- up --allow-lookalikes\` (Pulumi CLI: ${ALLOW_LOOKALIKES_ENV}=true)`;

/**
 * Keys a reviewer cannot read as they are: a key holding characters that print like others
 * ({@link lookalikeReason}: invisible ones, fullwidth digits, Cyrillic or Greek letters among Latin
 * ones), and keys of one kind that differ but fold to the same key ({@link foldKey}), named with
 * both lines. Exact duplicates are the unique-key rule's, and emails equal but for case the API
 * refuses anyway (`crossChecks`). A run may accept these (`allowLookalikes`).
 */
function lookalikeChecks(lists: Lists, lineOf: (path: Path) => number | undefined): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const odd = (path: Path, what: string, value: unknown) => {
    const reason = typeof value === "string" && controlCharacterReason(value) === undefined ? lookalikeReason(value) : undefined;
    if (reason) out.push({ path, message: `${what} ${reason}, or ${ACCEPT_LOOKALIKES}` });
  };
  for (const kind of ["templates", "customers", "users"] as const) {
    const field = KEY_FIELDS[kind];
    const first = new Map<string, { index: number; value: string }>();
    for (const { index, entry } of lists[kind]) {
      if (Array.isArray(entry.aliases)) entry.aliases.forEach((a: unknown, j: number) => odd([kind, index, "aliases", j], "the alias", a));
      const value = entry[field];
      if (typeof value !== "string") continue;
      odd([kind, index, field], `the ${field}`, value);
      const prior = first.get(foldKey(value));
      if (prior === undefined) first.set(foldKey(value), { index, value });
      else if (prior.value !== value && !(kind === "users" && prior.value.toLowerCase() === value.toLowerCase())) {
        const line = (i: number) => lineOf([kind, i, field]);
        out.push({
          path: [kind, index, field],
          message:
            `${field} "${showKey(value)}" (line ${line(index)}) and "${showKey(prior.value)}" of ${kind}[${prior.index}] ` +
            `(line ${line(prior.index)}) ${ALIKE}: they would be two separate resources a reviewer cannot tell apart. ` +
            `Spell them the same if they are one, rename one if they are two, or ${ACCEPT_LOOKALIKES}`,
        });
      }
    }
  }
  return out;
}

/**
 * `aliases` name the key an entry had before a rename. An alias naming another entry of the
 * catalog, one claimed by two entries, or the entry's own key would hand one object's state to
 * another and delete it (the deletion guard checks the same against the stack's record).
 */
function aliasChecks(lists: Lists): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  for (const kind of ["templates", "customers"] as const) {
    const field = KEY_FIELDS[kind];
    const noun = NOUNS[kind];
    const keys = new Map<string, number>();
    for (const { index, entry } of lists[kind]) if (typeof entry[field] === "string") keys.set(foldKey(entry[field]), index);
    const claimed = new Map<string, { index: number; key: string }>();
    for (const { index, entry } of lists[kind]) {
      const key = typeof entry[field] === "string" ? entry[field] : undefined;
      if (key === undefined || !Array.isArray(entry.aliases)) continue;
      entry.aliases.forEach((alias: unknown, j: number) => {
        if (typeof alias !== "string") return;
        const path = [kind, index, "aliases", j];
        const rule = "an alias is only the key this same entry had before a rename";
        const other = keys.get(foldKey(alias));
        if (alias === key) {
          out.push({ path, message: `"${showKey(alias)}" is this ${noun}'s own ${field}; remove it from aliases (${rule})` });
        } else if (other !== undefined && other !== index) {
          const owner = String(lists[kind].find((e) => e.index === other)!.entry[field]);
          out.push({
            path,
            message:
              `"${showKey(alias)}" is the ${field} of ${kind}[${other}] ("${showKey(owner)}"): as an alias of "${showKey(key)}" it ` +
              `would hand that ${noun}'s state to "${showKey(key)}" and delete one of them. Remove it from the aliases of ` +
              `"${showKey(key)}" (${rule})`,
          });
        } else {
          const prior = claimed.get(foldKey(alias));
          if (prior !== undefined && prior.index !== index) {
            out.push({
              path,
              message:
                `"${showKey(alias)}" is also an alias of ${kind}[${prior.index}] ("${showKey(prior.key)}"): one old key can become ` +
                "one entry only; keep it on the entry that was renamed",
            });
          } else claimed.set(foldKey(alias), { index, key });
        }
      });
    }
  }
  return out;
}

/**
 * `remove:` lists keys that are gone on purpose. One still declared is a contradiction; one that
 * is a declared key spelled differently (`omar@` against `Omar@`), or an entry's alias, names the
 * object that entry now holds: deleting it would delete that entry's object (the attack of a case
 * change plus `remove:`). Both are refused, whatever the run allows.
 */
function removalChecks(lists: Lists, remove: unknown): { path: Path; message: string }[] {
  return (["templates", "customers", "users"] as const).flatMap((kind) => {
    const field = KEY_FIELDS[kind];
    const noun = NOUNS[kind];
    const declared = new Map<string, { index: number; key: string; alias?: boolean }>();
    for (const { index, entry } of lists[kind]) {
      if (typeof entry[field] === "string") declared.set(foldKey(entry[field]), { index, key: entry[field] });
      if (Array.isArray(entry.aliases) && typeof entry[field] === "string") {
        for (const a of entry.aliases) if (typeof a === "string") declared.set(foldKey(a), { index, key: entry[field], alias: true });
      }
    }
    const keys = isRecord(remove) && Array.isArray(remove[kind]) ? (remove[kind] as unknown[]) : [];
    return keys.flatMap((key, i) => {
      const hit = typeof key === "string" ? declared.get(foldKey(key)) : undefined;
      if (typeof key !== "string" || hit === undefined) return [];
      const path = ["remove", kind, i];
      const shown = `"${showKey(key)}"`;
      if (hit.key === key)
        return [{ path, message: `${shown} is still declared under ${kind}: delete its entry, or drop it from remove:` }];
      const same = hit.alias
        ? `an alias of ${kind}[${hit.index}] ("${showKey(hit.key)}"): that entry's old key`
        : kind === "users"
          ? `the same user as ${kind}[${hit.index}] ("${showKey(hit.key)}"): Webex compares emails without case`
          : `${kind}[${hit.index}] ("${showKey(hit.key)}") spelled differently: they ${ALIKE}`;
      const keep =
        kind === "users"
          ? "keep the spelling the user was created with"
          : `list the old key under the aliases of "${showKey(hit.key)}" (an update in place)`;
      return [
        {
          path,
          message:
            `${shown} is ${same}. Deleting it would delete the ${noun} that entry now names. A change of spelling is a rename, ` +
            `not a deletion, and needs no \`remove:\`; drop ${shown} from \`remove:\` and ${keep}`,
        },
      ];
    });
  });
}
