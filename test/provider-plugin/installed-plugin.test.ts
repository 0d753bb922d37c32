/**
 * The plugin installed the way a Python user installs it, under the REAL Pulumi CLI: the generated
 * SDK from a wheel (`pip install pulumi_webex_wholesale-<v>-py3-none-any.whl` in a fresh virtualenv,
 * its dependencies from PyPI), the plugin from the archive `npm run plugin:package` makes
 * (`pulumi plugin install resource webex-wholesale <v> --file <archive>`), and a Pulumi.yaml with no
 * `plugins.providers` path: the engine learns which plugin to load from the SDK's `pulumi-plugin.json`
 * (the Python host's GetRequiredPackages). Before the install, the run fails saying what to install.
 * Needs dist/ (npm run build), the CLI and the Python SDK (npm run pulumi:install -- --python).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startEmulator } from "../../local/emulator";
import { packagePlugin } from "../../scripts/plugin-package";
import { CLI_REQUIRED_ENV, cliEnv, findCli, SDK_DIR } from "../../scripts/pulumi-cli";
import { describeWithCli } from "../cli/support";

const PROGRAM = `import pulumi
import pulumi_webex_wholesale as webex

template = webex.OnboardingTemplate("smb", template_name="SMB Installed", service_provider_admin="ops@partner.example",
    country_code="FR", default_email_language="fr_FR", wholesale_subscription_id="Sub-EMEA-0001", email_brand_name="Partner Voice")
customer = webex.CustomerOrg("installed-001", provisioning_id=template.provisioning_id, external_id="installed-001",
    company_name="Installed Bistro", admin_email="admin@installed.example", language="fr_FR", supported_location_confirmed=True,
    address={"line1": "3 rue du Port", "city": "Marseille", "postal_code": "13002", "country": "FR"},
    packages=[{"name": "webex_meetings"}])
pulumi.export("customerId", customer.customer_id)
`;

const cli = findCli();
const sharedVenv = cli.found ? cli.pythonVenv : undefined;

describeWithCli("real Pulumi CLI: the plugin installed from its archive, the SDK from a wheel (Python)", function () {
  this.timeout(600_000);
  if (!sharedVenv) {
    // As the other real-CLI suites: one line here, a failure in CI.
    if (process.env[CLI_REQUIRED_ENV] === "1")
      it("needs the generated Python SDK", () => expect.fail("run `npm run pulumi:install -- --python`"));
    else console.log("  [needs the generated Python SDK: run `npm run pulumi:install -- --python`]");
    return;
  }
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let archive: string;
  let version: string;
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  /** Runs `pulumi <args>` in the program folder, asynchronously: the emulator answers in this process. */
  const pulumi = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(cli.found ? cli.pulumi : "pulumi", [...args, "--non-interactive"], { cwd: join(dir, "prog"), env });
      let out = "";
      child.stdout.on("data", (d) => (out += String(d)));
      child.stderr.on("data", (d) => (out += String(d)));
      child.on("close", (code) => resolve({ code, out }));
    });
  const run = (command: string, args: string[], cwd: string) => {
    const r = spawnSync(command, args, { cwd, encoding: "utf8" });
    expect(r.status, `${command} ${args.join(" ")}: ${r.stdout}${r.stderr}`).to.equal(0);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "webex-installed-"));
    for (const d of ["prog", "wheels"]) mkdirSync(join(dir, d));
    ({ path: archive, version } = packagePlugin({ outDir: dir }));
    // The wheel, built from the generated SDK with the tools of the SDK's own virtualenv.
    run(
      join(sharedVenv, "bin", "python"),
      ["-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", join(SDK_DIR, "python"), "-w", join(dir, "wheels")],
      dir,
    );
    const wheel = readdirSync(join(dir, "wheels")).find((f) => f.endsWith(".whl"))!;
    run(process.env.PULUMI_PYTHON_CMD || "python3", ["-m", "venv", join(dir, "venv")], dir);
    run(join(dir, "venv", "bin", "python"), ["-m", "pip", "install", "-q", "--disable-pip-version-check", join(dir, "wheels", wheel)], dir);
    writeFileSync(
      join(dir, "prog", "Pulumi.yaml"),
      `name: webex-installed\nruntime:\n  name: python\n  options:\n    virtualenv: ${join(dir, "venv")}\n`,
    );
    writeFileSync(join(dir, "prog", "__main__.py"), PROGRAM);
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
    env = cliEnv({ binDir: cli.found ? cli.binDir : "", stateDir: dir, passphrase: "installed" });
    for (const k of Object.keys(env)) if (k.startsWith("WEBEX_")) delete env[k];
    for (const args of [
      ["stack", "init", "dev"],
      ["config", "set", "webex-wholesale:baseUrl", emu.url],
      ["config", "set", "--secret", "webex-wholesale:accessToken", emu.token],
    ]) {
      const r = await pulumi(...args);
      expect(r.code, r.out).to.equal(0);
    }
  });

  after(async () => {
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("without the plugin installed, preview fails naming the plugin, its version and where releases are published", async () => {
    const r = await pulumi("preview");
    expect(r.code, r.out).to.not.equal(0);
    // The CLI's own words (plugin acquisition is off here, as in CI; docs/operating.md gives the install command).
    expect(r.out, r.out).to.include(
      `no resource plugin 'pulumi-resource-webex-wholesale' found in the workspace at version v${version} or on your $PATH from github://api.github.com/webex-wholesale/pulumi-webex-wholesale`,
    );
  });

  it("pulumi plugin install --file, then create, a no-change up and destroy, with no plugins.providers path", async () => {
    const install = await pulumi("plugin", "install", "resource", "webex-wholesale", version, "--file", archive);
    expect(install.code, install.out).to.equal(0);
    expect((await pulumi("plugin", "ls")).out).to.match(new RegExp(`webex-wholesale\\s+resource\\s+${version.replace(/\./g, "\\.")}`));

    const up = await pulumi("up", "--yes");
    expect(up.code, up.out).to.equal(0);
    expect(up.out).to.include("3 created");
    expect(Object.values((await emu.admin.state()).customers).filter((c) => c.externalId === "installed-001")).to.have.length(1);

    await emu.admin.resetCounters();
    const again = await pulumi("up", "--yes");
    expect(again.code, again.out).to.equal(0);
    expect(again.out).to.include("3 unchanged");
    expect((await emu.admin.counters()).writes).to.equal(0);

    const destroy = await pulumi("destroy", "--yes");
    expect(destroy.code, destroy.out).to.equal(0);
    expect(Object.values((await emu.admin.state()).customers).filter((c) => c.externalId === "installed-001")).to.have.length(0);
  });
});
