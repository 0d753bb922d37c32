/**
 * What `npm start` makes from the shipped catalog (`catalog/customers.yaml`), counted from the file
 * so the tests that run it follow the catalog when it grows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const sample = parse(readFileSync(join(ROOT, "catalog", "customers.yaml"), "utf8")) as {
  templates: unknown[];
  customers: { externalId: string; locations?: unknown[] }[];
  users: unknown[];
};

/** The sample catalog's customers' externalIds, sorted. */
export const SAMPLE_CUSTOMERS = sample.customers.map((c) => c.externalId).sort();
/** How many users the sample catalog declares. */
export const SAMPLE_USERS = sample.users.length;
/** How many resources of the program the state records: templates, customers, sites, users and the deletion guard. */
export const SAMPLE_RESOURCES =
  sample.templates.length +
  sample.customers.length +
  sample.customers.reduce((n, c) => n + (c.locations?.length ?? 0), 0) +
  SAMPLE_USERS +
  1;
