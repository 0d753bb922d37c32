/**
 * `npm run docs`: regenerates the resource reference (`docs/resources.md`: per-resource tables of
 * arguments, outputs, rules checked at preview, what each change does, and the configuration keys)
 * from the zod schemas, the check rules and the change rules, so the documentation cannot drift
 * from the code. The README links to it and stays short. Only the text between the markers
 * `<!-- BEGIN GENERATED: resources -->` and `<!-- END GENERATED: resources -->` is rewritten.
 *
 * Imports the sources by relative path: this script runs with ts-node from the repository, where
 * the package name would resolve to `dist/`, which may be stale or absent.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { configTableMarkdown } from "../provider/config";
import { PACKAGE_NAMES } from "../provider/packages";
import type { FieldRule } from "../provider/resources/common/change-rules";
import { RESOURCES, type ResourceEntry } from "../provider/resources/registry";

/** The reference's markers; only the text between them is generated. */
export const BEGIN_MARKER = "<!-- BEGIN GENERATED: resources -->";
/** See {@link BEGIN_MARKER}. */
export const END_MARKER = "<!-- END GENERATED: resources -->";

/** What the generator needs of one resource: its entry of the list. */
type ResourceDoc = Pick<ResourceEntry, "name" | "args" | "state" | "checks" | "rules">;

/** Escapes a table cell: pipes and line breaks would break the Markdown table. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

function defaultOf(schema: z.ZodType): unknown {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
    if (s instanceof z.ZodDefault) return (s._zod.def as { defaultValue: unknown }).defaultValue;
    s = s.unwrap() as z.ZodType;
  }
  return undefined;
}

function lengthBounds(s: z.ZodString): string {
  const min = s.minLength;
  const max = s.maxLength;
  if (max !== null && max !== undefined) return ` (${min ?? 0}–${max} chars)`;
  return "";
}

/** A short type for the table, e.g. `string (1–64 chars)`, `list of object`, `"webex" | ...`. */
function typeText(schema: z.ZodType): string {
  const s = unwrap(schema);
  const docType = s.meta()?.docType;
  if (typeof docType === "string") return docType;
  if (s instanceof z.ZodString) return `string${lengthBounds(s)}`;
  if (s instanceof z.ZodNumber) return s.isInt ? "whole number" : "number";
  if (s instanceof z.ZodBoolean) return "boolean";
  if (s instanceof z.ZodLiteral) return [...(s.values as Set<unknown>)].map((v) => `\`${JSON.stringify(v)}\``).join(" | ");
  if (s instanceof z.ZodEnum) {
    const options = s.options as string[];
    return options.length === PACKAGE_NAMES.length ? "package name" : `one of ${options.map((o) => `\`${o}\``).join(", ")}`;
  }
  if (s instanceof z.ZodArray) return `list of ${typeText(s.element as z.ZodType)}`;
  if (s instanceof z.ZodDiscriminatedUnion) {
    return (s.options as z.ZodObject[])
      .map((o) => {
        const fields = Object.entries(o.shape as Record<string, z.ZodType>).map(([k, f]) => {
          const u = unwrap(f);
          return u instanceof z.ZodLiteral ? `${k}: ${JSON.stringify([...(u.values as Set<unknown>)][0])}` : k;
        });
        return `\`{ ${fields.join(", ")} }\``;
      })
      .join(" | ");
  }
  if (s instanceof z.ZodObject) return "object";
  return "value";
}

interface ArgRow {
  name: string;
  type: string;
  defaultValue: string;
  required: string;
  description: string;
}

/** One row per input, and per field of object inputs (`address.line1`, `packages[].quantity`). */
function argRows(shape: Record<string, z.ZodType>, prefix: string, seen: Map<z.ZodType, string>): ArgRow[] {
  const rows: ArgRow[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const name = `${prefix}${key}`;
    const inner = unwrap(field);
    const def = defaultOf(field);
    const again = seen.get(inner);
    rows.push({
      name: `\`${name}\``,
      type: again ? `${typeText(field)} (as \`${again}\`)` : typeText(field),
      defaultValue: def === undefined ? "" : `\`${JSON.stringify(def)}\``,
      required: field.isOptional() ? "no" : "yes",
      description: field.description ?? inner.description ?? "",
    });
    if (again) continue;
    if (inner instanceof z.ZodObject) {
      seen.set(inner, name);
      rows.push(...argRows(inner.shape as Record<string, z.ZodType>, `${name}.`, seen));
    } else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) {
      const element = unwrap(inner.element as z.ZodType) as z.ZodObject;
      seen.set(element, `${name}[]`);
      rows.push(...argRows(element.shape as Record<string, z.ZodType>, `${name}[].`, seen));
    }
  }
  return rows;
}

function kindText(rule: FieldRule): string {
  switch (rule.kind) {
    case "update":
      return "update";
    case "replace":
      return rule.deleteBeforeReplace ? "replace (delete first)" : "replace";
    case "refused":
      return rule.allowedWhen || rule.addOrRemoveAllowed ? "**refused** (see text)" : "**refused**";
    case "ignored":
      return "checked only";
  }
}

function changeRows(fields: Readonly<Record<string, FieldRule>>, prefix: string): string[] {
  return Object.entries(fields).flatMap(([key, rule]) => [
    `| \`${prefix}${key}\` | ${kindText(rule)} | ${cell(rule.description)} |`,
    ...(rule.fields ? changeRows(rule.fields, `${prefix}${key}.`) : []),
  ]);
}

function renderResource(r: ResourceDoc): string {
  const argShape = r.args.shape as Record<string, z.ZodType>;
  const lines: string[] = [
    `### ${r.name}`,
    "",
    "Arguments:",
    "",
    "| name | type | default | required | description |",
    "|---|---|---|---|---|",
  ];
  for (const row of argRows(argShape, "", new Map())) {
    lines.push(`| ${row.name} | ${cell(row.type)} | ${cell(row.defaultValue)} | ${row.required} | ${cell(row.description)} |`);
  }
  lines.push("", "Computed outputs (besides every input):", "", "| name | type | description |", "|---|---|---|");
  for (const [key, field] of Object.entries(r.state.shape as Record<string, z.ZodType>)) {
    if (key in argShape) continue;
    lines.push(`| \`${key}\` | ${cell(typeText(field))}${field.isOptional() ? " (optional)" : ""} | ${cell(field.description ?? "")} |`);
  }
  if (r.checks.length > 0) {
    lines.push("", "Rules across fields, checked at preview:", "");
    for (const c of r.checks) lines.push(`- ${c.description[0]!.toUpperCase()}${c.description.slice(1)}.`);
  }
  lines.push("", "What each change does:", "", "| property | on change | what happens |", "|---|---|---|");
  lines.push(...changeRows(r.rules.fields, ""));
  for (const c of r.rules.checks) lines.push(`| \`${c.property}\` | **refused** | ${cell(c.description)} |`);
  return lines.join("\n");
}

/** The whole generated section (without the markers). */
export function renderResourcesSection(): string {
  const intro = [
    "_Generated by `npm run docs` from the zod schemas, the check rules and the change rules; do not edit by hand._",
    "",
    "In the change tables, **refused** means `pulumi preview` fails with a message naming the property, the old and",
    "new values, why the service forbids the change and what to do instead; with `webex:clientRules=server` such a",
    "change is sent as an update and the service judges it. An old value absent from state written by an earlier",
    "version counts as unchanged; values unknown during preview are never refused (`up` checks them again).",
  ].join("\n");
  // The configuration table comes from provider/config.ts for the same reason: one source.
  const config = [
    "### Configuration",
    "",
    "Stack config (through `configure`) first, else the environment; read inside provider methods, never captured in state.",
    "",
    configTableMarkdown(),
  ].join("\n");
  return [intro, config, ...RESOURCES.map(renderResource)].join("\n\n");
}

/** `doc` with the generated section replaced; throws when the markers are missing or out of order. */
export function replaceGeneratedSection(doc: string, section: string): string {
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin) {
    throw new Error(`docs/resources.md must contain ${BEGIN_MARKER} followed by ${END_MARKER}`);
  }
  return `${doc.slice(0, begin + BEGIN_MARKER.length)}\n${section}\n${doc.slice(end)}`;
}

/** The generated resource reference of this repository (the README links to it). */
export const REFERENCE_PATH = path.join(__dirname, "..", "docs", "resources.md");

if (require.main === module) {
  const before = readFileSync(REFERENCE_PATH, "utf8");
  const after = replaceGeneratedSection(before, renderResourcesSection());
  if (after === before) {
    console.log("docs/resources.md: generated resources section already up to date");
  } else {
    writeFileSync(REFERENCE_PATH, after);
    console.log("docs/resources.md: generated resources section rewritten");
  }
}
