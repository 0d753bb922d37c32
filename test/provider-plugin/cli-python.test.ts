/**
 * The provider plugin under the REAL Pulumi CLI from a Python program: the quickstart's template,
 * customer and users in a `__main__.py` using the generated SDK (`pulumi_webex_wholesale`), run by the
 * TypeScript `pulumi-language-python` host and the real `pulumi-language-python-exec` in the
 * virtualenv `npm run pulumi:install -- --python` makes; the shared harness (quickstart-under-cli.ts)
 * checks create, no-change up, refused preview, import, refresh and destroy. Then the exec script's
 * thread pool under `--parallel 64`.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { cliEnv, findCli } from "../../scripts/pulumi-cli";
import { describeQuickstartUnderCli, IMPORTED_SITE, SITE } from "./quickstart-under-cli";

/** A Python literal of plain JSON data (strings and dicts only). */
const py = (value: unknown) => JSON.stringify(value);

/**
 * The quickstart (examples/quickstart) in Python, with a second site; `companyName` is a parameter
 * for the refused change, `imported` declares the location the harness imports.
 */
function mainPy(companyName: string, imported = false): string {
  const a = IMPORTED_SITE.address;
  const nice = imported
    ? `
webex.CustomerLocation(
    "nice",
    customer_id=customer.id,
    name=${py(IMPORTED_SITE.name)},
    time_zone=${py(IMPORTED_SITE.timeZone)},
    preferred_language=${py(IMPORTED_SITE.preferredLanguage)},
    announcement_language=${py(IMPORTED_SITE.announcementLanguage)},
    address={"address1": ${py(a.address1)}, "city": ${py(a.city)}, "state": ${py(a.state)}, "postal_code": ${py(a.postalCode)}, "country": ${py(a.country)}},
)
`
    : "";
  return `"""The quickstart: an onboarding template, one customer, its two users, and a second site with a user."""
import pulumi
import pulumi_webex_wholesale as webex

template = webex.OnboardingTemplate(
    "smb-emea",
    template_name="SMB EMEA",
    service_provider_admin="ops@partner.example",
    country_code="FR",
    default_email_language="fr_FR",
    wholesale_subscription_id="Sub-EMEA-0001",
    email_brand_name="Partner Voice",
)

customer = webex.CustomerOrg(
    "quickstart-001",
    provisioning_id=template.provisioning_id,
    external_id="quickstart-001",
    company_name=${JSON.stringify(companyName)},
    admin_email="claire@quickstart-bistro.example",
    language="fr_FR",
    supported_location_confirmed=True,
    address={"line1": "3 rue du Port", "city": "Marseille", "postal_code": "13002", "country": "FR"},
    packages=[{"name": "webex_meetings"}, {"name": "webex_voice"}],
    headquarters={"time_zone": "Europe/Paris"},
)

# The site's numbers, known while the program runs: the user's location_numbers let the preview
# check its number (and refuse removing it from the site while the user holds it).
lyon_numbers = ${py(SITE.numbers)}
lyon = webex.CustomerLocation(
    "lyon",
    customer_id=customer.id,
    name=${py(SITE.name)},
    time_zone="Europe/Paris",
    preferred_language="fr_FR",
    announcement_language="fr_FR",
    address={"address1": "10 quai Saint-Antoine", "city": "Lyon", "state": "ARA", "postal_code": "69002", "country": "FR"},
    calling={"pstn_connection_id": "lgw-1", "numbers": [{"number": n} for n in lyon_numbers], "main_number": lyon_numbers[0]},
)
webex.CustomerUser(
    "lea",
    customer_id=customer.id,
    email=${py(SITE.user)},
    first_name="Lea",
    last_name="Morel",
    package="webex_voice",
    location_id=lyon.location_id,
    location_numbers=lyon_numbers,
    phone_number=lyon_numbers[1],
    extension="2001",
)
${nice}
for first_name, administrator in (("claire", True), ("hugo", False)):
    webex.CustomerUser(
        first_name,
        customer_id=customer.id,
        email=f"{first_name}@quickstart-bistro.example",
        first_name=first_name.capitalize(),
        last_name="Morel",
        package="webex_meetings",
        administrator=administrator,
    )

pulumi.export("customerId", customer.customer_id)
`;
}

const cli = findCli();
describeQuickstartUnderCli({
  language: "Python",
  missing:
    cli.found && !cli.pythonVenv
      ? "no virtualenv with the generated Python SDK for this schema (npm run pulumi:install -- --python)"
      : undefined,
  // `pulumi import` asks the language host to write the imported resource as code (GenerateProgram);
  // our host does not generate code (tools/README.md), so the import adopts the customer without it.
  importFlags: ["--generate-code=false"],
  // The real pulumi-language-python-exec (issue 26): when the engine stops the program after showing
  // the refusal, the program's end is what a Python user sees: the RunError "Resource monitor has
  // terminated" logged, or (when the engine's Cancel interrupts it first, and the script installs no
  // SIGINT handler) a KeyboardInterrupt traceback through the exec script; exit 1 reads "program exited
  // with non-zero exit code: 1". When the interrupt lands after the engine closed the program's
  // stderr, Python itself reports the KeyboardInterrupt ("lost sys.stderr"). Which one depends on
  // timing; each comes from the real script.
  refusedPreviewEnd: (out) => {
    expect(out, out).to.match(
      /pulumi-language-python-exec", line \d+|program exited with non-zero exit code: 1|RunError: Resource monitor has terminated|object type name: KeyboardInterrupt/,
    );
    // Not our former runner's silence, nor the Node host's capitalised wording.
    expect(out, out).not.to.include("Program exited with non-zero exit code");
  },
  write: (progDir, pluginDir, companyName, imported) => {
    writeFileSync(
      join(progDir, "Pulumi.yaml"),
      `name: webex-quickstart-python
runtime:
  name: python
  options:
    virtualenv: ${cli.found ? cli.pythonVenv : ""}
plugins:
  providers:
    - name: webex-wholesale
      path: ${pluginDir}
`,
    );
    writeFileSync(join(progDir, "__main__.py"), mainPy(companyName, imported));
  },
});

// Every register and invoke of a Python program goes through the event loop's thread pool, which the
// real exec script sizes max(parallel, 1) × 4 (Python's own default is min(32, cores + 4)): what a
// real Python user's concurrency is made of.
const venv = cli.found ? cli.pythonVenv : undefined;
if (cli.found && venv) {
  const binDir = cli.binDir;
  const pulumiBin = cli.pulumi;
  describe("the Python host under the real CLI: the exec script's thread pool", function () {
    this.timeout(120_000);
    it("--parallel 64 gives the program a thread pool of 256 workers", () => {
      const dir = mkdtempSync(join(tmpdir(), "py-pool-"));
      try {
        writeFileSync(join(dir, "Pulumi.yaml"), `name: py-pool\nruntime:\n  name: python\n  options:\n    virtualenv: ${venv}\n`);
        writeFileSync(
          join(dir, "__main__.py"),
          "import asyncio\nimport pulumi\n\npulumi.export('threadPool', asyncio.get_event_loop()._default_executor._max_workers)\n",
        );
        const env = cliEnv({ binDir, stateDir: dir, passphrase: "pool" });
        const pulumi = (...args: string[]) =>
          spawnSync(pulumiBin, [...args, "--non-interactive", "--stack", "dev"], { cwd: dir, env, encoding: "utf8" });
        for (const args of [
          ["stack", "init"],
          ["up", "--yes", "--parallel", "64"],
        ]) {
          const r = pulumi(...args);
          expect(r.status, r.stdout + r.stderr).to.equal(0);
        }
        expect(pulumi("stack", "output", "threadPool").stdout.trim()).to.equal("256");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
