/**
 * Building blocks shared by the three resources' zod schemas, and the mapping from a schema's
 * input type to the `pulumi.Input<>` argument type users write.
 *
 * Every field schema carries its own error message (what is wrong and what to write instead) so
 * `check` can pass zod's issues straight through as failures, and a `docType` (metadata) naming
 * its type for the reference's argument tables (docs/resources.md).
 */
import type { Input } from "@pulumi/pulumi";
import { z } from "zod";
import { CONTROL_CHARACTER, controlCharacterReason } from "../../text";

/**
 * The argument type of a resource: every field of a schema's input type may be a `pulumi.Input`,
 * at any depth (the same shape `pulumi.dynamic.Resource` resolves before calling the provider).
 */
export type PulumiInputs<T> = T extends readonly (infer E)[]
  ? Input<Input<PulumiInputs<E>>[]>
  : T extends object
    ? { [K in keyof T]: Input<PulumiInputs<T[K]>> }
    : T;

/** ISO 3166-1 alpha-2 codes (officially assigned), for `country` fields. */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS " +
    "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE " +
    "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM " +
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC " +
    "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA " +
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO " +
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/**
 * A string of `min`–`max` characters; the message names the bounds. Control characters (escape
 * codes, line breaks, bidirectional marks) are refused: every free-text input ends up in progress
 * lines, error messages or URLs, where one would recolour the terminal or forge a line of output.
 */
export function boundedString(min: number, max: number) {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "a string") })
    .min(min, { error: `must not be empty: give ${min === 1 ? "at least 1 character" : `at least ${min} characters`}` })
    .max(max, { error: (iss) => `is ${String((iss.input as string).length)} characters long; shorten it to at most ${max}` })
    .refine((s) => !CONTROL_CHARACTER.test(s), { error: (iss) => controlCharacterReason(iss.input as string) });
}

/** An email address, e.g. `admin@acme.example`. */
export function emailSchema() {
  return z
    .email({
      error: (iss) =>
        typeof iss.input === "string"
          ? `${JSON.stringify(iss.input)} is not an email address; write one like admin@acme.example`
          : typeMessage(iss.input, "an email address"),
    })
    .meta({ docType: "email" });
}

/** A locale as Webex writes it: language, underscore, region (`en_US`, `fr_FR`). */
export function localeSchema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "a locale such as en_US") })
    .regex(/^[a-z]{2,3}_[A-Z]{2}$/, {
      error: (iss) => `${JSON.stringify(iss.input)} is not a locale; write language_REGION, e.g. en_US or fr_FR`,
    })
    .meta({ docType: "locale, e.g. `en_US`" });
}

/** An ISO 3166-1 alpha-2 country code; accepted in any case and normalised to upper case. */
export function countryCodeSchema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "an ISO 3166-1 alpha-2 country code such as US") })
    .trim()
    .toUpperCase()
    .refine((c) => ISO_COUNTRY_CODES.has(c), {
      error: (iss) => `${JSON.stringify(iss.input)} is not an ISO 3166-1 alpha-2 country code; write two letters, e.g. US, FR, GB`,
    })
    .meta({ docType: "ISO 3166-1 alpha-2 code" });
}

// Building an Intl.DateTimeFormat costs ~0.1 ms; check runs on every preview of every resource,
// and a catalogue repeats the same few zones, so answers are remembered (bounded).
const timeZoneAnswers = new Map<string, boolean>();
const TIME_ZONE_CACHE_LIMIT = 1024;

/** True when the runtime knows `zone` as an IANA time zone (pure: Intl needs no I/O). */
export function isTimeZone(zone: string): boolean {
  if (zone === "" || zone.length > 64) return false;
  const known = timeZoneAnswers.get(zone);
  if (known !== undefined) return known;
  let answer: boolean;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    answer = true;
  } catch {
    answer = false;
  }
  if (timeZoneAnswers.size >= TIME_ZONE_CACHE_LIMIT) timeZoneAnswers.clear();
  timeZoneAnswers.set(zone, answer);
  return answer;
}

/** An IANA time zone, e.g. `America/New_York`. */
export function timeZoneSchema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "an IANA time zone such as America/New_York") })
    .refine(isTimeZone, {
      error: (iss) => `${JSON.stringify(iss.input)} is not an IANA time zone; write one like America/New_York or Europe/Paris`,
    })
    .meta({ docType: "IANA time zone" });
}

/** A phone number in E.164 form: `+`, country code, number; up to 15 digits. */
export function e164Schema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, "an E.164 phone number such as +14155550100") })
    .regex(/^\+[1-9][0-9]{1,14}$/, {
      error: (iss) =>
        `${JSON.stringify(iss.input)} is not an E.164 number; write + then country code and number, digits only, e.g. +14155550100`,
    })
    .meta({ docType: "E.164 number" });
}

/** An extension: 2 to 10 digits (leading zeros kept, so it is a string). */
export function extensionSchema() {
  return z
    .string({ error: (iss) => typeMessage(iss.input, 'an extension of 2 to 10 digits, as a string such as "0100"') })
    .regex(/^[0-9]{2,10}$/, {
      error: (iss) => `${JSON.stringify(iss.input)} is not an extension; write 2 to 10 digits, e.g. "0100"`,
    })
    .meta({ docType: "2–10 digits (string)" });
}

/**
 * The message for a value of the wrong type, or a missing required one.
 * Exported for the resources' own fields.
 */
export function typeMessage(input: unknown, expected: string): string {
  if (input === undefined) return `is required: give ${expected}`;
  return `must be ${expected}, not ${describeValue(input)}`;
}

/** A short, safe rendering of a user's value for messages (inputs hold no secrets). */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return v.length > 60 ? `the text ${JSON.stringify(v.slice(0, 57) + "...")}` : `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * The computed outputs of a resource, declared once by its state schema: the keys the state adds to
 * the arguments. `read` leaves them out of the inputs, the resource class seeds them, and `check`
 * lets them through.
 */
export function computedOutputs(state: z.ZodObject, args: z.ZodObject): readonly string[] {
  return Object.keys(state.shape).filter((k) => !(k in args.shape));
}

/** The schema inside its optional/default wrappers: what a field holds once given. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** The default a field's schema applies, if any (the outermost default wins, as zod applies it). */
export function defaultOf(schema: z.ZodType): unknown {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
    if (s instanceof z.ZodDefault) return (s._zod.def as { defaultValue: unknown }).defaultValue;
    s = s.unwrap() as z.ZodType;
  }
  return undefined;
}
