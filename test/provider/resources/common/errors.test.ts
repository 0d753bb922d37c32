import { expect } from "chai";
import { NotFoundError, ProvisioningApiError, ValidationError } from "../../../../provider/client";
import {
  explainApiError,
  formatApiErrors,
  isMissingEndpoint,
  TemplatesUnavailableError,
  withMessage,
} from "../../../../provider/resources/common/errors";

const at = { method: "GET", path: "/v1/wholesale/onboardingTemplates" };

describe("resource error helpers", () => {
  it("explainApiError prefixes who failed once, keeps the class and codes, appends the extra hint", () => {
    const e = new ValidationError({ message: "POST failed: admin [errorCode 1202]", status: 400, errorCodes: [1202], ...at });
    const out = explainApiError(e, "CustomerUser ada@acme.example", "Give the admin package.");
    explainApiError(out, "CustomerUser ada@acme.example", "Give the admin package.");
    expect(out).not.to.equal(e);
    expect(out).to.be.instanceOf(ValidationError);
    expect(out.name).to.equal("ValidationError");
    expect(out.stack).to.match(/^ValidationError: CustomerUser ada@acme\.example: POST failed/);
    expect((out as Error & { cause?: unknown }).cause).to.equal(e);
    expect(out.errorCodes).to.deep.equal([1202]);
    expect(out.message).to.equal("CustomerUser ada@acme.example: POST failed: admin [errorCode 1202] Give the admin package.");
  });

  it("explainApiError never changes the error it is given: each caller's copy names that caller alone", () => {
    const shared = new ValidationError({ message: "GET failed with HTTP 401", status: 401, ...at });
    const a = explainApiError(shared, "CustomerOrg a");
    const b = explainApiError(shared, "CustomerOrg b");
    expect(shared.message).to.equal("GET failed with HTTP 401");
    expect(a.message).to.equal("CustomerOrg a: GET failed with HTTP 401");
    expect(b.message).to.equal("CustomerOrg b: GET failed with HTTP 401");
    expect(Object.isFrozen(Object.freeze(shared)) && explainApiError(shared, "CustomerOrg c").message).to.equal(
      "CustomerOrg c: GET failed with HTTP 401",
    );
  });

  it("explainApiError leaves non-errors alone", () => {
    expect(explainApiError("text", "X")).to.equal("text");
  });

  const endpointCases = [
    { name: "404 without a code (webexapis.com)", e: new NotFoundError({ message: "nf", status: 404, ...at }), missing: true },
    { name: "405 without a code", e: new ProvisioningApiError({ message: "na", status: 405, ...at }), missing: true },
    {
      name: "404 with code 1404 (a template that is gone)",
      e: new NotFoundError({ message: "nf", status: 404, errorCodes: [1404], ...at }),
      missing: false,
    },
    { name: "400", e: new ValidationError({ message: "bad", status: 400, ...at }), missing: false },
    { name: "not an error", e: { status: 404 }, missing: false },
  ];
  for (const c of endpointCases) {
    it(`isMissingEndpoint: ${c.name} → ${c.missing}`, () => {
      expect(isMissingEndpoint(c.e)).to.equal(c.missing);
    });
  }

  it("TemplatesUnavailableError tells the operator where templates come from and where the provisioningId goes", () => {
    const e = new TemplatesUnavailableError("SMB", "https://webexapis.com", 404);
    expect(e.message).to.include('"SMB"').and.to.include("Partner Hub").and.to.include("provisioningId").and.to.include("CustomerOrg");
    expect(e.status).to.equal(404);
  });

  it("formatApiErrors prefixes the code when there is one", () => {
    expect(formatApiErrors([{ errorCode: 2560, description: "x" }, { description: "y" }, {}])).to.deep.equal([
      "[2560] x",
      "y",
      "(no description)",
    ]);
  });

  it("withMessage copies the error under another message: same class and fields, the original untouched and frozen ones too", () => {
    const e = Object.freeze(new ValidationError({ message: "set webex:baseUrl", status: 400, errorCodes: [7], ...at }));
    const copy = withMessage(e, "set webex-wholesale:baseUrl");
    expect(copy).to.be.instanceOf(ValidationError);
    expect(copy.message).to.equal("set webex-wholesale:baseUrl");
    expect(copy.errorCodes).to.deep.equal([7]);
    expect(copy.stack!.split("\n")[0]).to.equal("ValidationError: set webex-wholesale:baseUrl");
    expect(copy.cause).to.equal(e);
    expect(e.message).to.equal("set webex:baseUrl");
  });
});
