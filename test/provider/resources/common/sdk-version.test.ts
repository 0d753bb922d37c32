import { expect } from "chai";
import { assertSupportedSdk, isOlder, MINIMUM_SDK, sdkTooOld } from "../../../../provider/resources/common/sdk-version";

describe("running @pulumi/pulumi version check", () => {
  const cases: { running: string | undefined; tooOld: boolean }[] = [
    { running: "3.138.0", tooOld: true },
    { running: "3.215.9", tooOld: true },
    { running: "3.216.0", tooOld: false },
    { running: "3.276.0", tooOld: false },
    { running: "4.0.0-alpha.1", tooOld: false },
    { running: undefined, tooOld: false },
  ];
  for (const c of cases) {
    it(`${c.running ?? "(unreadable)"} → ${c.tooOld ? "a clear error" : "accepted"}`, () => {
      const e = sdkTooOld(c.running);
      expect(e !== undefined).to.equal(c.tooOld);
      if (e) {
        expect(e.message).to.include(c.running!).and.to.include(MINIMUM_SDK.version).and.to.include("npm install @pulumi/pulumi@^3.216.0");
        expect(e.message).to.include("configure").and.to.include("read");
      }
    });
  }

  it("compares numerically, not as text", () => {
    expect(isOlder("3.99.0", "3.139.0")).to.equal(true);
    expect(isOlder("3.139.0", "3.99.0")).to.equal(false);
  });

  it("accepts the SDK this repository runs", () => {
    expect(() => assertSupportedSdk()).not.to.throw();
  });
});
