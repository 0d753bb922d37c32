/**
 * The shape of a stack's checkpoint: one resource, one pending operation, and the whole file as stored. The types
 * every part of the engine uses for state come from these schemas.
 */
import { z } from "zod";

import { SecretsProviderSchema } from "./secrets";
import type { PropertyValue } from "./sdk";

/** The version of the stored format (`version` in the base file). */
export const STATE_VERSION = 1;

const PropertyMapSchema = z.record(
  z.string(),
  z.custom<PropertyValue>(() => true),
);

/** One resource in the state. */
export const ResourceStateSchema = z.object({
  urn: z.string(),
  type: z.string(),
  /** Custom (provider-backed) resource, as opposed to a component or the Stack. */
  custom: z.boolean(),
  id: z.string().default(""),
  parent: z.string().default(""),
  inputs: PropertyMapSchema.default({}),
  outputs: PropertyMapSchema.default({}),
  dependencies: z.array(z.string()).default([]),
  /** For each input, the resources its value came from (to find the dependents a replacement affects). */
  propertyDependencies: z.record(z.string(), z.array(z.string())).default({}),
  protect: z.boolean().default(false),
  retainOnDelete: z.boolean().default(false),
  /** Read with `Resource.get`: owned elsewhere, never deleted by this stack. */
  external: z.boolean().default(false),
  additionalSecretOutputs: z.array(z.string()).default([]),
  /** Set when the provider reported a partial create/update; forces an update on the next `up`. */
  initErrors: z.array(z.string()).optional(),
  /** The old half of a create-before-delete replacement, still to be deleted. */
  pendingReplacement: z.boolean().optional(),
});

/** A resource as stored in memory. */
export type ResourceState = z.output<typeof ResourceStateSchema>;

/** A provider write that started and whose outcome is not recorded yet. */
export const PendingOperationSchema = z.object({
  op: z.enum(["create", "update", "delete"]),
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  startedAt: z.string(),
});

/** A pending operation. */
export type PendingOperation = z.output<typeof PendingOperationSchema>;

/** The whole checkpoint file. */
export const StateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  project: z.string(),
  stack: z.string(),
  secretsProvider: SecretsProviderSchema.optional(),
  blobs: z.record(z.string(), z.string()).default({}),
  outputs: PropertyMapSchema.default({}),
  resources: z.array(ResourceStateSchema).default([]),
  pending: z.array(PendingOperationSchema).default([]),
});

/** The checkpoint file as parsed (secrets still encrypted, `__provider` still referenced). */
export type StateFile = z.output<typeof StateFileSchema>;

/** The checkpoint as it is held in memory (decoded). */
export type StackState = Omit<StateFile, "blobs" | "secretsProvider">;
