/**
 * `CustomerUserProvider`: the dynamic provider of `CustomerUser`.
 *
 * Pulumi serializes this object into every resource's `__provider` and runs it inside the
 * dynamic-provider plugin. It captures nothing but the tiny loader: each method requires the
 * implementation (`pulumi-webex-wholesale/resources/customer-user/operations`) at call time
 * from the program's directory, so state stays small, holds no credential, and code fixes reach
 * existing resources with the installed package.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadOperations } from "../common/load";
import type * as Operations from "./operations";

/** The implementation, required at call time (the only thing the methods capture). */
const ops = (): typeof Operations => loadOperations("customer-user");

/**
 * Implements `pulumi.dynamic.ResourceProvider` for customer users (wholesale subscribers); constructible with no
 * arguments. Contract:
 * - `configure` keeps the `webex:*` stack config (else the `WEBEX_*` environment is read);
 * - `check` never throws on bad input: it returns failures with the property path; `check` and
 *   `diff` do no I/O;
 * - `create` is transactional-ish: when the email is already taken (10022) it adopts the agreeing user instead of
 *   failing, and refuses (ConflictError) a different one;
 * - `read` returns an empty id when the user is gone;
 * - `delete` of a user that no longer exists succeeds.
 */
export class CustomerUserProvider implements pulumi.dynamic.ResourceProvider {
  /** Receives the stack configuration from the plugin (once per process and provider text). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    ops().configure(this, req);
  }

  /** Validates and normalises new inputs; failures name the property as written. */
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return ops().check(this, olds, news);
  }

  /** Compares old outputs with new inputs; throws for a change the service refuses. */
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    return ops().diff(this, id, olds, news);
  }

  /** Creates (or adopts) the user. */
  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return ops().create(this, inputs);
  }

  /** Reads the user; an empty id means it is gone. */
  async read(id: string, props?: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return ops().read(this, id, props);
  }

  /** Changes the user's package (only when the server differs). */
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return ops().update(this, id, olds, news);
  }

  /** Deletes the user; a user already gone is success. */
  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return ops().remove(this, id, props);
  }
}
