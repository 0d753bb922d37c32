/**
 * `CustomerLocationProvider`: the dynamic provider of `CustomerLocation` (see `common/provider.ts`).
 */
import { providerClass } from "../common/provider";
import type { CustomerLocationInputs, CustomerLocationState } from "./schema";

/** Implements `pulumi.dynamic.ResourceProvider` for customer locations: `create` adopts the location of the same exact name (the headquarters too). */
export const CustomerLocationProvider = providerClass<CustomerLocationInputs, CustomerLocationState>("customer-location");
/** An instance of {@link CustomerLocationProvider}. */
export type CustomerLocationProvider = InstanceType<typeof CustomerLocationProvider>;
