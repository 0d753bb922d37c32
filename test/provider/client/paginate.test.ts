import { expect } from "chai";
import nock from "nock";
import { createClient } from "../../../provider/client";
import { paginate, parseLinkNext, type Page, type PageRequest } from "../../../provider/client/paginate";
import { API, useNock } from "./helpers";

const TOKEN = "page-token";
const SUB = "sub/partner=";

/** Customers c0..c(n-1). */
const customers = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${from + i}`, status: "provisioned" }));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("client pagination", () => {
  useNock();

  describe("parseLinkNext", () => {
    const base = `${API}/v1/wholesale/customers?max=2`;
    const cases: Array<{ name: string; link: string | undefined; want: string | undefined }> = [
      { name: "absolute next", link: `<${API}/v1/x?offset=2>; rel="next"`, want: `${API}/v1/x?offset=2` },
      { name: "relative next", link: `</v1/x?offset=2>; rel="next"`, want: `${API}/v1/x?offset=2` },
      {
        name: "next among prev and first",
        link: `<${API}/p>; rel="prev", <${API}/n>; rel="next", <${API}/f>; rel="first"`,
        want: `${API}/n`,
      },
      { name: "unquoted rel", link: `<${API}/n>; rel=next`, want: `${API}/n` },
      { name: "several rel values", link: `<${API}/n>; rel="last next"`, want: `${API}/n` },
      { name: "a URL holding a comma", link: `<${API}/n?a=1,2>; rel="next"`, want: `${API}/n?a=1,2` },
      { name: "only prev", link: `<${API}/p>; rel="prev"`, want: undefined },
      { name: "no header", link: undefined, want: undefined },
      { name: "garbage", link: "not a link", want: undefined },
    ];
    for (const c of cases) it(c.name, () => expect(parseLinkNext(c.link, base)).to.equal(c.want));
  });

  describe("paginate (generic)", () => {
    /** A fake offset-paged source of `total` numbers that records every request. */
    function source(total: number, withLinks: boolean) {
      const requests: PageRequest[] = [];
      const fetchPage = async (r: PageRequest): Promise<Page<number>> => {
        requests.push(r);
        const offset = r.url ? Number(new URL(r.url).searchParams.get("offset")) : r.offset;
        const items = Array.from({ length: Math.max(0, Math.min(r.max, total - offset)) }, (_, i) => offset + i);
        const more = offset + items.length < total;
        return { items, next: withLinks && more ? `${API}/x?offset=${offset + items.length}` : undefined };
      };
      return { requests, fetchPage };
    }
    const cases: Array<{
      name: string;
      total: number;
      links: boolean;
      pageSize: number;
      max?: number;
      wantItems: number;
      wantRequests: number;
    }> = [
      { name: "offset paging: 3 full pages and a short one", total: 7, links: false, pageSize: 2, wantItems: 7, wantRequests: 4 },
      { name: "offset paging: exact multiple ends on an empty page", total: 6, links: false, pageSize: 2, wantItems: 6, wantRequests: 4 },
      { name: "links: 3 pages, the last without Link", total: 6, links: true, pageSize: 2, wantItems: 6, wantRequests: 3 },
      { name: "max stops early without fetching further", total: 100, links: false, pageSize: 10, max: 15, wantItems: 15, wantRequests: 2 },
      { name: "max smaller than a page asks for that many", total: 100, links: false, pageSize: 10, max: 3, wantItems: 3, wantRequests: 1 },
      { name: "empty list", total: 0, links: false, pageSize: 10, wantItems: 0, wantRequests: 1 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const s = source(c.total, c.links);
        const got = await all(paginate(s.fetchPage, { pageSize: c.pageSize, max: c.max }));
        expect(got).to.deep.equal(Array.from({ length: c.wantItems }, (_, i) => i));
        expect(s.requests).to.have.length(c.wantRequests);
      });
    }

    it("stops when a server links to a page already visited", async () => {
      let calls = 0;
      const got = await all(
        paginate(async () => {
          calls++;
          return { items: [calls], next: `${API}/same` };
        }),
      );
      expect(got).to.deep.equal([1, 2]);
      expect(calls).to.equal(2);
    });
  });

  describe("list endpoints over HTTP", () => {
    it("follows Link rel=next across 3 pages, keeping auth and the sub-partner query", async () => {
      const client = createClient({ baseUrl: API, accessToken: TOKEN, subPartnerOrgId: SUB, pageSize: 2 });
      const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };
      const scope = nock(API, auth)
        .get("/v1/wholesale/customers")
        .query({ externalId: "acme", offset: "0", max: "2", onBehalfOfSubPartnerOrgId: SUB })
        .reply(200, { items: customers(0, 2) }, { Link: `<${API}/v1/wholesale/customers?externalId=acme&cursor=p2>; rel="next"` })
        .get("/v1/wholesale/customers")
        // the server's link dropped the sub-partner: the client adds it back
        .query({ externalId: "acme", cursor: "p2", onBehalfOfSubPartnerOrgId: SUB })
        .reply(200, { items: customers(2, 2) }, { Link: `</v1/wholesale/customers?externalId=acme&cursor=p3>; rel="next"` })
        .get("/v1/wholesale/customers")
        .query({ externalId: "acme", cursor: "p3", onBehalfOfSubPartnerOrgId: SUB })
        .reply(200, { items: customers(4, 1) });
      const got = await all(client.customers.list({ externalId: "acme" }));
      scope.done();
      expect(got.map((c) => c.id)).to.deep.equal(["c0", "c1", "c2", "c3", "c4"]);
    });

    it("pages with offset/max when the server sends no Link (the public spec)", async () => {
      const client = createClient({ baseUrl: API, accessToken: TOKEN, pageSize: 2 });
      const scope = nock(API)
        .get("/v1/wholesale/subscribers")
        .query({ customerId: "c", offset: "0", max: "2" })
        .reply(200, { items: customers(0, 2) })
        .get("/v1/wholesale/subscribers")
        .query({ customerId: "c", offset: "2", max: "2" })
        .reply(200, { items: customers(2, 2) })
        .get("/v1/wholesale/subscribers")
        .query({ customerId: "c", offset: "4", max: "2" })
        .reply(200, { items: customers(4, 1) });
      const got = await all(client.subscribers.list({ customerId: "c" }));
      scope.done();
      expect(got.map((s) => s.id)).to.deep.equal(["c0", "c1", "c2", "c3", "c4"]);
    });

    it("a caller that stops early sends no further request", async () => {
      const client = createClient({ baseUrl: API, accessToken: TOKEN, pageSize: 2 });
      const scope = nock(API)
        .get("/v1/wholesale/customers")
        .query({ offset: "0", max: "2" })
        .reply(200, { items: customers(0, 2) }, { Link: `<${API}/v1/wholesale/customers?offset=2&max=2>; rel="next"` });
      const seen: string[] = [];
      for await (const c of client.customers.list()) {
        seen.push(c.id);
        break;
      }
      scope.done();
      expect(seen).to.deep.equal(["c0"]);
    });

    it("an item that breaks the schema is a typed error naming its index", async () => {
      const client = createClient({ baseUrl: API, accessToken: TOKEN });
      const scope = nock(API)
        .get("/v1/wholesale/customers")
        .query(true)
        .reply(200, { items: [{ id: "ok", status: "provisioned" }, { id: "bad" }] });
      const err = await all(client.customers.list()).then(
        () => undefined,
        (e: unknown) => e,
      );
      scope.done();
      expect(err).to.have.property("name", "ProvisioningApiError");
      expect((err as Error).message).to.include("items.1.status");
    });
  });
});
