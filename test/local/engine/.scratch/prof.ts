import { FixtureStack } from "../fixture-stack";
(async () => {
    const n = Number(process.argv[2] ?? 1000);
    const spec = { records: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, value: `v${i}` })) };
    const s = new FixtureStack();
    for (const op of ["up", "up"] as const) {
        const t0 = Date.now();
        const marks: string[] = [];
        let first = 0, last = 0;
        const r = await (async () => {
            const { runEngine } = require("../../../../local/engine") as typeof import("../../../../local/engine");
            return runEngine({ ...s.options(op, spec), verbose: true, output: (l) => {
                const t = Date.now() - t0;
                if (/Record r\d+ (same|created)/.test(l)) { if (!first) first = t; last = t; }
                else if (!/Record/.test(l)) marks.push(`${t} ${l.slice(0, 80)}`);
            } });
        })();
        console.log(op, r.durationMs, "first reg", first, "last reg", last, marks.join(" | "));
    }
    s.cleanup();
})();
