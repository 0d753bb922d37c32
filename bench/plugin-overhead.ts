/**
 * `npx ts-node --transpile-only bench/plugin-overhead.ts [--resources 30]` (after `npm run build`):
 * start-up time and per-resource time of the provider plugin `pulumi-resource-webex-wholesale`
 * against Pulumi's dynamic-provider plugin, in the same run, against one emulator (no rate limit,
 * no provisioning delay). Each plugin is started three times (time until it prints its port), then
 * runs check → create → delete of N onboarding templates over gRPC, as the engine drives it. Prints
 * the figures and their ratios.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { startEmulator } from "../local/emulator";
import { OnboardingTemplateProvider } from "../provider";
import { REPO_ROOT, serializeProvider, startPlugin, type Plugin } from "../test/dynamic-provider/plugin-harness";

const N = Number(process.argv[process.argv.indexOf("--resources") + 1] ?? "") || 30;
const PLUGIN = [join(REPO_ROOT, "dist", "provider", "plugin", "main.js"), "127.0.0.1:1"];

const template = (i: number) => ({
  templateName: `Bench ${i}`,
  serviceProviderAdmin: "ops@partner.example",
  countryCode: "FR",
  wholesaleSubscriptionId: "Sub-1",
  emailBrandName: "Bench",
});

async function started(command?: string[]): Promise<{ plugin: Plugin; ms: number }> {
  const t = performance.now();
  const plugin = await startPlugin({}, command);
  return { plugin, ms: performance.now() - t };
}

async function main(): Promise<void> {
  const emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 0 });
  const code = await serializeProvider(new OnboardingTemplateProvider());
  const kinds = [
    {
      name: "dynamic provider (pulumi-resource-pulumi-nodejs)",
      command: undefined,
      type: "pulumi-nodejs:dynamic/webex:OnboardingTemplate",
      extra: { __provider: code },
    },
    {
      name: "provider plugin (pulumi-resource-webex-wholesale)",
      command: PLUGIN,
      type: "webex-wholesale:index:OnboardingTemplate",
      extra: {},
    },
  ];
  const results: { name: string; startMs: number; perResourceMs: number }[] = [];
  for (const kind of kinds) {
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { plugin, ms } = await started(kind.command);
      starts.push(ms);
      await plugin.close();
    }
    const { plugin } = await started(kind.command);
    if (kind.command === undefined) {
      await plugin.configure({ "webex:accessToken": emu.token, "webex:baseUrl": emu.url });
    } else {
      const req = new provproto.ConfigureRequest();
      req.getVariablesMap().set("webex-wholesale:config:accessToken", emu.token);
      req.getVariablesMap().set("webex-wholesale:config:baseUrl", emu.url);
      req.setArgs(Struct.fromJavaScript({}));
      await plugin.call(plugin.client.configure, req);
    }
    const urn = (i: number) => `urn:pulumi:dev::bench::${kind.type}::t${i}`;
    const t = performance.now();
    for (let i = 0; i < N; i++) {
      const checked = await plugin.check(urn(i), {}, { ...template(i), ...kind.extra });
      const created = await plugin.create(urn(i), checked.inputs);
      await plugin.delete(urn(i), created.id, created.outs);
    }
    const perResourceMs = (performance.now() - t) / N;
    await plugin.close();
    starts.sort((a, b) => a - b);
    results.push({ name: kind.name, startMs: starts[1]!, perResourceMs });
  }
  await emu.close();
  for (const r of results) {
    console.log(
      `${r.name}: start-up ${r.startMs.toFixed(0)} ms (median of 3), check+create+delete ${r.perResourceMs.toFixed(1)} ms per resource (${N} resources)`,
    );
  }
  const [dyn, plug] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(
    `ratio plugin/dynamic: start-up ${(plug.startMs / dyn.startMs).toFixed(2)}x, per resource ${(plug.perResourceMs / dyn.perResourceMs).toFixed(2)}x (${(plug.perResourceMs - dyn.perResourceMs).toFixed(1)} ms)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
