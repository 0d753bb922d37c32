// The shape of the resources' table-driven diff tests, and the one runner they share.
import { expect } from "chai";
import { RefusedChangeError, type ClientRules, type DiffOutcome } from "../../../provider/resources/common/change-rules";

type DiffFn = (olds: Record<string, unknown>, news: Record<string, unknown>, opts: { clientRules: ClientRules }) => DiffOutcome;

/** What a case expects: a diff outcome, or a refusal of `property` from `oldValue` to `newValue`. */
export type DiffExpectation =
  | { changes: boolean; changedKeys: string[]; replaces?: string[]; deleteBeforeReplace?: boolean }
  | {
      refused: { property: string; oldValue: unknown; newValue: unknown; says: RegExp };
      /** What `server` mode makes of it: an update, unless the refused input changes nothing on the service (default true). */
      serverChanges?: boolean;
    };

/** One named case: old outputs (state) and new checked inputs. */
export interface DiffCase {
  name: string;
  olds: Record<string, unknown>;
  news: Record<string, unknown>;
  clientRules?: ClientRules;
  expect: DiffExpectation;
}

/** Registers one mocha test per case. */
export function runDiffCases(diff: DiffFn, cases: DiffCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const opts = { clientRules: c.clientRules ?? "strict" };
      const e = c.expect;
      if ("refused" in e) {
        let thrown: unknown;
        try {
          diff(c.olds, c.news, opts);
        } catch (err) {
          thrown = err;
        }
        expect(thrown, "diff should refuse").to.be.instanceOf(RefusedChangeError);
        const err = thrown as RefusedChangeError;
        expect(err.property).to.equal(e.refused.property);
        expect(err.oldValue).to.deep.equal(e.refused.oldValue);
        expect(err.newValue).to.deep.equal(e.refused.newValue);
        // The message names the property and both values, says why, and what to do instead.
        expect(err.message).to.include(e.refused.property);
        expect(err.message).to.include(err.oldValue === undefined ? "(not set)" : JSON.stringify(err.oldValue));
        expect(err.message).to.include(err.newValue === undefined ? "(not set)" : JSON.stringify(err.newValue));
        expect(err.message).to.include(err.reason).and.include(`Instead, ${err.instead}`);
        expect(err.reason).to.not.equal("");
        expect(err.instead).to.not.equal("");
        expect(err.message).to.match(e.refused.says);
        // The escape hatch turns the same refusal into an update (or into no change, for an input
        // only checked, whose refusal protects another resource's update).
        const server = diff(c.olds, c.news, { clientRules: "server" });
        expect(server.changes).to.equal(e.serverChanges ?? true);
        return;
      }
      const out = diff(c.olds, c.news, opts);
      expect(out.changes).to.equal(e.changes);
      expect(out.changedKeys).to.deep.equal(e.changedKeys);
      expect(out.replaces).to.deep.equal(e.replaces ?? []);
      expect(out.deleteBeforeReplace).to.equal(e.deleteBeforeReplace ?? false);
    });
  }
}
