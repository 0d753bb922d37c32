/**
 * Errors the resources raise themselves (the HTTP errors come from the client), and the one place
 * that turns an API error into a message an operator can act on.
 */

/** A setting is missing or invalid; the message names the stack key and the environment variable. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

/**
 * The object exists on the service but did not reach a healthy state (e.g. `provisioned_with_errors`
 * after a create). The dynamic-provider plugin turns an error carrying `id` into Pulumi's
 * "resource initialization failed": the resource is recorded in state with `properties`, and the next
 * `up` calls `update`, which reads the object and resumes instead of creating a duplicate.
 */
export class ResourceInitError extends Error {
  override readonly name = "ResourceInitError";
  /** The service's id of the partially created object (the resource id Pulumi records). */
  readonly id: string;
  /** The outputs to record in state for the partially created resource. */
  readonly properties: Record<string, unknown>;
  /** One line per reason (the API's `errors[]`), shown by the engine. */
  readonly reasons: string[];

  /**
   * @param message what failed and what to do next.
   * @param id the service's id of the object.
   * @param properties the outputs to record (must hold nothing secret).
   * @param reasons the API's error descriptions.
   */
  constructor(message: string, id: string, properties: Record<string, unknown>, reasons: string[]) {
    super(message);
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/** What the explanation of an API error code adds: why it happened and what to do. */
const CODE_ADVICE: Readonly<Record<number, string>> = {
  1002: "The package name is not one the service knows; see PACKAGES for the valid names.",
  1003: "A package depends on another one (cisco_calling_plan needs a calling package; attendant_console needs webex_calling, webex_suite or cx_essentials): add it to packages.",
  1101: "Package quantities must be whole numbers of at least 1.",
  1102: "A package quantity cannot be lowered below what is currently assigned: keep or raise the quantity.",
  1103: "A package quantity is above the subscription's maximum: lower it, or raise the subscription's limit with Cisco.",
  1104: "This customer was created without quantities (unlimited) and cannot become limited: remove every quantity.",
  1105: "This customer was created with quantities (limited): every limitable package needs a quantity.",
  1106: "Quantities must be given for every limitable package or for none (no mixing).",
  1107: "This package cannot carry a quantity: remove it.",
  1108: "The customer is migrating from Webex for BroadWorks: quantities cannot be set until the migration ends; remove them.",
  1109: "The package is still assigned to users: move or delete those CustomerUsers first, then remove the package.",
  1201: "The package's quantity is used up: raise the customer's quantity for this package before adding the user.",
  1202: "A customer's administrator must hold the customer's admin package (the package level the customer was created with, output adminPackage) and cannot be moved to a lower package: give this user that package.",
  1203: "A calling package needs a phoneNumber or an extension.",
  1301: "Another customer already uses this externalId: choose another externalId, or declare that customer instead.",
  1303: "The phone number or extension is already used in this customer: choose another one.",
  1304: "The template is still used by customers: delete or move those CustomerOrgs first.",
  1305: "A template with this name already exists: choose another templateName, or declare that template instead.",
  10022: "The email already belongs to a Webex user (possibly in another organisation, or left behind by a deleted customer, whose org and people persist).",
};

/** The fields of a client error this module reads; kept structural so it works on any client error. */
interface ApiErrorLike {
  message: string;
  errorCodes?: readonly number[];
}

/** Whether `e` is an API error carrying error codes. */
function hasCodes(e: unknown): e is ApiErrorLike & { errorCodes: readonly number[] } {
  return e instanceof Error && Array.isArray((e as { errorCodes?: unknown }).errorCodes);
}

/**
 * Adds the advice for the API's error codes (1202 and the like) to the error's message, in place, so
 * the error keeps its class (a `ValidationError` stays one) while its message tells the operator
 * what to do. Errors without a known code are returned unchanged.
 * @param e the error thrown by the client.
 * @param context who failed, e.g. `CustomerUser ada@acme.example`.
 */
export function explainApiError<E>(e: E, context: string): E {
  if (!hasCodes(e)) return e;
  const advice = [...new Set(e.errorCodes)].map((code) => CODE_ADVICE[code]).filter((a): a is string => a !== undefined);
  const prefix = `${context}: `;
  const base = e.message.startsWith(prefix) ? e.message : prefix + e.message;
  const message = advice.length > 0 ? `${base} ${advice.join(" ")}` : base;
  try {
    Object.defineProperty(e, "message", { value: message, configurable: true, writable: true, enumerable: false });
  } catch {
    // A frozen error keeps its own message; it still carries its codes.
  }
  return e;
}

/** The advice text for an API error code, if the provider has any (exported for tests and docs). */
export function adviceForCode(code: number): string | undefined {
  return CODE_ADVICE[code];
}
