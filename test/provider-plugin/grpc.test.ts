/**
 * The provider plugin `pulumi-resource-webex-wholesale` (built: dist/provider/plugin/main.js) over
 * gRPC, as the Pulumi engine drives it, against the emulator: schema and plugin info, provider
 * configuration (CheckConfig, Configure with the engine's `variables`), the lifecycle of the three
 * resources, refusals with the TypeScript package's message, the detailed diff, `pulumi import` by
 * id with 0 writes, customTimeouts, the getCustomerOrg invoke, and no token in anything it says.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { startEmulator } from "../../local/emulator";
import * as customerOrgOperations from "../../provider/resources/customer-org/operations";
import { schemaText } from "../../provider/plugin/package-schema";
import { assertBuildIsFresh, REPO_ROOT, startPlugin, type Plugin, type PluginError } from "../dynamic-provider/plugin-harness";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const PLUGIN_MAIN = join(REPO_ROOT, "dist", "provider", "plugin", "main.js");
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
const urn = (type: string, name: string) => `urn:pulumi:dev::plugintest::webex-wholesale:index:${type}::${name}`;
const S = (o: object) => Struct.fromJavaScript(o as Record<string, never>);
const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;

/** The refusal a resource's own operations give for olds → news: a check failure's reason, else diff's error. */
function refusalOf(olds: Record<string, unknown>, outs: Record<string, unknown>, news: Record<string, unknown>): string {
  const owner = {};
  const checked = customerOrgOperations.check(owner, olds, news);
  if ((checked.failures ?? []).length > 0) return checked.failures!.map((f) => f.reason).join("\n");
  try {
    customerOrgOperations.diff(owner, "id", outs, (checked.inputs ?? news) as Record<string, unknown>);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the change was not refused");
}

describe("provider plugin pulumi-resource-webex-wholesale over gRPC against the emulator", function () {
  this.timeout(120_000);
  let emu: Emulator;
  let plugin: Plugin;

  async function configure(vars: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    for (const [k, v] of Object.entries(vars)) req.getVariablesMap().set(`webex-wholesale:config:${k}`, v);
    req.setArgs(S({}));
    const resp = await plugin.call<provproto.ConfigureRequest, provproto.ConfigureResponse>(plugin.client.configure, req);
    // Secrets stay with the engine, so the operations never meet a secret wrapper.
    expect(resp.getAcceptsecrets()).to.equal(false);
  }

  async function diff(type: string, id: string, olds: object, news: object) {
    const req = new provproto.DiffRequest();
    req.setUrn(urn(type, "x"));
    req.setId(id);
    req.setOlds(S(olds));
    req.setNews(S(news));
    const r = await plugin.call<provproto.DiffRequest, provproto.DiffResponse>(plugin.client.diff, req);
    const detailed: Record<string, number> = {};
    r.getDetaileddiffMap().forEach((v, k) => (detailed[k] = v.getKind()));
    return {
      changes: r.getChanges(),
      replaces: r.getReplacesList(),
      diffs: r.getDiffsList(),
      detailed,
      deleteBeforeReplace: r.getDeletebeforereplace(),
    };
  }

  async function create(type: string, name: string, props: object, timeoutSeconds = 0) {
    const req = new provproto.CreateRequest();
    req.setUrn(urn(type, name));
    req.setProperties(S(props));
    req.setTimeout(timeoutSeconds);
    const r = await plugin.call<provproto.CreateRequest, provproto.CreateResponse>(plugin.client.create, req);
    return { id: r.getId(), outs: (r.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
  }

  async function invoke(args: object) {
    const req = new provproto.InvokeRequest();
    req.setTok("webex-wholesale:index:getCustomerOrg");
    req.setArgs(S(args));
    const r = await plugin.call<provproto.InvokeRequest, provproto.InvokeResponse>(plugin.client.invoke, req);
    return {
      outputs: r.getReturn()?.toJavaScript() ?? {},
      failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  before(async function () {
    assertBuildIsFresh();
    emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 50 });
    plugin = await startPlugin({}, [PLUGIN_MAIN, "127.0.0.1:1"]);
  });

  after(async function () {
    await plugin?.close();
    await emu?.close();
  });

  it("answers GetSchema with the generated schema and GetPluginInfo with the package's version", async () => {
    const req = new provproto.GetSchemaRequest();
    const schema = await plugin.call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(plugin.client.getSchema, req);
    expect(schema.getSchema()).to.equal(schemaText(VERSION));
    const info = await plugin.call<Empty, plugproto.PluginInfo>(plugin.client.getPluginInfo, new Empty());
    expect(info.getVersion()).to.equal(VERSION);
  });

  it("CheckConfig refuses an invalid setting and an unknown key by name, and accepts a valid configuration", async () => {
    const check = async (news: object) => {
      const req = new provproto.CheckRequest();
      req.setUrn("urn:pulumi:dev::plugintest::pulumi:providers:webex-wholesale::default");
      req.setOlds(S({}));
      req.setNews(S(news));
      const r = await plugin.call<provproto.CheckRequest, provproto.CheckResponse>(plugin.client.checkConfig, req);
      return r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    };
    const bad = await check({ clientRules: "lenient", provisioningTimeout: "10", version: "0.1.0" });
    expect(bad.map((f) => f.property)).to.have.members(["clientRules", "provisioningTimeout"]);
    expect(bad.find((f) => f.property === "clientRules")!.reason)
      .to.include("webex-wholesale:clientRules")
      .and.not.include("webex:clientRules");
    expect(await check({ baseUrl: emu.url, provisioningTimeoutSeconds: 60, clientRules: "server", accessToken: "t" })).to.deep.equal([]);
  });

  const template = {
    templateName: "SMB EMEA",
    serviceProviderAdmin: "ops@partner.example",
    countryCode: "FR",
    defaultEmailLanguage: "fr_FR",
    wholesaleSubscriptionId: "Sub-123",
    emailBrandName: "Partner Voice",
  };
  it("without a token anywhere, create fails naming webex-wholesale:accessToken and WEBEX_ACCESS_TOKEN", async () => {
    await configure({ baseUrl: emu.url });
    const failed = await create("OnboardingTemplate", "t0", {
      ...template,
      allowAdminInviteEmails: false,
      allowWebexToWebexCalls: true,
    }).then(
      () => undefined,
      (e: PluginError) => e,
    );
    expect(failed?.details).to.include("webex-wholesale:accessToken").and.include("WEBEX_ACCESS_TOKEN");
  });

  const customer = (provisioningId: string) => ({
    provisioningId,
    externalId: "acme-001",
    companyName: "Acme",
    adminEmail: "admin@acme.example",
    supportedLocationConfirmed: true,
    address: { line1: "1 rue du Port", city: "Marseille", postalCode: "13002", country: "FR" },
    packages: [{ name: "webex_meetings" }],
  });
  const state: Record<string, { id: string; inputs: Record<string, unknown>; outs: Record<string, unknown> }> = {};

  it("creates a template, a customer and a user with the configured token (variables), one write each", async () => {
    await configure({ accessToken: emu.token, baseUrl: emu.url, provisioningTimeoutSeconds: "60" });
    for (const [type, name, args] of [
      ["OnboardingTemplate", "smb", () => template],
      ["CustomerOrg", "acme-001", () => customer(state.OnboardingTemplate!.outs.provisioningId as string)],
      [
        "CustomerUser",
        "ada",
        () => ({
          customerId: state.CustomerOrg!.id,
          email: "ada@acme.example",
          firstName: "Ada",
          lastName: "L",
          package: "webex_meetings",
        }),
      ],
    ] as const) {
      const checked = await plugin.check(urn(type, name), {}, args());
      expect(checked.failures, type).to.deep.equal([]);
      await emu.admin.resetCounters();
      const created = await create(type, name, checked.inputs);
      expect((await emu.admin.counters()).writes, `${type} writes`).to.equal(1);
      state[type] = { id: created.id, inputs: checked.inputs, outs: created.outs };
    }
    expect(state.CustomerOrg!.outs).to.include({ status: "provisioned", customerId: state.CustomerOrg!.id });
  });

  it("refuses a change of companyName with exactly the message of the TypeScript package's operations", async () => {
    const c = state.CustomerOrg!;
    const news = { ...c.inputs, companyName: "Acme Renamed" };
    const expected = refusalOf(c.inputs, c.outs, news);
    expect(expected).to.include("companyName");
    const checked = await plugin.check(urn("CustomerOrg", "acme-001"), c.inputs, news);
    const said =
      checked.failures.length > 0
        ? checked.failures.map((f) => f.reason).join("\n")
        : await diff("CustomerOrg", c.id, c.outs, checked.inputs).then(
            () => "no refusal",
            (e: PluginError) => e.details,
          );
    expect(said).to.equal(expected);
  });

  it("reports the changed keys and a detailed diff: packages update in place, email replaces (delete first)", async () => {
    const c = state.CustomerOrg!;
    const updated = await diff("CustomerOrg", c.id, c.outs, {
      ...c.inputs,
      packages: [{ name: "webex_meetings" }, { name: "webex_calling" }],
    });
    expect(updated).to.deep.include({ changes: DIFF_SOME, replaces: [], diffs: ["packages"] });
    expect(updated.detailed).to.deep.equal({ packages: provproto.PropertyDiff.Kind.UPDATE });
    const same = await diff("CustomerOrg", c.id, c.outs, c.inputs);
    expect(same).to.deep.include({ changes: DIFF_NONE, diffs: [] });
    const u = state.CustomerUser!;
    const replaced = await diff("CustomerUser", u.id, u.outs, { ...u.inputs, email: "ada.l@acme.example" });
    expect(replaced).to.deep.include({ changes: DIFF_SOME, replaces: ["email"], deleteBeforeReplace: true });
    expect(replaced.detailed).to.deep.equal({ email: provproto.PropertyDiff.Kind.UPDATE_REPLACE });
  });

  it("imports a customer created outside Pulumi by id with 0 writes; the program's inputs then settle it without a write", async () => {
    const api = (method: string, path: string, body?: object) =>
      fetch(`${emu.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const outside = { ...customer(state.OnboardingTemplate!.outs.provisioningId as string), externalId: "outside-001" };
    const posted = await api("POST", "/v1/wholesale/customers", {
      provisioningId: outside.provisioningId,
      externalId: outside.externalId,
      packages: ["webex_meetings"],
      address: { addressLine1: "1 rue du Port", city: "Marseille", zipOrPostalCode: "13002", country: "FR" },
      customerInfo: { name: "Acme", primaryEmail: "admin@acme.example", language: "en_US" },
    });
    expect(posted.status).to.equal(202);
    const id = decodeURIComponent(posted.headers.get("location")!.split("/").pop()!);
    await new Promise((r) => setTimeout(r, 300));

    await emu.admin.resetCounters();
    const read = await plugin.read(urn("CustomerOrg", "outside-001"), id, {});
    expect((await emu.admin.counters()).writes, "import writes").to.equal(0);
    expect(read.id).to.equal(id);
    expect(read.inputs).to.deep.include({ externalId: "outside-001", packages: [{ name: "webex_meetings" }] });
    expect(read.props).to.include({ customerId: id, status: "provisioned", schemaVersion: 0 });

    // The program now declares it: no refusal for what the import could not know, one update
    // that completes the state without any write.
    const checked = await plugin.check(urn("CustomerOrg", "outside-001"), read.inputs!, outside);
    expect(checked.failures).to.deep.equal([]);
    const d = await diff("CustomerOrg", id, read.props, checked.inputs);
    expect(d.changes).to.equal(DIFF_SOME);
    await emu.admin.resetCounters();
    const outs = await plugin.update(urn("CustomerOrg", "outside-001"), id, read.props, checked.inputs);
    expect((await emu.admin.counters()).writes, "settling writes").to.equal(0);
    expect(outs).to.include({ companyName: "Acme", schemaVersion: 1, status: "provisioned" });

    const missing = await plugin.read(urn("CustomerOrg", "nope"), "no-such-customer", {}).then(
      () => undefined,
      (e: PluginError) => e,
    );
    expect(missing?.details).to.include("does not exist");
  });

  it("getCustomerOrg: finds by externalId and by customerId; bad arguments are failures", async () => {
    const byExternal = await invoke({ externalId: "acme-001" });
    expect(byExternal.failures).to.deep.equal([]);
    expect(byExternal.outputs).to.deep.include({
      customerId: state.CustomerOrg!.id,
      externalId: "acme-001",
      status: "provisioned",
      packages: ["webex_meetings"],
    });
    expect((await invoke({ customerId: state.CustomerOrg!.id })).outputs).to.deep.include({ externalId: "acme-001" });
    expect((await invoke({})).failures.map((f) => f.property)).to.deep.equal(["externalId"]);
    expect((await invoke({ externalId: "a", customerId: "b" })).failures.map((f) => f.property)).to.deep.equal(["customerId"]);
    const none = await invoke({ externalId: "nobody" }).then(
      () => undefined,
      (e: PluginError) => e,
    );
    expect(none?.details).to.include("no customer has externalId");
  });

  it("customTimeouts: a create timeout shorter than provisioning records the customer as partially created", async () => {
    await emu.admin.configure({ provisioningDelayMs: 4000 });
    try {
      const checked = await plugin.check(
        urn("CustomerOrg", "slow-001"),
        {},
        {
          ...customer(state.OnboardingTemplate!.outs.provisioningId as string),
          externalId: "slow-001",
        },
      );
      const failed = await create("CustomerOrg", "slow-001", checked.inputs, 1).then(
        () => undefined,
        (e: PluginError) => e,
      );
      expect(failed?.details).to.include("within 1s");
      expect(failed?.initFailure?.id, "recorded with its id").to.be.a("string").and.not.equal("");
    } finally {
      await emu.admin.configure({ provisioningDelayMs: 50 });
    }
  });

  it("deletes the user and the customer (gone afterwards) and never says the token", async () => {
    await plugin.delete(urn("CustomerUser", "ada"), state.CustomerUser!.id, state.CustomerUser!.outs);
    await plugin.delete(urn("CustomerOrg", "acme-001"), state.CustomerOrg!.id, state.CustomerOrg!.outs);
    const gone = await plugin.read(urn("CustomerOrg", "acme-001"), state.CustomerOrg!.id, state.CustomerOrg!.outs);
    expect(gone.id).to.equal("");
    expect(plugin.stderr()).not.to.include(emu.token);
  });
});
