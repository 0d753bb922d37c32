/**
 * The contract between every stored `__provider` and this package: the module each serialized
 * provider requires at call time (`pulumi-webex-wholesale/resources/<folder>/operations`, see
 * `load.ts`) and the functions it calls there. Stacks created by any earlier version hold provider
 * texts that call exactly these names, so renaming one, changing its arguments or moving a module
 * breaks `up`, `refresh` and `destroy` of existing stacks. The one declared list of resources
 * (`provider/resources/registry.ts`) pins each folder's module to this type, for its own inputs and
 * outputs, at compile time; `test/provider/resources/revival.test.ts` pins it at run time by
 * reviving saved provider texts. This module imports no resource folder (the folders import it).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "./settings";

/**
 * Outputs as a stack's state holds them: written by this version or an earlier one, so any field
 * may be missing (the operations read them leniently) and fields the schema does not name, such
 * as Pulumi's own `__provider`, are kept.
 * @typeParam O the resource's outputs.
 */
export type StoredOutputs<O> = Partial<O> & Record<string, unknown>;

/**
 * What every `provider/resources/<folder>/operations.ts` exports. `owner` is the provider object
 * (the key of its stack configuration); the rest are the dynamic provider's own arguments. Inputs
 * arrive as the engine sent them (each operation parses them again), so the parameters stay loose
 * and the results carry the resource's types: `create` and `update` return complete outputs `O`,
 * `read` what it could learn ({@link StoredOutputs}, since it carries over what GET does not return).
 * With the defaults, the shape the plugin calls without knowing which resource it serves.
 * @typeParam I the resource's checked inputs.
 * @typeParam O the resource's outputs (inputs plus computed values).
 */
export interface OperationsAbi<I extends object = Record<string, unknown>, O extends object = Record<string, unknown>> {
  /** Keeps the `webex:*` stack configuration for `owner`. */
  configure(owner: object, req: ConfigSource): void;
  /** Pure validation of `news`; never throws, failures carry the property path. */
  check(owner: object, olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.CheckResult<I>;
  /** Pure diff of stored outputs against new inputs. */
  diff(owner: object, id: string, olds: StoredOutputs<O>, news: Record<string, unknown>): pulumi.dynamic.DiffResult;
  /** Creates (or adopts) the resource. */
  create(owner: object, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<O>>;
  /** Reads the resource; an empty id means it is gone. */
  read(owner: object, id: string, props?: StoredOutputs<O>): Promise<pulumi.dynamic.ReadResult<StoredOutputs<O>>>;
  /** Updates the resource in place. */
  update(owner: object, id: string, olds: StoredOutputs<O>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult<O>>;
  /** Deletes the resource; one already gone is success. Named `remove` in every stored provider. */
  remove(owner: object, id: string, props: StoredOutputs<O>): Promise<void>;
}

/** The pure half of {@link OperationsAbi}: `configure`, `check` and `diff`, which do no I/O. */
export type PureOperations<I extends object = Record<string, unknown>, O extends object = Record<string, unknown>> = Pick<
  OperationsAbi<I, O>,
  "configure" | "check" | "diff"
>;
