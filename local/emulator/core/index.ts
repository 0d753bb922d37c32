/**
 * The pure core of the emulator: state, rules and the `handle` function. No I/O, no clock.
 */
export { ERROR_CATALOG, ERROR_CODES, ErrorBodySchema, errorResponse, type ApiResponse, type ErrorBody, type ErrorCode } from "./catalog";
export { authenticate, authorize, handle, type CoreContext, type CoreRequest, type CoreResult } from "./handle";
export { checkInvariants, InvariantReportSchema, type InvariantReport } from "./invariants";
export { settle } from "./lifecycle";
export { PACKAGES } from "./packages";
export { Rng, webexId } from "./random";
export { matchRoute, ROUTES, type Route } from "./routes";
export {
  FixturesInputSchema,
  hashToken,
  initialState,
  mergeFixtures,
  OutcomeSchema,
  SCOPES,
  StateSchema,
  type Fixtures,
  type FixturesInput,
  type Scope,
  type State,
} from "./state";
