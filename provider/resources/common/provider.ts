/**
 * The one dynamic provider class of every resource, made per resource folder.
 *
 * Pulumi serializes a provider object into every resource's `__provider` and runs it inside the
 * dynamic-provider plugin. The class captures nothing but the folder name and the tiny loader: each
 * method requires the implementation (`pulumi-webex-wholesale/resources/<folder>/operations`) at
 * call time from the program's directory, so state stays small, holds no credential, and code fixes
 * reach existing resources with the installed package. Keep this module import-free at run time:
 * the serializer copies whatever the methods reference.
 *
 * Each resource's one instance is the whole `module.exports` of `<folder>/instance.ts`. Pulumi
 * stores the serialized provider in every resource's inputs and outputs, and the real CLI rewrites
 * the whole checkpoint after each step. When the object it serializes is a module's exports inside
 * `node_modules`, the SDK stores a `require` of that module by its `exports` name instead of the
 * object's code: `require("pulumi-webex-wholesale/resources/<folder>/instance")`, about 0.3 KB
 * instead of about 3.5 KB per copy. Outside `node_modules` (this repository, a linked workspace)
 * the SDK copies the object by value, this loader-only class. The subpath is a permanent contract
 * of the `exports` map.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadOperations } from "./load";
import type { OperationsAbi, StoredOutputs } from "./operations-abi";

/**
 * A `pulumi.dynamic.ResourceProvider` with every method present: the provider instance of each of
 * the package's resources (the engine calls all of them, so none is optional here). `check` takes
 * what the program wrote (not yet validated) and returns checked inputs `I`; the other methods take
 * checked inputs `I` and the stored outputs ({@link StoredOutputs}), and return outputs `O`.
 * @typeParam I the resource's checked inputs, e.g. `CustomerOrgInputs`.
 * @typeParam O the resource's outputs, e.g. `CustomerOrgState`.
 */
export interface WebexResourceProvider<I = Record<string, unknown>, O = Record<string, unknown>> {
  /** Receives the stack configuration from the plugin. */
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
  /** Validates and normalises what the program wrote; failures name the property as written. */
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult<I>>;
  /** Compares stored outputs with new checked inputs. */
  diff(id: string, olds: StoredOutputs<O>, news: I): Promise<pulumi.dynamic.DiffResult>;
  /** Creates (or adopts) the resource. */
  create(inputs: I): Promise<pulumi.dynamic.CreateResult<O>>;
  /** Reads the resource; an empty id means it is gone. */
  read(id: string, props?: StoredOutputs<O>): Promise<pulumi.dynamic.ReadResult<StoredOutputs<O>>>;
  /** Updates the resource in place. */
  update(id: string, olds: StoredOutputs<O>, news: I): Promise<pulumi.dynamic.UpdateResult<O>>;
  /** Deletes the resource; one already gone is success. */
  delete(id: string, props: StoredOutputs<O>): Promise<void>;
}

/** The provider class of each resource (`CustomerOrgProvider` and its siblings), constructible with no arguments. */
export interface WebexResourceProviderClass<I = Record<string, unknown>, O = Record<string, unknown>> {
  /** Makes a provider; it holds no state and no credential (configuration arrives by `configure`). */
  new (): WebexResourceProvider<I, O>;
}

/**
 * Makes the `pulumi.dynamic.ResourceProvider` class of one resource folder; constructible with no
 * arguments. Contract of every method:
 * - `configure` keeps the `webex:*` stack config (else the `WEBEX_*` environment is read);
 * - `check` never throws on bad input: it returns failures with the property path; `check` and
 *   `diff` do no I/O;
 * - `create` adopts an agreeing existing resource with the same natural key instead of creating a
 *   second one, and refuses (ConflictError) a different one;
 * - `read` returns an empty id when the resource is gone;
 * - `delete` of a resource that no longer exists succeeds.
 * Methods take their arguments as `...a` (named in the tuple types): the serialized text, stored in
 * every resource's state, stays no larger than the three hand-written classes it replaced.
 * The list of resources (`provider/resources/registry.ts`) checks that `I` and `O` are the types
 * the folder's `operations` module is written for.
 * @typeParam I the resource's checked inputs.
 * @typeParam O the resource's outputs.
 * @param folder the resource folder whose `operations` module the methods call.
 */
export function providerClass<I extends Record<string, unknown>, O extends Record<string, unknown>>(
  folder: string,
): WebexResourceProviderClass<I, O> {
  const ops = (): OperationsAbi<I, O> => loadOperations(folder);
  type S = StoredOutputs<O>;
  return class implements WebexResourceProvider<I, O> {
    /** Receives the stack configuration from the plugin (once per process and provider text). */
    async configure(...a: [req: pulumi.dynamic.ConfigureRequest]): Promise<void> {
      ops().configure(this, ...a);
    }

    /** Validates and normalises new inputs; failures name the property as written. */
    async check(...a: [olds: Record<string, unknown>, news: Record<string, unknown>]): Promise<pulumi.dynamic.CheckResult<I>> {
      return ops().check(this, ...a);
    }

    /** Compares old outputs with new inputs. */
    async diff(...a: [id: string, olds: S, news: I]): Promise<pulumi.dynamic.DiffResult> {
      return ops().diff(this, ...a);
    }

    /** Creates (or adopts) the resource and waits until it is usable. */
    async create(...a: [inputs: I]): Promise<pulumi.dynamic.CreateResult<O>> {
      return ops().create(this, ...a);
    }

    /** Reads the resource; an empty id means it is gone. */
    async read(...a: [id: string, props?: S]): Promise<pulumi.dynamic.ReadResult<S>> {
      return ops().read(this, ...a);
    }

    /** Updates the resource in place (only when the server differs) and waits for it. */
    async update(...a: [id: string, olds: S, news: I]): Promise<pulumi.dynamic.UpdateResult<O>> {
      return ops().update(this, ...a);
    }

    /** Deletes the resource and waits until it is gone; one already gone is success. */
    async delete(...a: [id: string, props: S]): Promise<void> {
      return ops().remove(this, ...a);
    }
  };
}
