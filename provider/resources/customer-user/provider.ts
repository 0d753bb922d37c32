/**
 * `CustomerUserProvider`: the dynamic provider of `CustomerUser` (see `common/provider.ts`).
 */
import { providerClass } from "../common/provider";
import type { CustomerUserInputs, CustomerUserState } from "./schema";

/** Implements `pulumi.dynamic.ResourceProvider` for customer users (wholesale subscribers): when the email is already taken (10022) `create` adopts the agreeing user. */
export const CustomerUserProvider = providerClass<CustomerUserInputs, CustomerUserState>("customer-user");
/** An instance of {@link CustomerUserProvider}. */
export type CustomerUserProvider = InstanceType<typeof CustomerUserProvider>;
