/**
 * The routes of the Locations, PSTN and numbers API (locations-and-numbers.md), each with the
 * scope Cisco's spec names for it. `GET /v1/locations` sits in `routes.ts` with the wholesale
 * routes it predates; these follow it in the same table.
 */
import { createLocation, enableCalling, getLocation, updateLocation } from "./locations";
import { activateNumbers, addNumbers, listNumbers, removeNumbers, validateNumbers } from "./numbers";
import type { Route } from "./routes";
import {
  DISABLE_JOBS_PATH,
  getConnection,
  getDisableCallingJob,
  listConnectionOptions,
  precheckDeletion,
  setConnection,
  startDisableCalling,
  updateCallingDetails,
} from "./telephony";

const L = "/v1/locations";
const TC = "/v1/telephony/config";
const PSTN = "/v1/telephony/pstn/locations/{id}";
const LR = "spark-admin:locations_read";
const LW = "spark-admin:locations_write";
const TCR = "spark-admin:telephony_config_read";
const TCW = "spark-admin:telephony_config_write";
const PR = "spark-admin:telephony_pstn_read";
const PW = "spark-admin:telephony_pstn_write";

/**
 * Locations, calling, PSTN, numbers, precheck and the disable-calling job. [project] The
 * precheck and validateNumbers need the write scope (they judge a write) but count as reads.
 */
export const LOCATION_ROUTES: readonly Route[] = [
  { method: "POST", template: L, scope: LW, write: true, body: true, handler: createLocation },
  { method: "GET", template: `${L}/{id}`, scope: LR, write: false, body: false, handler: getLocation },
  { method: "PUT", template: `${L}/{id}`, scope: LW, write: true, body: true, handler: updateLocation },
  { method: "POST", template: `${TC}/locations`, scope: TCW, write: true, body: true, handler: enableCalling },
  { method: "PUT", template: `${TC}/locations/{id}`, scope: TCW, write: true, body: true, handler: updateCallingDetails },
  { method: "GET", template: `${PSTN}/connectionOptions`, scope: PR, write: false, body: false, handler: listConnectionOptions },
  { method: "GET", template: `${PSTN}/connection`, scope: PR, write: false, body: false, handler: getConnection },
  { method: "PUT", template: `${PSTN}/connection`, scope: PW, write: true, body: true, handler: setConnection },
  { method: "POST", template: `${TC}/locations/{id}/numbers`, scope: TCW, write: true, body: true, handler: addNumbers },
  { method: "PUT", template: `${TC}/locations/{id}/numbers`, scope: TCW, write: true, body: true, handler: activateNumbers },
  { method: "DELETE", template: `${TC}/locations/{id}/numbers`, scope: TCW, write: true, body: true, handler: removeNumbers },
  { method: "GET", template: `${TC}/numbers`, scope: TCR, write: false, body: false, handler: listNumbers },
  { method: "POST", template: `${TC}/actions/validateNumbers/invoke`, scope: TCW, write: false, body: true, handler: validateNumbers },
  {
    method: "POST",
    template: `${TC}/locations/{id}/actions/precheckForDeletion/invoke`,
    scope: TCW,
    write: false,
    body: false,
    handler: precheckDeletion,
  },
  { method: "POST", template: DISABLE_JOBS_PATH, scope: TCW, write: true, body: true, handler: startDisableCalling, asyncScenario: true },
  { method: "GET", template: `${DISABLE_JOBS_PATH}/{jobId}`, scope: TCR, write: false, body: false, handler: getDisableCallingJob },
];
