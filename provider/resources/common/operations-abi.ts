/**
 * The contract between every stored `__provider` and this package: the module each serialized
 * provider requires at call time (`pulumi-webex-wholesale/resources/<folder>/operations`, see
 * `load.ts`) and the functions it calls there. Stacks created by any earlier version hold provider
 * texts that call exactly these names, so renaming one, changing its arguments or moving a module
 * breaks `up`, `refresh` and `destroy` of existing stacks. The type below pins it at compile time;
 * `test/provider/resources/revival.test.ts` pins it at run time by reviving saved provider texts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CustomerOrgInputs, CustomerOrgState } from "../customer-org/schema";
import type { CustomerUserInputs, CustomerUserState } from "../customer-user/schema";
import type { OnboardingTemplateInputs, OnboardingTemplateState } from "../onboarding-template/schema";
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
 * (the key of its stack configuration); the rest are the dynamic provider's own arguments.
 * @typeParam I the resource's checked inputs.
 * @typeParam O the resource's outputs (inputs plus computed values).
 */
export interface OperationsAbi<I extends object = Record<string, unknown>, O extends object = Record<string, unknown>> {
  /** Keeps the `webex:*` stack configuration for `owner`. */
  configure(owner: object, req: ConfigSource): void;
  /** Checks the configuration against the service, once per run (`webex:subPartnerOrgId`; see `common/sub-partner.ts`). */
  verifyConfiguration(owner: object): Promise<void>;
  /** Pure validation of `news`; never throws, failures carry the property path. */
  check(owner: object, olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.CheckResult<I>;
  /** Pure diff of stored outputs against new inputs. */
  diff(owner: object, id: string, olds: StoredOutputs<O>, news: I): pulumi.dynamic.DiffResult;
  /** Creates (or adopts) the resource. */
  create(owner: object, news: I): Promise<pulumi.dynamic.CreateResult<O>>;
  /** Reads the resource; an empty id means it is gone. */
  read(owner: object, id: string, props?: StoredOutputs<O>): Promise<pulumi.dynamic.ReadResult<O>>;
  /** Updates the resource in place. */
  update(owner: object, id: string, olds: StoredOutputs<O>, news: I): Promise<pulumi.dynamic.UpdateResult<O>>;
  /** Deletes the resource; one already gone is success. Named `remove` in every stored provider. */
  remove(owner: object, id: string, props: StoredOutputs<O>): Promise<void>;
}

/** The resource folders stored providers name; each must keep an `operations` module. */
export type ResourceFolder = "onboarding-template" | "customer-org" | "customer-user";

/**
 * Each stored folder's checked inputs and outputs: what its provider's methods take and return.
 * Types only, so the serialized provider text does not grow with them.
 */
export interface ResourceTypes {
  /** {@link OnboardingTemplateInputs} in, {@link OnboardingTemplateState} out. */
  "onboarding-template": { inputs: OnboardingTemplateInputs; outputs: OnboardingTemplateState };
  /** {@link CustomerOrgInputs} in, {@link CustomerOrgState} out. */
  "customer-org": { inputs: CustomerOrgInputs; outputs: CustomerOrgState };
  /** {@link CustomerUserInputs} in, {@link CustomerUserState} out. */
  "customer-user": { inputs: CustomerUserInputs; outputs: CustomerUserState };
}

/** The checked inputs of a folder's resource. */
export type InputsOf<F extends ResourceFolder> = ResourceTypes[F]["inputs"];
/** The outputs (inputs plus computed values) of a folder's resource. */
export type OutputsOf<F extends ResourceFolder> = ResourceTypes[F]["outputs"];

/** Fails to compile when a resource's `operations` module stops satisfying {@link OperationsAbi} for its own types. */
type Pinned<F extends ResourceFolder, T extends OperationsAbi<InputsOf<F>, OutputsOf<F>>> = T;
/** Each stored folder's operations module, checked against the contract. */
export type OperationsByFolder = {
  "onboarding-template": Pinned<"onboarding-template", typeof import("../onboarding-template/operations")>;
  "customer-org": Pinned<"customer-org", typeof import("../customer-org/operations")>;
  "customer-user": Pinned<"customer-user", typeof import("../customer-user/operations")>;
};
