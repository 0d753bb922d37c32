// The links `npm run test:api-fuzz` declares, checked against the vendored specs without running
// schemathesis (a link naming a missing operation or parameter would stop its stateful phase, or,
// worse, leave it following nothing), and the figures read from schemathesis's event stream.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { countLinks, SPECS, withLinks } from "../../scripts/api-fuzz/links";
import { STATEFUL_LABEL, statefulStats } from "../../scripts/api-fuzz/stateful";

const SEED = { provisioningId: "cHJvdmlzaW9uaW5n" };
const METHODS = ["get", "put", "post", "delete", "patch"];

interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly requestBody?: unknown;
  readonly responses: Record<string, { links?: Record<string, Record<string, unknown>> }>;
}

function operations(spec: Record<string, any>): { label: string; op: Operation }[] {
  return Object.entries(spec["paths"] as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })),
  );
}

/** The runtime expressions inside a link value: the whole string, or each embedded `{$…}`. */
function expressions(value: unknown): string[] {
  if (typeof value === "string") {
    if (value.startsWith("$")) return [value];
    return [...value.matchAll(/\{(\$[^}]+)\}/g)].map((m) => m[1] ?? "");
  }
  if (Array.isArray(value)) return value.flatMap(expressions);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(expressions);
  return [];
}

for (const entry of SPECS) {
  describe(`api-fuzz links: ${entry.file}`, () => {
    const spec = JSON.parse(readFileSync(join(__dirname, "specs", entry.file), "utf8")) as Record<string, any>;
    const declared = entry.links(SEED);
    const linked = operations(withLinks(spec, declared));
    const byId = new Map(linked.map((o) => [o.op.operationId, o]));
    const all = linked.flatMap((source) =>
      Object.entries(source.op.responses).flatMap(([status, response]) =>
        Object.entries(response.links ?? {}).map(([name, link]) => ({ source, status, name, link })),
      ),
    );

    it("declares links on responses the spec documents, every one counted", () => {
      expect(all.length).to.be.greaterThan(10);
      expect(countLinks(declared)).to.equal(all.length);
      // the vendored file itself stays as Cisco wrote it
      expect(JSON.stringify(spec)).not.to.include('"links"');
    });

    it("leads every link to an operation of the spec, with parameters that operation has", () => {
      for (const { source, status, name, link } of all) {
        const where = `${source.label} → ${status} → ${name}`;
        const target = byId.get(link["operationId"] as string);
        expect(target, `${where}: operationId ${String(link["operationId"])}`).not.to.equal(undefined);
        for (const key of Object.keys((link["parameters"] as Record<string, string>) ?? {})) {
          const [location, param] = key.includes(".") ? key.split(".") : [undefined, key];
          const found = (target?.op.parameters ?? []).some((p) => p.name === param && (location === undefined || p.in === location));
          expect(found, `${where}: the target has no parameter ${key}`).to.equal(true);
        }
        if (link["requestBody"] !== undefined)
          expect(target?.op.requestBody, `${where}: a body for an operation without one`).not.to.equal(undefined);
      }
    });

    it("reads only what the source has: its own parameters, or its answer's body and headers", () => {
      for (const { source, status, name, link } of all) {
        const where = `${source.label} → ${status} → ${name}`;
        for (const expr of expressions([link["parameters"], link["requestBody"]])) {
          const request = /^\$request\.(path|query|header)\.([^#]+)/.exec(expr);
          if (request !== null) {
            const found = (source.op.parameters ?? []).some((p) => p.in === request[1] && p.name === request[2]);
            expect(found, `${where}: ${expr} names no parameter of the source`).to.equal(true);
          } else {
            expect(expr, where).to.match(/^\$(request\.body#\/|response\.body#\/|response\.header\.)/);
          }
          // a JSON pointer into a body the source answers with no content would never resolve
          if (expr.startsWith("$response.body")) {
            expect(Number(status), `${where}: reads the body of a ${status}`).not.to.equal(204);
          }
        }
      }
    });

    it("sends a create's whole body rather than merging it into a generated one", () => {
      const replacing = all.filter(({ link }) => (link["x-schemathesis"] as { merge_body?: boolean } | undefined)?.merge_body === false);
      expect(replacing.length).to.be.greaterThan(0);
      for (const { link } of replacing) expect(link["requestBody"]).not.to.equal(undefined);
    });
  });
}

describe("api-fuzz links: what the wholesale sequences start from", () => {
  const declared = SPECS[0]!.links(SEED);

  it("provisions from GET subPartners, for the sub-partner it lists and for the partner, with the seeded template", () => {
    const links = declared["GET /wholesale/subPartners"]?.["200"] ?? {};
    expect(Object.values(links).map((l) => l.operationId)).to.deep.equal([
      "Provision a Wholesale Customer",
      "Provision a Wholesale Customer",
    ]);
    for (const link of Object.values(links)) {
      expect(link.replaceBody).to.equal(true);
      expect(link.requestBody).to.deep.include({ provisioningId: SEED.provisioningId });
      // each create is unique: the source's TrackingID is in the externalId
      expect((link.requestBody as { externalId: string }).externalId).to.include("{$response.header.TrackingID}");
    }
  });

  it("takes a created customer's id out of its url with the regex extractor, for path parameters only", () => {
    const links = declared["POST /wholesale/customers"]?.["202"] ?? {};
    const fromUrl = Object.values(links).filter((l) => Object.values(l.parameters ?? {}).some((v) => v.includes("#regex:")));
    expect(fromUrl.length).to.be.greaterThan(0);
    // percent-encoded as in a URL: right in a path segment, wrong in a body or a query
    for (const link of fromUrl) {
      const keys = Object.entries(link.parameters ?? {})
        .filter(([, v]) => v.includes("#regex:"))
        .map(([k]) => k);
      expect(keys).to.deep.equal(["customerId"]);
      expect(JSON.stringify(link.requestBody ?? {})).not.to.include("#regex:");
    }
    const id = /#regex:(.*)$/.exec(links["GetCustomer"]?.parameters?.["customerId"] ?? "")?.[1] ?? "";
    expect(new RegExp(id).exec("https://x.example/v1/wholesale/customers/Y2lz%3D%3D")?.[1]).to.equal("Y2lz%3D%3D");
  });
});

describe("api-fuzz: figures of the stateful phase (statefulStats)", () => {
  const scenario = (over: Record<string, unknown>): string =>
    JSON.stringify({
      ScenarioFinished: {
        phase: "stateful",
        status: "success",
        is_final: false,
        recorder: {
          label: STATEFUL_LABEL,
          cases: {
            a: { value: {}, is_transition_applied: false },
            b: { value: {}, transition: { id: "GET /x -> [200] One -> GET /y" }, is_transition_applied: true },
            c: { value: {}, transition: { id: "GET /x -> [200] Two -> GET /z" }, is_transition_applied: false },
            d: { value: {}, transition: { id: "GET /x -> [200] One -> GET /y" }, is_transition_applied: true },
          },
          interactions: {
            a: { response: { status_code: 200 } },
            b: { response: { status_code: 201 } },
            d: { response: { status_code: 404 } },
          },
          checks: {
            d: [
              { name: "not_a_server_error", status: "success" },
              { name: "status_code_conformance", status: "failure", failure_info: { failure: { code: "ST103", operation: "GET /y" } } },
            ],
          },
        },
        ...over,
      },
    });

  it("counts scenarios, the links followed (applied values only) and the steps that answered 2xx", () => {
    const ndjson = [
      '{"Initialize":{}}',
      scenario({}),
      scenario({ status: "skip" }),
      scenario({ phase: "fuzzing" }),
      JSON.stringify({ ScenarioFinished: { phase: "stateful", status: "success", is_final: true, recorder: { label: STATEFUL_LABEL } } }),
      "",
    ].join("\n");
    const s = statefulStats(ndjson, 7);
    expect(s).to.deep.include({ scenarios: 1, declared: 7, followed: 1, transitions: 2, succeeded: 1 });
  });

  it("names each failed check by the operation its step called, so the allowlist judges it as in the other phases", () => {
    const s = statefulStats([scenario({}), scenario({ status: "skip" })].join("\n"), 2);
    expect([...s.failures]).to.deep.equal(["ST103 GET /y"]);
  });

  it("reports 0 links followed when no step used a linked value: the figure the leg fails on", () => {
    const none = scenario({}).replace(/"is_transition_applied":true/g, '"is_transition_applied":false');
    expect(statefulStats(none, 5)).to.deep.include({ scenarios: 1, followed: 0, transitions: 0 });
  });
});
