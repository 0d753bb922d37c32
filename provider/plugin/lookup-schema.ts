/**
 * The plugin's function `webex-wholesale:index:getCustomerOrg`: its token and schemas, taken from
 * the lookup the TypeScript package exports (one definition for both).
 */
import { CustomerOrgLookupSchema, GetCustomerOrgArgsSchema } from "../lookups/customer-org";
import { token } from "./catalog";

/** The lookup function as the schema and the plugin's invoke see it. */
export const CUSTOMER_ORG_LOOKUP = {
  token: token("getCustomerOrg"),
  description:
    "Looks up a Webex Wholesale customer the program references but does not manage, by `externalId` or by `customerId` " +
    "(exactly one). Fails when no customer, or several, match.",
  args: GetCustomerOrgArgsSchema,
  result: CustomerOrgLookupSchema,
} as const;
