/**
 * The local engine: a small stand-in for the Pulumi CLI that runs any Pulumi TypeScript program with dynamic
 * resources (`preview`, `up`, `refresh`, `destroy`) using the SDK's own language entry point and dynamic-provider
 * plugin. For trying and testing; see README.md.
 */
export { runEngine, defaultStateFile, logFileFor } from "./engine";
export {
  EngineOptionsSchema,
  EngineResultSchema,
  OperationSchema,
  StepRecordSchema,
  SummarySchema,
  type EngineOptions,
  type EngineResult,
  type Operation,
  type StepRecord,
  type Summary,
} from "./options";
export { resolveSecretReference } from "./project-config";
export { StateWriteError, nodeStateIo, type StateIo } from "./state-io";
