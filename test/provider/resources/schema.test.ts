import { expect } from "chai";
import { z } from "zod";
import {
  CUSTOMER_ORG_SCHEMA_VERSION,
  CustomerOrgArgsSchema,
  CustomerOrgStateSchema,
} from "../../../provider/resources/customer-org/schema";
import {
  CUSTOMER_LOCATION_SCHEMA_VERSION,
  CustomerLocationArgsSchema,
  CustomerLocationStateSchema,
} from "../../../provider/resources/customer-location/schema";
import {
  CUSTOMER_USER_SCHEMA_VERSION,
  CustomerUserArgsSchema,
  CustomerUserStateSchema,
} from "../../../provider/resources/customer-user/schema";
import {
  ONBOARDING_TEMPLATE_SCHEMA_VERSION,
  OnboardingTemplateArgsSchema,
  OnboardingTemplateStateSchema,
} from "../../../provider/resources/onboarding-template/schema";
import { orgArgs, templateArgs, userArgs } from "./check-fixtures";
import { locationArgs } from "./customer-location/fixtures";

// The reference's computed outputs per resource (resources.md): names are public API.
const resources = [
  {
    name: "OnboardingTemplate",
    args: OnboardingTemplateArgsSchema,
    state: OnboardingTemplateStateSchema,
    version: ONBOARDING_TEMPLATE_SCHEMA_VERSION,
    input: templateArgs(),
    computed: { templateId: "tpl-1", provisioningId: "prov-1" },
  },
  {
    name: "CustomerOrg",
    args: CustomerOrgArgsSchema,
    state: CustomerOrgStateSchema,
    version: CUSTOMER_ORG_SCHEMA_VERSION,
    input: orgArgs(),
    computed: {
      customerId: "c",
      orgId: "o",
      status: "provisioned",
      limited: true,
      adminPackage: "webex_calling",
      headquartersLocationId: "l",
    },
  },
  {
    name: "CustomerLocation",
    args: CustomerLocationArgsSchema,
    state: CustomerLocationStateSchema,
    version: CUSTOMER_LOCATION_SCHEMA_VERSION,
    input: locationArgs(),
    computed: { locationId: "l", orgId: "o", pstnConnectionType: "LOCAL_GATEWAY", inventory: [], mainNumber: "+13035550100" },
  },
  {
    name: "CustomerUser",
    args: CustomerUserArgsSchema,
    state: CustomerUserStateSchema,
    version: CUSTOMER_USER_SCHEMA_VERSION,
    input: userArgs(),
    computed: { userId: "u", personId: "p", status: "provisioned", assignedLocationId: "l" },
  },
];

describe("resource schemas", () => {
  for (const r of resources) {
    describe(r.name, () => {
      it("state = inputs + the reference's computed outputs + schemaVersion, none reusing an input's name", () => {
        const inputs = Object.keys(r.args.shape);
        const outputs = Object.keys(r.state.shape).filter((k) => !inputs.includes(k));
        expect(outputs).to.have.members([...Object.keys(r.computed), "schemaVersion"]);
        for (const k of outputs) expect(inputs).to.not.include(k);
      });

      it("state keeps __provider and fields of a newer version", () => {
        const state = { ...r.args.parse(r.input), ...r.computed, schemaVersion: r.version, __provider: "code", addedLater: 1 };
        const parsed = r.state.parse(state) as Record<string, unknown>;
        expect(parsed.__provider).to.equal("code");
        expect(parsed.addedLater).to.equal(1);
      });

      it("arguments schema rejects nothing the fixture holds and describes every input", () => {
        expect(r.args.safeParse(r.input).success).to.equal(true);
        for (const [k, f] of Object.entries(r.args.shape as Record<string, z.ZodType>)) {
          expect(f.description, k).to.be.a("string").and.not.equal("");
        }
      });

      it("schema version is a positive whole number", () => {
        expect(Number.isInteger(r.version) && r.version >= 1).to.equal(true);
      });
    });
  }
});
