// Loopback HTTP helpers for the emulator's server tests (Node's global fetch, no mocks).
import type { EmulatorHandle } from "../../../local/emulator";
import { TEMPLATE } from "./world";

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON
}

/** One API call with the partner token unless `headers` replace Authorization. */
export async function api(
  emu: EmulatorHandle,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(path.startsWith("http") ? path : `${emu.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${emu.token}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Creates the standard template; returns its provisioningId. */
export async function template(emu: EmulatorHandle, name = TEMPLATE.name): Promise<string> {
  const r = await api(emu, "POST", "/v1/wholesale/onboardingTemplates", { ...TEMPLATE, name });
  if (r.status !== 201) throw new Error(`template: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.provisioningId as string;
}

/** A meetings-only customer body (no calling location needed). */
export function meetingsCustomer(provisioningId: string, externalId: string): Record<string, unknown> {
  return {
    provisioningId,
    externalId,
    packages: ["webex_meetings"],
    address: { addressLine1: "1 Main Street", city: "Springfield", country: "US" },
    customerInfo: { name: "Acme", primaryEmail: `admin@${externalId}.example` },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
