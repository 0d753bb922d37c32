/**
 * Reads a program's `Pulumi.yaml` and `Pulumi.<stack>.yaml`, merges command-line overrides and secret values
 * taken from the environment, and produces the namespaced configuration the program and the provider get.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** `Pulumi.yaml`: only the fields the local engine uses; the rest is allowed and ignored. */
export const ProjectFileSchema = z.looseObject({
  name: z.string().min(1),
  runtime: z.union([
    z.string(),
    z.looseObject({
      name: z.string(),
      options: z.looseObject({ typescript: z.boolean().optional() }).optional(),
    }),
  ]),
  main: z.string().optional(),
});

/** The parsed project file. */
export type ProjectFile = z.output<typeof ProjectFileSchema>;

/** A stack configuration value: plain scalars and structured values, or an encrypted `secure:` value. */
const ConfigValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.strictObject({ secure: z.string() }),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

/** `Pulumi.<stack>.yaml`. */
export const StackFileSchema = z.looseObject({
  config: z.record(z.string(), ConfigValueSchema).optional().nullable(),
});

/** The configuration of one run, resolved. */
export type ResolvedConfig = {
  /** Project name from `Pulumi.yaml`. */
  project: string;
  /** Whether the program is TypeScript (run through ts-node). */
  typescript: boolean;
  /** Program entry relative to the program dir (`.` = package main or index). */
  main: string;
  /** All values, keyed `<namespace>:<key>`; secret values in plaintext (kept in memory only). */
  values: Record<string, string>;
  /** Keys of `values` that are secret. */
  secretKeys: string[];
};

/** Adds the project namespace to a key that has none, as `pulumi config set` does. */
export function namespaceKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function describeIssues(file: string, error: z.ZodError): string {
  return `${file} is not valid: ${error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
}

/** Reads and validates `Pulumi.yaml` in `programDir`. */
export function readProjectFile(programDir: string): ProjectFile {
  const file = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new Error(`no Pulumi.yaml in ${programDir}: is --cwd the program directory?`);
  const parsed = ProjectFileSchema.safeParse(readYaml(file));
  if (!parsed.success) throw new Error(describeIssues(file, parsed.error));
  const runtime = typeof parsed.data.runtime === "string" ? parsed.data.runtime : parsed.data.runtime.name;
  if (runtime !== "nodejs") throw new Error(`${file}: runtime ${runtime} is not supported (only nodejs)`);
  return parsed.data;
}

/**
 * Resolves a secret reference: `env:NAME` reads the environment variable NAME, `file:PATH` reads a file
 * (trailing newline removed). Literal values are refused so that secrets never sit in shell history or
 * process listings.
 */
export function resolveSecretReference(key: string, ref: string, env: Record<string, string | undefined>): string {
  const m = /^(env|file):(.+)$/.exec(ref);
  if (!m) throw new Error(`secret config ${key}: expected env:VARIABLE or file:PATH, not a literal value`);
  if (m[1] === "env") {
    const v = env[m[2]!];
    if (v === undefined || v === "") throw new Error(`secret config ${key}: environment variable ${m[2]} is not set`);
    return v;
  }
  try {
    return fs.readFileSync(m[2]!, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new Error(`secret config ${key}: cannot read ${m[2]}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/**
 * Builds the configuration of one run: stack file values, then `overrides` (`--config k=v`), then `secrets`
 * (plaintext values, e.g. resolved from `--secret-config k=env:VAR` by {@link resolveSecretReference}). A `secure:` value in the stack file was encrypted by the Pulumi CLI with its
 * own key, which the local engine does not have: it fails with a message saying how to supply it instead,
 * unless a secret override for the same key is given.
 */
export function resolveConfig(
  programDir: string,
  stack: string,
  overrides: Record<string, string>,
  secrets: Record<string, string>,
): ResolvedConfig {
  const project = readProjectFile(programDir);
  const runtimeOptions = typeof project.runtime === "string" ? undefined : project.runtime.options;
  const values: Record<string, string> = {};
  const secret = new Set<string>();
  const secretOverrides = new Set(Object.keys(secrets).map((k) => namespaceKey(project.name, k)));
  const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (fs.existsSync(stackFile)) {
    const parsed = StackFileSchema.safeParse(readYaml(stackFile) ?? {});
    if (!parsed.success) throw new Error(describeIssues(stackFile, parsed.error));
    for (const [rawKey, value] of Object.entries(parsed.data.config ?? {})) {
      const key = namespaceKey(project.name, rawKey);
      if (typeof value === "object" && value !== null && !Array.isArray(value) && "secure" in value) {
        if (secretOverrides.has(key)) continue;
        throw new Error(
          `${stackFile}: ${key} is a "secure:" value encrypted by the Pulumi CLI, which the local engine ` +
            `cannot decrypt; pass it with --secret-config ${key}=env:<VARIABLE> instead`,
        );
      }
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  for (const [k, v] of Object.entries(overrides)) values[namespaceKey(project.name, k)] = v;
  for (const [k, value] of Object.entries(secrets)) {
    const key = namespaceKey(project.name, k);
    values[key] = value;
    secret.add(key);
  }
  return {
    project: project.name,
    typescript: runtimeOptions?.typescript ?? true,
    main: project.main ?? ".",
    values,
    secretKeys: [...secret].sort(),
  };
}
