/**
 * `CustomerOrgProvider`: the dynamic provider of `CustomerOrg` (see `common/provider.ts`).
 */
import { providerClass } from "../common/provider";
import type { CustomerOrgInputs, CustomerOrgState } from "./schema";

/** Implements `pulumi.dynamic.ResourceProvider` for customer organisations: `create` waits until the customer is provisioned, and a customer that ends with errors is reported with its id so Pulumi records it. */
export const CustomerOrgProvider = providerClass<CustomerOrgInputs, CustomerOrgState>("customer-org");
/** An instance of {@link CustomerOrgProvider}. */
export type CustomerOrgProvider = InstanceType<typeof CustomerOrgProvider>;
