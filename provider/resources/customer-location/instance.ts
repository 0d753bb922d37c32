/** The one `CustomerLocationProvider` of a program, as this module's whole exports (why: `common/provider.ts`). */
import { CustomerLocationProvider } from "./provider";

/** The provider object every `CustomerLocation` of the program shares (it holds no state and no credential). */
const instance: CustomerLocationProvider = new CustomerLocationProvider();
export = instance;
