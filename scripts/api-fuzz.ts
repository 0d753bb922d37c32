/**
 * `npm run test:api-fuzz`: holds the emulator to Cisco's OpenAPI specs with schemathesis.
 *
 *   npm run test:api-fuzz                       # every spec of SPECS, the pinned seed and budget
 *   npm run test:api-fuzz -- --examples 20      # more generated cases per operation
 *
 * Flow: a pinned schemathesis in its own virtualenv under the git-ignored `.local/api-fuzz/` (from
 * PyPI, made once and reused) → the emulator in this process on loopback, seeded through its API with
 * a template and, for the partner and for its sub-partner, a provisioned customer with a subscriber →
 * for each spec, a copy with this project's declared links (customer → subscribers) and a config whose
 * dictionaries offer the seeded ids to the generator part of the time (so requests get past the first
 * 400/403/404) → `schemathesis run --checks all --continue-on-failure` with a fixed seed and a bounded
 * number of examples → every failure class and operation is compared with
 * `test/api-fuzz/allowlist.yaml`; anything not on it fails the run.
 *
 * The specs are vendored under `test/api-fuzz/specs/` (a clone has no `../shared`); see its README.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { startEmulator, type EmulatorHandle } from "../local/emulator";
import { REPO_ROOT } from "./repo-root";

/** The schemathesis release the allowlist was reasoned against (a new one may find new classes). */
const SCHEMATHESIS_VERSION = "4.32.5";
/** Hypothesis seed: the same cases on every run, so a new failure means a change in the emulator. */
const SEED = 20261207;
/** Generated cases per operation and phase; bounded so the CI leg stays within a few minutes on 2 cores. */
const DEFAULT_EXAMPLES = 25;

const FUZZ_DIR = join(REPO_ROOT, ".local", "api-fuzz");
const SPEC_DIR = join(REPO_ROOT, "test", "api-fuzz", "specs");
const ALLOWLIST = join(REPO_ROOT, "test", "api-fuzz", "allowlist.yaml");

/** An OpenAPI link: the operation it leads to and where its parameters come from. */
interface LinkDecl {
  readonly operationId: string;
  readonly parameters?: Record<string, string>;
  readonly requestBody?: Record<string, string>;
}

/** One spec to fuzz: its vendored file and the links this project declares on its responses. */
interface SpecEntry {
  readonly file: string;
  /** `"<METHOD> <path>" → status → link name → link`. */
  readonly links: Record<string, Record<string, Record<string, LinkDecl>>>;
}

const customerId = "$response.body#/id";
const firstCustomer = "$response.body#/items/0/id";
const subscriberId = "$response.body#/id";
const firstSubscriber = "$response.body#/items/0/id";

/**
 * The specs, one line each once their links are written. Cisco's specs declare no links, so the
 * stateful phase would only ever see the 404s of invented ids: these say that a customer's `id`
 * feeds the subscriber operations, and a subscriber's `id` its own operations and `consentMove`.
 */
const SPECS: readonly SpecEntry[] = [
  {
    file: "webex-wholesale.json",
    links: {
      "GET /wholesale/customers": {
        "200": {
          GetCustomer: { operationId: "Get a Wholesale Customer", parameters: { customerId: firstCustomer } },
          ListItsSubscribers: { operationId: "List Wholesale Subscribers", parameters: { customerId: firstCustomer } },
          AddSubscriber: { operationId: "Provision a Wholesale Subscriber", requestBody: { customerId: firstCustomer } },
        },
      },
      "GET /wholesale/customers/{customerId}": {
        "200": {
          UpdateCustomer: { operationId: "Update a Wholesale Customer", parameters: { customerId } },
          RemoveCustomer: { operationId: "Remove a Wholesale Customer", parameters: { customerId } },
          ListItsSubscribers: { operationId: "List Wholesale Subscribers", parameters: { customerId } },
          AddSubscriber: { operationId: "Provision a Wholesale Subscriber", requestBody: { customerId } },
        },
      },
      "GET /wholesale/subscribers": {
        "200": {
          GetSubscriber: { operationId: "Get a Wholesale Subscriber", parameters: { subscriberId: firstSubscriber } },
          ConsentMove: {
            operationId: "Send Consent User Move Email to Pending Wholesale Subscribers",
            parameters: { subscriberId: firstSubscriber },
          },
        },
      },
      "POST /wholesale/subscribers": subscriberLinks(),
    },
  },
  {
    file: "webex-calling-locations.json",
    links: {
      "GET /locations": {
        "200": { GetLocation: { operationId: "Get Location Details", parameters: { locationId: "$response.body#/items/0/id" } } },
      },
    },
  },
];

function subscriberLinks(): Record<string, Record<string, LinkDecl>> {
  const links: Record<string, LinkDecl> = {
    GetSubscriber: { operationId: "Get a Wholesale Subscriber", parameters: { subscriberId } },
    UpdateSubscriber: { operationId: "Update a Wholesale Subscriber", parameters: { subscriberId } },
    RemoveSubscriber: { operationId: "Remove a Wholesale Subscriber", parameters: { subscriberId } },
    ConsentMove: { operationId: "Send Consent User Move Email to Pending Wholesale Subscribers", parameters: { subscriberId } },
  };
  return { "200": links, "202": links };
}

/** One accepted deviation: a failure class on some operations, and the decision it comes from. */
interface AllowEntry {
  readonly code: string;
  readonly operations: readonly string[];
  readonly decision: string;
}

/** What one schemathesis run reported (the fields of its JSON report this script reads). */
interface FuzzReport {
  readonly running_time: number;
  readonly operations: { readonly total: number; readonly tested: number; readonly errored: number };
  readonly test_cases: { readonly generated: number; readonly unique_failures: number };
  readonly failures: readonly {
    readonly code: string;
    readonly title: string;
    readonly count: number;
    readonly operations: readonly string[];
  }[];
  readonly errors: readonly unknown[];
}

function parseArgs(argv: readonly string[]): { examples: number } {
  let examples = DEFAULT_EXAMPLES;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--examples") examples = Number(argv[++i]);
    else throw new Error(`api-fuzz: unknown argument ${argv[i]}; use --examples N`);
  }
  if (!Number.isInteger(examples) || examples < 1) throw new Error("api-fuzz: --examples needs a whole number ≥ 1");
  return { examples };
}

/** The virtualenv's python, made from PyPI on first use (in a temporary folder, renamed when complete). */
function ensureSchemathesis(log: (line: string) => void): string {
  const venv = join(FUZZ_DIR, `venv-schemathesis-${SCHEMATHESIS_VERSION}`);
  const python = join(venv, "bin", "python");
  if (existsSync(python)) return python;
  log(`api-fuzz: installing schemathesis==${SCHEMATHESIS_VERSION} from PyPI into ${venv}`);
  const tmp = `${venv}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(FUZZ_DIR, { recursive: true });
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${(r.stderr || r.stdout || String(r.error)).slice(-3000)}`);
  };
  run(process.env["PYTHON"] ?? "python3", ["-m", "venv", tmp]);
  run(join(tmp, "bin", "python"), [
    "-m",
    "pip",
    "--disable-pip-version-check",
    "--no-input",
    "-q",
    "install",
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  // the console scripts would keep the temporary path: the run calls `python -m schemathesis.cli`
  renameSync(tmp, venv);
  return python;
}

/** The spec with the declared links added to its responses (Cisco's file is left as it is). */
function withLinks(spec: Record<string, any>, links: SpecEntry["links"]): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, any>;
  for (const [op, byStatus] of Object.entries(links)) {
    const [method = "", path = ""] = op.split(" ");
    const operation = copy["paths"]?.[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`api-fuzz: the spec has no operation ${op} to link from`);
    for (const [status, named] of Object.entries(byStatus)) {
      const response = operation.responses?.[status];
      if (response === undefined) throw new Error(`api-fuzz: ${op} declares no ${status} response to link from`);
      response.links = { ...(response.links ?? {}), ...named };
    }
  }
  return copy;
}

/** Ids of what {@link seed} made, which the fuzz config offers to the generator. */
interface Seeded {
  readonly provisioningId: string;
  readonly subPartnerOrgId: string;
  readonly customerIds: readonly string[];
  readonly subscriberIds: readonly string[];
  readonly locationIds: readonly string[];
}

/**
 * Puts the emulator in the state the links need, through the public API: a template; a provisioned
 * calling customer for the partner and another for its sub-partner (so both scopes have data); and in
 * each a subscriber waiting for consent.
 */
async function seed(emu: EmulatorHandle): Promise<Seeded> {
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
    const res = await fetch(`${emu.url}/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${emu.token}`, "Content-Type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`api-fuzz: seeding ${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as Record<string, any>;
  };
  const address = { addressLine1: "771 Alder Drive", city: "Milpitas", stateOrProvince: "CA", zipOrPostalCode: "95035", country: "US" };
  const template = await call("POST", "/wholesale/onboardingTemplates", {
    name: "Fuzz",
    serviceProviderAdmin: "ops@partner.example",
    country: "US",
    defaultEmailLanguage: "en_US",
    wholesaleSubscriptionId: "Sub-fuzz",
  });
  const subPartnerOrgId = String((await call("GET", "/wholesale/subPartners"))["items"][0].orgId);
  const customerIds: string[] = [];
  const subscriberIds: string[] = [];
  const locationIds: string[] = [];
  for (const [n, scope] of [
    ["1", ""],
    ["2", `?onBehalfOfSubPartnerOrgId=${encodeURIComponent(subPartnerOrgId)}`],
  ] as const) {
    await call("POST", `/wholesale/customers${scope}`, {
      provisioningId: template["provisioningId"],
      externalId: `fuzz-00${n}`,
      packages: ["webex_calling", "webex_meetings"],
      address,
      customerInfo: { name: `Fuzz ${n}`, primaryEmail: `admin@fuzz${n}.example` },
      provisioningParameters: { calling: { location: { name: "HQ", address, timezone: "America/Los_Angeles", language: "en_us" } } },
    });
    const and = scope === "" ? "?" : `${scope}&`;
    const customer = (await call("GET", `/wholesale/customers${and}externalId=fuzz-00${n}`))["items"][0];
    customerIds.push(customer.id);
    const locations = await call("GET", `/locations?orgId=${encodeURIComponent(customer.orgId)}`);
    locationIds.push(...(locations["items"] as { id: string }[]).map((l) => l.id));
    const user = await call("POST", `/wholesale/subscribers${scope}`, {
      customerId: customer.id,
      email: n === "1" ? "free.account@example.com" : `user@fuzz${n}.example`,
      packages: ["webex_meetings"],
      provisioningParameters: { firstName: "Free", lastName: "Account" },
    });
    subscriberIds.push(String(user["id"]));
  }
  return { provisioningId: String(template["provisioningId"]), subPartnerOrgId, customerIds, subscriberIds, locationIds };
}

/**
 * The schemathesis config: dictionaries of the seeded ids that the generator draws from part of the
 * time (the rest stays random), so generated requests reach the rules behind the first 400/403/404:
 * a real template, customer, subscriber and location, the managed sub-partner, valid countries,
 * numbers and packages.
 */
function fuzzConfig(seeded: Seeded): string {
  const list = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
  const dictionaries: Record<string, readonly string[]> = {
    provisioning: [seeded.provisioningId],
    subpartner: [seeded.subPartnerOrgId],
    customers: seeded.customerIds,
    subscribers: seeded.subscriberIds,
    locations: seeded.locationIds,
    countries: ["US", "FR", "GB"],
    numbers: ["+14155550101", "+33140000001", "+442071838750"],
    extensions: ["0101", "2202", "33003"],
    emails: ["ada@fuzz.example", "grace@fuzz.example", "free.account@example.com"],
    offsets: ["0", "1"],
    maxima: ["1", "10", "50"],
  };
  const bindings: Record<string, [string, number]> = {
    "query.onBehalfOfSubPartnerOrgId": ["subpartner", 0.5],
    "path.customerId": ["customers", 0.7],
    "path.subscriberId": ["subscribers", 0.7],
    "query.customerId": ["customers", 0.5],
    // Cisco types offset and max as free strings on some lists: mostly real numbers, so lists answer 200
    "query.offset": ["offsets", 0.8],
    "query.max": ["maxima", 0.8],
    "body.provisioningId": ["provisioning", 0.8],
    "body.customerId": ["customers", 0.8],
    "body.email": ["emails", 0.7],
    "body.address.country": ["countries", 0.8],
    "body.customerInfo.primaryEmail": ["emails", 0.7],
    "body.provisioningParameters.locationId": ["locations", 0.7],
    "body.provisioningParameters.primaryPhoneNumber": ["numbers", 0.7],
    "body.provisioningParameters.extension": ["extensions", 0.7],
  };
  return [
    ...Object.entries(dictionaries).flatMap(([name, values]) => [`[dictionaries.${name}]`, `values = ${list(values)}`, ""]),
    "[parameters]",
    ...Object.entries(bindings).map(([key, [dictionary, p]]) => `"${key}" = { dictionary = "${dictionary}", probability = ${p} }`),
    "",
  ].join("\n");
}

/** Runs schemathesis on one spec; returns its JSON report. */
async function fuzz(python: string, emu: EmulatorHandle, entry: SpecEntry, examples: number, seeded: Seeded): Promise<FuzzReport> {
  const name = entry.file.replace(/\.json$/, "");
  const configPath = join(FUZZ_DIR, `${name}.schemathesis.toml`);
  writeFileSync(configPath, fuzzConfig(seeded));
  const spec = JSON.parse(readFileSync(join(SPEC_DIR, entry.file), "utf8")) as Record<string, any>;
  const linked = join(FUZZ_DIR, `${name}.linked.json`);
  writeFileSync(linked, JSON.stringify(withLinks(spec, entry.links)));
  const reportPath = join(FUZZ_DIR, `${name}.report.json`);
  rmSync(reportPath, { force: true });
  const args = [
    "-m",
    "schemathesis.cli",
    "--config-file",
    configPath,
    "run",
    linked,
    "--url",
    `${emu.url}/v1`,
    "-H",
    `Authorization: Bearer ${emu.token}`,
    "--checks",
    "all",
    // a deviation found early must not end an operation's (or a stateful scenario's) run: keep going
    "--continue-on-failure",
    "--max-examples",
    String(examples),
    "--seed",
    String(SEED),
    // no example database: a run replays nothing from an earlier one, so CI and a laptop see the same cases
    "--generation-database",
    "none",
    "--workers",
    "1",
    "--request-timeout",
    "10",
    "--report",
    "json",
    "--report-json-path",
    reportPath,
    "--output-sanitize",
    "true",
  ];
  const out = join(FUZZ_DIR, `${name}.out.txt`);
  // asynchronous: the emulator answering schemathesis lives in this process's event loop
  // run in .local/api-fuzz: anything schemathesis writes beside it stays in the git-ignored folder
  const child = spawn(python, args, { cwd: FUZZ_DIR, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => chunks.push(b));
  child.stderr.on("data", (b: Buffer) => chunks.push(b));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  writeFileSync(out, Buffer.concat(chunks));
  if (!existsSync(reportPath)) throw new Error(`api-fuzz: schemathesis wrote no report (exit ${status}); its output is in ${out}`);
  return JSON.parse(readFileSync(reportPath, "utf8")) as FuzzReport;
}

function loadAllowlist(): AllowEntry[] {
  const raw = parseYaml(readFileSync(ALLOWLIST, "utf8")) as { deviations?: AllowEntry[] };
  const entries = raw.deviations ?? [];
  for (const e of entries) {
    if (typeof e.code !== "string" || !Array.isArray(e.operations) || typeof e.decision !== "string" || !e.decision.includes("[project]")) {
      throw new Error(`api-fuzz: allowlist entry ${JSON.stringify(e)} needs code, operations and a decision naming its [project] rule`);
    }
  }
  return entries;
}

async function main(): Promise<number> {
  const { examples } = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const log = (line: string): void => console.log(line);
  const python = ensureSchemathesis(log);
  const allow = loadAllowlist();
  const allowed = new Set(allow.flatMap((e) => e.operations.map((op) => `${e.code} ${op}`)));
  const seen = new Set<string>();
  const unlisted: string[] = [];
  let operations = 0;
  let cases = 0;
  let errors = 0;
  const byClass = new Map<string, number>();

  const emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0, seed: SEED });
  try {
    const seeded = await seed(emu);
    await emu.admin.resetCounters();
    for (const entry of SPECS) {
      const report = await fuzz(python, emu, entry, examples, seeded);
      operations += report.operations.tested;
      cases += report.test_cases.generated;
      errors += report.errors.length + report.operations.errored;
      for (const f of report.failures) {
        byClass.set(`${f.code} ${f.title}`, (byClass.get(`${f.code} ${f.title}`) ?? 0) + f.count);
        for (const op of f.operations) {
          const key = `${f.code} ${op}`;
          seen.add(key);
          if (!allowed.has(key))
            unlisted.push(`${key} (${f.title}; output in .local/api-fuzz/${entry.file.replace(/\.json$/, "")}.out.txt)`);
        }
      }
      log(
        `api-fuzz: ${entry.file}: ${report.operations.tested} operations, ${report.test_cases.generated} cases, ${report.running_time.toFixed(1)} s`,
      );
    }
    const counters = await emu.admin.counters();
    log(
      `api-fuzz: ${operations} operations, ${counters.total} requests to the emulator, ${cases} generated cases, seed ${SEED}, ${examples} examples`,
    );
    log(`api-fuzz: failures by class: ${byClass.size === 0 ? "none" : [...byClass].map(([k, n]) => `${k}: ${n}`).join("; ")}`);
    log(`api-fuzz: allowlist: ${allow.length} deviations over ${allowed.size} class×operation pairs`);
    const stale = [...allowed].filter((k) => !seen.has(k));
    if (stale.length > 0) log(`api-fuzz: allowed but not seen this run (remove if fixed): ${stale.join("; ")}`);
  } finally {
    await emu.close();
  }
  log(`api-fuzz: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (errors > 0) {
    console.error(`api-fuzz: schemathesis reported ${errors} error(s) (not failures): see .local/api-fuzz/*.out.txt`);
    return 1;
  }
  if (unlisted.length > 0) {
    console.error(
      `api-fuzz: ${unlisted.length} failure(s) not on test/api-fuzz/allowlist.yaml; fix the emulator or record a [project] decision:`,
    );
    for (const u of unlisted) console.error(`  ${u}`);
    return 1;
  }
  log("api-fuzz: every failure is an allowlisted [project] deviation");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
