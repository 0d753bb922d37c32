/**
 * The Pulumi package schema of the plugin, generated from the zod schemas (properties, types,
 * descriptions, defaults, required), the change-rule table (`replaceOnChanges` on inputs whose
 * change replaces the resource, and what each change does in the descriptions) and the
 * configuration table (provider configuration, the token as a secret). The plugin answers
 * `GetSchema` with it and `provider/plugin/schema.json` is its committed copy (a test fails when
 * that copy is stale), which `pulumi package gen-sdk` reads.
 */
import { z } from "zod";
import { CONFIG_TABLE, ProviderSettingsSchema, type ConfigEntry, type SettingName } from "../config";
import type { FieldRule } from "../resources/common/change-rules";
import { defaultOf, unwrap } from "../resources/common/input-types";
import { PACKAGE_NAME, PLUGIN_RESOURCES, token, type PluginResource } from "./catalog";
import { CUSTOMER_ORG_LOOKUP } from "./lookup-schema";
import { CustomerOrgLocationSchema, LookupLocationAddressSchema } from "../lookups/customer-org";

/** A property of a Pulumi schema (the subset this package uses). */
export interface PropertySpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: PropertySpec;
  description?: string;
  default?: string | number | boolean;
  secret?: boolean;
  replaceOnChanges?: boolean;
}

/** An object type of a Pulumi schema: properties and the required ones. */
export interface ObjectSpec {
  type?: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

/**
 * Names of the object types, public in every generated SDK (`Address`, `CustomerPackage`...): each
 * resource's `objectTypes` in the list of resources. An object schema missing there fails the
 * generator, so a new nested object gets a deliberate name; so does one name given to two schemas.
 */
const TYPE_NAMES = (() => {
  const names = new Map<z.ZodType, string>();
  const owners = new Map<string, z.ZodType>();
  for (const r of PLUGIN_RESOURCES) {
    for (const [name, schema] of Object.entries(r.objectTypes)) {
      if ((owners.get(name) ?? schema) !== schema)
        throw new Error(`schema generator: two object schemas are named ${name}; give ${r.name}'s its own name in objectTypes`);
      owners.set(name, schema);
      names.set(schema, name);
    }
  }
  // The customer lookup (an invoke, not a resource) returns the customer's locations.
  names.set(CustomerOrgLocationSchema, "CustomerOrgLocation");
  names.set(LookupLocationAddressSchema, "CustomerOrgLocationAddress");
  return names;
})();

/** Collects object types met while converting properties. */
class TypeCollector {
  readonly types: Record<string, ObjectSpec> = {};

  /** The property spec of a zod field (description from the field, else its inner schema). */
  property(field: z.ZodType): PropertySpec {
    const inner = unwrap(field);
    const spec: PropertySpec = { ...this.shape(field), description: field.description ?? inner.description };
    const def = defaultOf(field);
    if (typeof def === "string" || typeof def === "number" || typeof def === "boolean") spec.default = def;
    if (spec.description === undefined) delete spec.description;
    return spec;
  }

  /** The type part of a property spec. */
  private shape(field: z.ZodType): PropertySpec {
    const s = unwrap(field);
    // String formats (email...) are not ZodString subclasses in zod 4; their definition says "string".
    if (s._zod.def.type === "string" || s instanceof z.ZodEnum) return { type: "string" };
    if (s instanceof z.ZodNumber) return { type: s.isInt ? "integer" : "number" };
    if (s instanceof z.ZodBoolean) return { type: "boolean" };
    if (s instanceof z.ZodLiteral) {
      const [value] = [...(s.values as Set<unknown>)];
      return { type: typeof value === "boolean" ? "boolean" : typeof value === "number" ? "number" : "string" };
    }
    if (s instanceof z.ZodArray) return { type: "array", items: this.shape(s.element as z.ZodType) };
    if (s instanceof z.ZodObject || s instanceof z.ZodDiscriminatedUnion) return { $ref: `#/types/${this.objectType(field, s)}` };
    throw new Error(`schema generator: no Pulumi type for a ${s.constructor.name}`);
  }

  /** Registers (once) the named object type of `s` and returns its token. */
  private objectType(field: z.ZodType, s: z.ZodObject | z.ZodDiscriminatedUnion): string {
    const name = TYPE_NAMES.get(field) ?? TYPE_NAMES.get(s);
    if (name === undefined)
      throw new Error(
        `schema generator: name the object type described "${s.description ?? "?"}" in its resource's objectTypes (provider/resources/registry.ts)`,
      );
    const typeToken = token(name);
    if (this.types[typeToken] !== undefined) return typeToken;
    this.types[typeToken] = { type: "object", properties: {} }; // placeholder against recursion
    const description = field.description ?? s.description;
    this.types[typeToken] = {
      type: "object",
      ...(description !== undefined ? { description } : {}),
      ...(s instanceof z.ZodObject ? this.objectSpec(s.shape as Record<string, z.ZodType>) : this.unionSpec(s)),
    };
    return typeToken;
  }

  /** Properties and required names of an object shape. */
  objectSpec(shape: Record<string, z.ZodType>): ObjectSpec {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const [key, field] of Object.entries(shape)) {
      properties[key] = this.property(field);
      if (!field.isOptional()) required.push(key);
    }
    return { properties, ...(required.length > 0 ? { required } : {}) };
  }

  /**
   * A discriminated union as one object: the discriminator (required, its values listed) plus every
   * variant's other fields, optional (generated SDKs have no tagged unions; `check` still refuses a
   * variant missing its own field).
   */
  private unionSpec(s: z.ZodDiscriminatedUnion): ObjectSpec {
    const discriminator = (s._zod.def as { discriminator: string }).discriminator;
    const properties: Record<string, PropertySpec> = {};
    const values: string[] = [];
    for (const option of s.options as z.ZodObject[]) {
      for (const [key, field] of Object.entries(option.shape as Record<string, z.ZodType>)) {
        if (key === discriminator) {
          const literal = unwrap(field) as z.ZodLiteral;
          values.push(...[...(literal.values as Set<unknown>)].map((v) => `\`${String(v)}\` (${field.description ?? ""})`));
        } else if (properties[key] === undefined) {
          properties[key] = this.property(field);
          properties[key].description = `${properties[key].description ?? ""} Only with \`${discriminator}\` ${JSON.stringify(
            [...((unwrap(option.shape[discriminator] as z.ZodType) as z.ZodLiteral).values as Set<unknown>)][0],
          )}.`.trim();
        }
      }
    }
    properties[discriminator] = { type: "string", description: `One of ${values.join(", ")}.` };
    return { properties: { [discriminator]: properties[discriminator], ...properties }, required: [discriminator] };
  }
}

/** The change rule's sentence, appended to an input's description so SDK docs say what a change does. */
function withChangeRule(spec: PropertySpec, rule: FieldRule | undefined): PropertySpec {
  if (rule === undefined) return spec;
  const sentence = `${rule.description[0]!.toUpperCase()}${rule.description.slice(1)}.`;
  return {
    ...spec,
    description: `${spec.description ?? ""} ${sentence}`.trim(),
    ...(rule.kind === "replace" ? { replaceOnChanges: true } : {}),
  };
}

/** A resource's schema entry: outputs (the state), inputs (the arguments) and what each requires. */
function resourceSpec(r: PluginResource, types: TypeCollector) {
  const argShape = r.args.shape as Record<string, z.ZodType>;
  const stateShape = r.state.shape as Record<string, z.ZodType>;
  const inputs = types.objectSpec(argShape);
  const inputProperties: Record<string, PropertySpec> = {};
  for (const [key, spec] of Object.entries(inputs.properties)) {
    inputProperties[key] = withChangeRule(spec, (r.rules.fields as Record<string, FieldRule>)[key]);
  }
  const properties: Record<string, PropertySpec> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(stateShape)) {
    properties[key] = types.property(field);
    delete properties[key].default; // an output's value is what the service holds, not a default
    // An input with a default is always present in the outputs.
    if (!field.isOptional() || defaultOf(field) !== undefined) required.push(key);
  }
  return {
    description: r.description,
    properties,
    required,
    inputProperties,
    requiredInputs: inputs.required ?? [],
  };
}

/** The Pulumi type of a setting, from its zod schema (numbers for the timeouts and the rate). */
function settingSpec(name: SettingName): PropertySpec {
  const entry: ConfigEntry = CONFIG_TABLE[name];
  const def = (ProviderSettingsSchema.shape[name] as z.ZodType)._zod.def as { type: string; out?: z.ZodType };
  const target = unwrap(def.type === "pipe" && def.out !== undefined ? def.out : (ProviderSettingsSchema.shape[name] as z.ZodType));
  const type = target instanceof z.ZodNumber ? (target.isInt ? "integer" : "number") : "string";
  const description =
    `${entry.description} Environment fallback: \`${entry.env}\`` +
    (entry.defaultValue !== undefined ? `; default \`${entry.defaultValue}\`.` : ".");
  return { type, description, ...(entry.secret ? { secret: true } : {}) };
}

/** The configuration keys of the plugin (`webex-wholesale:<name>`), from the configuration table. */
export function configVariables(): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const name of Object.keys(CONFIG_TABLE) as SettingName[]) out[name] = settingSpec(name);
  return out;
}

/**
 * The complete package schema.
 * @param version the plugin's version (the npm package's), written into the schema so generated
 *   SDKs ask the engine for this plugin version.
 */
export function packageSchema(version: string): Record<string, unknown> {
  const types = new TypeCollector();
  const resources: Record<string, unknown> = {};
  for (const r of PLUGIN_RESOURCES) resources[r.token] = resourceSpec(r, types);
  const lookup = CUSTOMER_ORG_LOOKUP;
  const functions = {
    [lookup.token]: {
      description: lookup.description,
      inputs: types.objectSpec(lookup.args.shape as Record<string, z.ZodType>),
      outputs: types.objectSpec(lookup.result.shape as Record<string, z.ZodType>),
    },
  };
  const variables = configVariables();
  return {
    name: PACKAGE_NAME,
    displayName: "Webex Wholesale",
    version,
    description: "Webex Wholesale customer onboarding: onboarding templates, customer organisations and their users.",
    keywords: ["pulumi", "webex", "wholesale", "category/utility"],
    license: "Apache-2.0",
    pluginDownloadURL: "github://api.github.com/webex-wholesale/pulumi-webex-wholesale", // releases' assets: `npm run plugin:package` archives
    config: { variables },
    provider: {
      description: "The provider of Webex Wholesale resources: the API root and the partner administrator's token.",
      inputProperties: variables,
    },
    resources,
    functions,
    types: types.types,
    language: {
      nodejs: { packageName: "@webex-wholesale/pulumi", respectSchemaVersion: true },
      python: { packageName: "pulumi_webex_wholesale", respectSchemaVersion: true, pyproject: { enabled: true } },
    },
  };
}

/** The schema as committed in `schema.json`: pretty JSON with a final newline. */
export function schemaText(version: string): string {
  return `${JSON.stringify(packageSchema(version), null, 2)}\n`;
}
