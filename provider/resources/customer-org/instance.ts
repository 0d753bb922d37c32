/** The one `CustomerOrgProvider` of a program, as this module's whole exports (why: `common/provider.ts`). */
import { CustomerOrgProvider } from "./provider";

/** The provider object every `CustomerOrg` of the program shares (it holds no state and no credential). */
const instance: CustomerOrgProvider = new CustomerOrgProvider();
export = instance;
