/**
 * URNs and aliases, computed the way the real engine does (pkg/resource/urn.go, step_generator.go).
 */

/** The type token of a stack's root resource. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualifiedType>::<name>`. */
export type UrnParts = { stack: string; project: string; qualifiedType: string; type: string; name: string };

/**
 * Parses a URN. The type is the last `$`-separated part of the qualified type; the name may itself contain `::`.
 *
 * @throws Error when `urn` is not a Pulumi URN.
 */
export function parseUrn(urn: string): UrnParts {
  const m = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
  const qualifiedType = m[3]!;
  return { stack: m[1]!, project: m[2]!, qualifiedType, type: qualifiedType.split("$").pop()!, name: m[4]! };
}

/**
 * Builds the URN of a resource: the qualified type prefixes the parent's qualified type, except under the root
 * Stack (or with no parent).
 */
export function makeUrn(stack: string, project: string, type: string, name: string, parentUrn: string): string {
  let qualified = type;
  if (parentUrn) {
    const parentType = parseUrn(parentUrn).qualifiedType;
    if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** An alias as the SDK sends it with the `aliasSpecs` feature: a full URN, or a spec relative to the resource. */
export type AliasInput =
  { urn: string } | { name?: string; type?: string; stack?: string; project?: string; parentUrn?: string; noParent?: boolean };

/** What the alias computation needs to know about the resource being registered. */
export type AliasContext = {
  stack: string;
  project: string;
  type: string;
  name: string;
  parentUrn: string;
  /** Alias URNs already computed for the parent in this run (a renamed parent renames its children too). */
  parentAliases: string[];
};

/**
 * Computes the alias URNs of a resource from the SDK's alias specs, then adds the variants under each of the
 * parent's aliases (the real engine's inherited child aliases), so renaming or re-parenting a component keeps
 * its children. The result excludes the resource's own URN and has no duplicates.
 */
export function computeAliasUrns(ctx: AliasContext, aliases: AliasInput[]): string[] {
  const own = makeUrn(ctx.stack, ctx.project, ctx.type, ctx.name, ctx.parentUrn);
  const out = new Set<string>();
  for (const a of aliases) {
    if ("urn" in a) {
      if (a.urn) out.add(a.urn);
      continue;
    }
    const parent = a.noParent ? "" : a.parentUrn || ctx.parentUrn;
    const name = a.name || ctx.name,
      type = a.type || ctx.type;
    const stack = a.stack || ctx.stack,
      project = a.project || ctx.project;
    out.add(makeUrn(stack, project, type, name, parent));
    // An alias spec that keeps the parent also matches the parent's old URNs (the SDK may fill in the
    // resource's own parent explicitly).
    if (!a.noParent && (!a.parentUrn || a.parentUrn === ctx.parentUrn)) {
      for (const pa of ctx.parentAliases) out.add(makeUrn(stack, project, type, name, pa));
    }
  }
  for (const pa of ctx.parentAliases) out.add(makeUrn(ctx.stack, ctx.project, ctx.type, ctx.name, pa));
  out.delete(own);
  return [...out];
}
