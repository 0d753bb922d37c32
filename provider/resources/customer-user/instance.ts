/** The one `CustomerUserProvider` of a program, as this module's whole exports (why: `common/provider.ts`). */
import { CustomerUserProvider } from "./provider";

/** The provider object every `CustomerUser` of the program shares (it holds no state and no credential). */
const instance: CustomerUserProvider = new CustomerUserProvider();
export = instance;
