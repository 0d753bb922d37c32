/**
 * `webex:subPartnerOrgId` checked against `GET /v1/wholesale/subPartners`, once per run.
 *
 * Why here and not in `check`: `check` and `diff` do no I/O (a preview must refuse from the inputs
 * alone, and a refresh calls `diff`). The provider's `configure` is the one step the engine runs
 * before any `check` in a preview as in an `up`, once per provider per process, and it is where
 * the setting arrives. The list is read once per process and client (the three resources' providers
 * share it through the client cache), so a run pays one request, and a wrong id fails the preview
 * with the valid ones instead of failing the first write.
 */
import { escapeControl } from "../../text";
import { contextFor, memoize, type OperationContext } from "./client-cache";
import { ConfigurationError } from "./errors";
import { writeWarning } from "./progress";

/**
 * Refuses a `webex:subPartnerOrgId` that is not one of the partner's sub-partners.
 * Without the setting, or without a token (a preview validates inputs without one), it does
 * nothing. A list that cannot be read (a token without the sub-partners scope, the network) is a
 * warning, not a failure: the run goes on and the service judges the id on the first call.
 * @throws ConfigurationError naming `webex:subPartnerOrgId` and listing the valid ids.
 */
export async function verifyConfiguration(owner: object): Promise<void> {
  let ctx: OperationContext;
  try {
    ctx = contextFor(owner);
  } catch {
    // no token or an invalid setting: the operations that need them report it with its key
    return;
  }
  const wanted = ctx.settings.subPartnerOrgId;
  if (wanted === undefined) return;
  const client = ctx.client;
  const known = await memoize(ctx, "subPartners", async () => {
    try {
      const ids: string[] = [];
      for await (const p of client.subPartners.list()) ids.push(p.orgId);
      return ids;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      writeWarning("provider", "webex:subPartnerOrgId", `not checked: GET /v1/wholesale/subPartners failed (${escapeControl(why)})`);
      return undefined;
    }
  });
  if (known === undefined || known.includes(wanted)) return;
  const list = known.length === 0 ? "this partner has no sub-partners; remove the setting" : `valid ones: ${known.join(", ")}`;
  throw new ConfigurationError(
    `webex:subPartnerOrgId (WEBEX_SUB_PARTNER_ORG_ID) ${escapeControl(wanted)} is not a sub-partner of this partner (${list}).`,
  );
}
