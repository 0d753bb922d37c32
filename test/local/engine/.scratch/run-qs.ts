import { startEmulator } from "../../../../local/emulator";
import { runEngine } from "../../../../local/engine";
(async () => {
    const emu = await startEmulator({ provisioningDelayMs: 50, rateLimit: false } as any);
    const t0 = Date.now();
    try {
        for (const op of ["preview", "up", "up", "destroy"] as const) {
            const r = await runEngine({ operation: op, cwd: __dirname + "/qs", stack: "dev", stateFile: __dirname + "/qs-state/dev.json",
                config: { "webex:baseUrl": (emu as any).url }, secretConfig: { "webex:accessToken": (emu as any).token },
                output: (l) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} ${l}`) });
            console.log(op, r.ok, r.durationMs, JSON.stringify(r.summary), r.errors);
        }
    } finally { await (emu as any).close(); }
})();
