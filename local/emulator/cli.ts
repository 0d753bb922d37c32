/**
 * `npm run emulator -- --port 8080 --state .local/state.json [--delay-ms N] [--latency-ms N]
 * [--jitter-ms N] [--rate 20 --burst 40 | --no-rate-limit] [--faults 0.2 --fault-kinds 500,503
 * --seed 1] [--token T] [--admin-token T] [--host H] [--verbose]`
 *
 * Prints the URL, the partner token and the admin token, then serves until Ctrl-C (the state
 * file is flushed on the way out).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmulator } from "./index";
import { DEFAULT_RATE_LIMIT, type EmulatorOptions, FaultKindSchema } from "./options";

const USAGE =
  "usage: npm run emulator -- [--port 8080] [--host 127.0.0.1] [--public-url URL] [--state .local/state.json] [--delay-ms 200] " +
  "[--latency-ms 0] [--jitter-ms 0] [--rate 20 --burst 40 | --no-rate-limit] [--faults 0.2 --fault-kinds 500,503 --seed 1] " +
  "[--token T] [--admin-token T] [--verbose]";

const num = (name: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `--${name} must be a non-negative number`)
    .transform(Number)
    .optional();

/** The command line after validation. */
const FlagsSchema = z.object({
  port: num("port"),
  host: z.string().optional(),
  "public-url": z.string().optional(),
  state: z.string().optional(),
  "delay-ms": num("delay-ms"),
  "latency-ms": num("latency-ms"),
  "jitter-ms": num("jitter-ms"),
  rate: num("rate"),
  burst: num("burst"),
  "no-rate-limit": z.boolean().optional(),
  faults: num("faults"),
  "fault-kinds": z.string().optional(),
  seed: num("seed"),
  token: z.string().optional(),
  "admin-token": z.string().optional(),
  verbose: z.boolean().optional(),
  help: z.boolean().optional(),
});

/** Turns argv into `startEmulator` options; throws with a message a person can act on. */
export function parseCli(argv: string[]): EmulatorOptions & { help?: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "public-url": { type: "string" },
      state: { type: "string" },
      "delay-ms": { type: "string" },
      "latency-ms": { type: "string" },
      "jitter-ms": { type: "string" },
      rate: { type: "string" },
      burst: { type: "string" },
      "no-rate-limit": { type: "boolean" },
      faults: { type: "string" },
      "fault-kinds": { type: "string" },
      seed: { type: "string" },
      token: { type: "string" },
      "admin-token": { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  const f = FlagsSchema.parse(values);
  const kinds = (f["fault-kinds"] ?? "500,503").split(",").map((k) => FaultKindSchema.parse(k.trim()));
  return {
    ...(f.help === true ? { help: true } : {}),
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.host !== undefined ? { host: f.host } : {}),
    ...(f["public-url"] !== undefined ? { publicUrl: f["public-url"] } : {}),
    ...(f.state !== undefined ? { stateFile: f.state } : {}),
    ...(f["delay-ms"] !== undefined ? { provisioningDelayMs: f["delay-ms"] } : {}),
    latencyMs: { fixed: f["latency-ms"] ?? 0, jitter: f["jitter-ms"] ?? 0 },
    rateLimit:
      f["no-rate-limit"] === true
        ? false
        : { perSecond: f.rate ?? DEFAULT_RATE_LIMIT.perSecond, burst: Math.max(1, Math.round(f.burst ?? DEFAULT_RATE_LIMIT.burst)) },
    ...(f.faults !== undefined && f.faults > 0
      ? { faults: { probability: f.faults, kinds, ...(f.seed !== undefined ? { seed: Math.round(f.seed) } : {}) } }
      : {}),
    ...(f.token !== undefined ? { token: f.token } : {}),
    ...(f["admin-token"] !== undefined ? { adminToken: f["admin-token"] } : {}),
    ...(f.verbose === true ? { log: (line: string) => console.log(line) } : {}),
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof z.ZodError ? e.issues.map((i) => i.message).join("\n") : e instanceof Error ? e.message : String(e));
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (options.help === true) {
    console.log(USAGE);
    return;
  }
  const { help: _help, ...rest } = options;
  const emu = await startEmulator(rest);
  // the tokens are printed on purpose: this is the one place a person gets them
  console.log(`Webex Wholesale provisioning-API emulator listening on ${emu.url}`);
  console.log(`  partner token (Authorization: Bearer ...): ${emu.token}`);
  console.log(`  admin token (X-Emulator-Admin: ...):       ${emu.adminToken}`);
  if (rest.stateFile !== undefined) console.log(`  state file: ${rest.stateFile}`);
  const stop = (): void => {
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`could not flush the state file: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) void main();
