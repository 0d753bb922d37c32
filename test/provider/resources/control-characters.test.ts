/**
 * Untrusted text in resource inputs (issue 12): every free-text input of the resources ends up
 * in progress lines, error messages or URLs, so `check` refuses control characters in it, at the
 * property's dotted path, with a reason that names the character and says what to do. A program
 * that does not go through the catalog loader is protected the same way.
 */
import { expect } from "chai";
import { check as checkLocation } from "../../../provider/resources/customer-location/operations";
import { check as checkOrg } from "../../../provider/resources/customer-org/operations";
import { check as checkUser } from "../../../provider/resources/customer-user/operations";
import { check as checkTemplate } from "../../../provider/resources/onboarding-template/operations";
import { orgArgs, setPath, templateArgs, userArgs } from "./check-fixtures";
import { locationArgs } from "./customer-location/fixtures";

type Check = (news: Record<string, unknown>) => { failures?: { property: string; reason: string }[] };

const resources: { name: string; check: Check; args: () => Record<string, unknown>; fields: (string | number)[][] }[] = [
  {
    name: "OnboardingTemplate",
    check: (n) => checkTemplate({}, {}, n),
    args: templateArgs,
    fields: [["templateName"], ["wholesaleSubscriptionId"], ["emailBrandName"]],
  },
  {
    name: "CustomerOrg",
    check: (n) => checkOrg({}, {}, n),
    args: orgArgs,
    fields: [["externalId"], ["companyName"], ["provisioningId"], ["address", "line1"], ["address", "city"], ["address", "postalCode"]],
  },
  {
    name: "CustomerLocation",
    check: (n) => checkLocation({}, {}, n),
    args: locationArgs,
    fields: [
      ["customerId"],
      ["name"],
      ["address", "address1"],
      ["address", "city"],
      ["address", "state"],
      ["address", "postalCode"],
      ["calling", "pstnConnectionId"],
    ],
  },
  {
    name: "CustomerUser",
    check: (n) => checkUser({}, {}, n),
    args: userArgs,
    fields: [["customerId"], ["firstName"], ["lastName"]],
  },
];

const controls = [
  { name: "ESC[31m", text: "\u001b[31m" },
  { name: "a line break forging an output line", text: "\r\n + forged" },
  { name: "a right-to-left override", text: "\u202e" },
];

describe("resource inputs refuse control characters", () => {
  for (const r of resources) {
    it(`${r.name}: the valid fixture passes`, () => {
      expect(r.check(r.args()).failures ?? []).to.deep.equal([]);
    });
    for (const field of r.fields) {
      for (const c of controls) {
        it(`${r.name}.${field.join(".")} with ${c.name}: a failure at that path naming the character`, () => {
          const value = (field.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], r.args()) as string) + c.text;
          const result = r.check(setPath(r.args(), field, value));
          const failure = (result.failures ?? []).find((f) => f.property === field.join("."));
          expect(failure, JSON.stringify(result.failures)).to.not.equal(undefined);
          expect(failure!.reason).to.match(/control character U\+[0-9A-F]{4} at position \d+; remove it/);
        });
      }
    }
  }
});
