// Text from API answers is untrusted (issue 12): an error description, a tracking id or a status
// holding an escape sequence or a line break must not reach the operator's terminal raw, whichever
// engine prints the error. Each test plants such text in an answer and asserts the message carries
// it visibly escaped.
import { expect } from "chai";
import nock from "nock";
import { startEmulator } from "../../../../local/emulator";
import { createClient, ValidationError } from "../../../../provider/client";
import { tuneClients } from "../../../../provider/resources/common/client-cache";
import { explainApiError, ResourceInitError } from "../../../../provider/resources/common/errors";
import { progressReporter, setProgressSink } from "../../../../provider/resources/common/progress";
import * as orgOps from "../../../../provider/resources/customer-org/operations";
import * as templateOps from "../../../../provider/resources/onboarding-template/operations";
import { findControlCharacter } from "../../../../provider/text";

/** What a hostile or broken answer carries: a colour escape and a line that forges engine output. */
const HOSTILE = "\u001b[31mPackage failed\n + webex:index:CustomerOrg forged created";
const ESCAPED = "\\x1b[31mPackage failed\\n + webex:index:CustomerOrg forged created";

/** Fails when `text` holds any control character (ESC, CR, LF, bidi marks...). */
function expectPrintable(text: string, what: string): void {
  expect(findControlCharacter(text), `${what}: ${JSON.stringify(text)}`).to.equal(undefined);
}

describe("API text in messages is escaped", function () {
  this.timeout(60_000);

  it("a customer the emulator reports failed with an escape and a newline in its error: the resource error shows them escaped", async () => {
    const emu = await startEmulator({ rateLimit: false, provisioningDelayMs: 10 });
    const restore = tuneClients({ sleep: async () => undefined, coldInitialDelayMs: 0, maxAttempts: 1 });
    const restoreSink = setProgressSink(() => undefined);
    const owner = {};
    const configure = {
      config: { get: (k: string) => ({ "webex:accessToken": emu.token, "webex:baseUrl": emu.url })[k], require: () => "" },
    };
    try {
      templateOps.configure(owner, configure as never);
      orgOps.configure(owner, configure as never);
      const template = await templateOps.create(
        owner,
        templateOps.check(
          owner,
          {},
          {
            templateName: "Escapes",
            serviceProviderAdmin: "ops@partner.example",
            countryCode: "fr",
            wholesaleSubscriptionId: "Sub-1",
            emailBrandName: "Brand",
          },
        ).inputs!,
      );
      const checked = orgOps.check(
        owner,
        {},
        {
          provisioningId: template.outs!.provisioningId,
          externalId: "escapes-001",
          companyName: "Escapes",
          adminEmail: "admin@escapes.example",
          supportedLocationConfirmed: true,
          address: { line1: "1 Main St", city: "Austin", stateOrProvince: "TX", postalCode: "78701", country: "US" },
          packages: [{ name: "webex_meetings", quantity: 5 }],
        },
      );
      expect(checked.failures ?? []).to.deep.equal([]);
      const created = await orgOps.create(owner, checked.inputs!);

      // The service now says the customer failed, in words no one should print raw.
      const state = await emu.admin.state();
      const customer = state.customers[created.id]!;
      const error = { errorCode: 2560, description: HOSTILE };
      state.customers[created.id] = { ...customer, status: "provisioned_with_errors", errors: [error] };
      await emu.admin.replaceState(state);

      // The next create of the same customer adopts it and waits for it: a partial create.
      const err = await orgOps.create(owner, checked.inputs!).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ResourceInitError);
      const init = err as ResourceInitError;
      expectPrintable(init.message, "message");
      for (const reason of init.reasons) expectPrintable(reason, "reason");
      expect(init.message).to.include(ESCAPED);
      expect(init.reasons.join("\n")).to.include(ESCAPED);
    } finally {
      restoreSink();
      restore();
      await emu.close();
    }
  });

  it("an HTTP error answer with an escape and a newline in its description and tracking id: the client's error shows them escaped", async () => {
    const base = "http://127.0.0.1:18182";
    nock.disableNetConnect();
    try {
      nock(base)
        .get("/v1/wholesale/customers/c1")
        .reply(400, { message: HOSTILE, trackingId: "ROUTER_\u001b[2J\rX" }, { TrackingID: "ROUTER_header" });
      const client = createClient({ baseUrl: base, accessToken: "tok_escapes_test_1", maxAttempts: 1 });
      const err = (await client.customers.get("c1").then(
        () => undefined,
        (e: unknown) => e,
      )) as ValidationError;
      expect(err).to.be.instanceOf(ValidationError);
      expectPrintable(err.message, "message");
      expectPrintable(err.trackingId ?? "", "trackingId");
      err.descriptions.forEach((d) => expectPrintable(d, "description"));
      expect(err.message).to.include("\\x1b[31mPackage failed").and.include("(TrackingID ROUTER_\\x1b[2J\\rX)");
      // Labelled by the resource, it stays escaped (the label itself is an input, refused when it has one).
      expectPrintable(explainApiError(err, "CustomerOrg acme").message, "explained");
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it("a plain error quoting the API, labelled by the resource, is escaped", () => {
    const e = explainApiError(new Error(`customer c1 has no Webex org yet (status ${HOSTILE})`), "CustomerUser ada@acme.example");
    expectPrintable(e.message, "message");
    expect(e.message).to.include(ESCAPED);
  });

  it("a progress line with a status from the API stays one line in the terminal's colours", () => {
    const lines: string[] = [];
    const restore = setProgressSink((l) => lines.push(l));
    try {
      progressReporter("CustomerOrg", "acme-001").report(`provisioning${HOSTILE}`);
    } finally {
      restore();
    }
    expect(lines).to.have.length(1);
    expectPrintable(lines[0]!, "progress line");
    expect(lines[0]).to.include(ESCAPED);
  });
});
