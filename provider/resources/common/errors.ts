/**
 * Errors the resources raise themselves (the HTTP errors come from the client), and the one place
 * that turns an API error into a message an operator can act on.
 *
 * Messages quote the API (statuses, error descriptions, names it returns), which is untrusted text:
 * both the resource errors here and the client's errors pass it through `escapeControl`
 * (`provider/text.ts`), so an escape sequence or a line break from an answer never reaches the
 * terminal raw, whichever engine prints the error.
 */
import { escapeControl } from "../../text";

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
    super(escapeControl(message));
    this.id = id;
    this.properties = properties;
    this.reasons = reasons.map(escapeControl);
  }
}

/**
 * A copy of an error whose message names who failed (`CustomerUser ada@acme.example: …`), so an
 * operator running hundreds of resources knows which one the API refused. The client's message
 * already carries the API's description, its error code, what to do next and the tracking id; the
 * copy keeps the class and fields (a `ValidationError` stays one) and has the original as `cause`.
 * The original is never changed: one failed lookup shared by several concurrent creates rejects
 * them all with the SAME error object, and each resource's message must name that resource alone.
 * `extra` adds a resource-specific hint (e.g. the customer's admin package for error 1202). Control
 * characters in the message (API text in a plain `Error`) are escaped.
 * @param e the error thrown by the client (anything else is returned unchanged).
 * @param context who failed, e.g. `CustomerUser ada@acme.example`.
 * @param extra an optional sentence appended to the message.
 */
export function explainApiError<E>(e: E, context: string, extra?: string): E {
  if (!(e instanceof Error)) return e;
  const prefix = `${context}: `;
  let message = escapeControl(e.message.startsWith(prefix) ? e.message : prefix + e.message);
  if (extra !== undefined && !message.includes(extra)) message = `${message} ${extra}`;
  return message === e.message ? e : (withMessage(e, message) as E);
}

/**
 * A copy of `e` with another message: same class and fields, its stack's frames under the new
 * first line, and the original as `cause` (unless it had one). The original is never changed, since
 * it may be shared (one failed lookup rejects several concurrent operations with the same object)
 * or frozen.
 * @param e the error to copy.
 * @param message the copy's message, used as given (escape API text before).
 */
export function withMessage<E extends Error>(e: E, message: string): E {
  const copy = Object.create(Object.getPrototypeOf(e)) as E;
  // Descriptors are copied as configurable, so a frozen original still yields a copy.
  for (const key of Reflect.ownKeys(e))
    Object.defineProperty(copy, key, { ...Object.getOwnPropertyDescriptor(e, key)!, configurable: true });
  const hidden = { configurable: true, writable: true, enumerable: false };
  Object.defineProperty(copy, "message", { ...hidden, value: message });
  const frames = (e.stack ?? "").split("\n").filter((line) => line.startsWith("    at "));
  Object.defineProperty(copy, "stack", { ...hidden, value: [`${e.name}: ${message}`, ...frames].join("\n") });
  if (!("cause" in e)) Object.defineProperty(copy, "cause", { ...hidden, value: e });
  return copy;
}

/**
 * The API has no onboarding-template endpoint (the public Webex API answers 404/405 without an
 * error code): templates are made in Partner Hub there, and their `provisioningId` goes straight
 * into `CustomerOrg`.
 */
export class TemplatesUnavailableError extends Error {
  override readonly name = "TemplatesUnavailableError";
  /** HTTP status the endpoint answered (404 or 405). */
  readonly status: number;

  /**
   * @param templateName the template the program declares.
   * @param baseUrl the API root that lacks the endpoint.
   * @param status what the endpoint answered.
   */
  constructor(templateName: string, baseUrl: string, status: number) {
    super(
      `OnboardingTemplate "${templateName}": ${baseUrl} has no onboarding-template endpoint ` +
        `(/v1/wholesale/onboardingTemplates answered HTTP ${status}). The public Webex API offers no way to create ` +
        `templates: create the template in Partner Hub (Settings > Onboarding templates), copy its provisioningId, and pass ` +
        `it straight to CustomerOrg's provisioningId; then remove this OnboardingTemplate from the program.`,
    );
    this.status = status;
  }
}

/**
 * Whether `e` says the template endpoint does not exist: 404 or 405 with no API error code (the
 * emulator and partner gateways answer a missing template with code 1404, an absent endpoint has none).
 */
export function isMissingEndpoint(e: unknown): e is Error & { status: number } {
  if (!(e instanceof Error)) return false;
  const { status, errorCodes } = e as { status?: unknown; errorCodes?: unknown };
  return (status === 404 || status === 405) && (!Array.isArray(errorCodes) || errorCodes.length === 0);
}

/** The API's `errors[]` as lines for a message (`[2560] description`). */
export function formatApiErrors(errors: readonly { errorCode?: number; description?: string }[] | undefined): string[] {
  return (errors ?? []).map((e) =>
    e.errorCode !== undefined ? `[${e.errorCode}] ${e.description ?? "(no description)"}` : (e.description ?? "(no description)"),
  );
}
