// The rate-share file: its parser, the reader's throttling and fallbacks (fake file system and the
// real one), and the atomic writer.
import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRateShare, rateShareReader, writeRateShareFile, type RateShareFs } from "../../../provider/client/rate-share-file";

/** An in-memory file: its text (undefined: missing) and a version that stands for its identity. */
function fakeFile(text: string | undefined) {
  const file = { text, version: 0, reads: 0, looks: 0, readThrows: false };
  const fs: RateShareFs = {
    identity: () => (file.looks++, file.text === undefined ? undefined : `v${file.version}`),
    read: () => {
      file.reads++;
      if (file.readThrows || file.text === undefined) throw new Error("ENOENT");
      return file.text;
    },
  };
  const set = (next: string | undefined) => {
    file.text = next;
    file.version++;
  };
  return { file, fs, set };
}

describe("rate-share file", () => {
  describe("parseRateShare", () => {
    const cases: Array<{ text: string; want: number | undefined }> = [
      { text: '{ "perSecond": 12.5 }', want: 12.5 },
      { text: '{"perSecond":3}\n', want: 3 },
      { text: '{ "perSecond": 0 }', want: undefined },
      { text: '{ "perSecond": -1 }', want: undefined },
      { text: '{ "perSecond": "5" }', want: undefined },
      { text: '{ "perSecond": 1e400 }', want: undefined },
      { text: '{ "rate": 5 }', want: undefined },
      { text: "5", want: undefined },
      { text: "null", want: undefined },
      { text: '{ "perSecond": 5', want: undefined },
      { text: "", want: undefined },
    ];
    for (const c of cases) it(`${JSON.stringify(c.text)} → ${String(c.want)}`, () => expect(parseRateShare(c.text)).to.equal(c.want));
  });

  describe("rateShareReader", () => {
    it("starts from the initial rate, then follows the file", () => {
      let t = 0;
      const { fs, set } = fakeFile(undefined);
      const rate = rateShareReader("/x", 7, { now: () => t, fs });
      expect(rate()).to.equal(7);
      set('{ "perSecond": 3 }');
      t += 500;
      expect(rate()).to.equal(3);
      set('{ "perSecond": 9 }');
      t += 500;
      expect(rate()).to.equal(9);
    });

    it("looks at the file at most once per poll interval, and reads it only when it changed", () => {
      let t = 0;
      const { file, fs, set } = fakeFile('{ "perSecond": 4 }');
      const rate = rateShareReader("/x", 1, { now: () => t, fs, pollMs: 500 });
      for (let k = 0; k < 10; k++) expect(rate()).to.equal(4);
      expect(file.looks).to.equal(1);
      set('{ "perSecond": 6 }');
      t = 499;
      expect(rate()).to.equal(4); // not yet looked at again
      t = 500;
      expect(rate()).to.equal(6);
      t = 1000;
      expect(rate()).to.equal(6);
      expect([file.looks, file.reads]).to.deep.equal([3, 2]); // the unchanged file was not read again
    });

    const fallbacks: Array<{ name: string; next: string | undefined; readThrows?: boolean }> = [
      { name: "the file is removed", next: undefined },
      { name: "the file is garbled", next: '{ "perSecond": ' },
      { name: "the rate is zero", next: '{ "perSecond": 0 }' },
      { name: "the rate is not a number", next: '{ "perSecond": "fast" }' },
      { name: "the read fails after the look", next: '{ "perSecond": 50 }', readThrows: true },
    ];
    for (const c of fallbacks) {
      it(`keeps the last good rate when ${c.name}`, () => {
        let t = 0;
        const { file, fs, set } = fakeFile('{ "perSecond": 5 }');
        const rate = rateShareReader("/x", 1, { now: () => t, fs });
        expect(rate()).to.equal(5);
        set(c.next);
        file.readThrows = c.readThrows ?? false;
        t += 1000;
        expect(rate()).to.equal(5);
        // and recovers once a good file is back
        file.readThrows = false;
        set('{ "perSecond": 8 }');
        t += 1000;
        expect(rate()).to.equal(8);
      });
    }

    it("keeps the initial rate while the file never holds a good one", () => {
      let t = 0;
      const { fs } = fakeFile("not json");
      const rate = rateShareReader("/x", 2.5, { now: () => t, fs });
      for (let k = 0; k < 3; k++, t += 1000) expect(rate()).to.equal(2.5);
    });
  });

  describe("on the real file system", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "rate-share-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("the writer's file is what the reader follows, and each rewrite is seen", () => {
      const path = join(dir, "s-0.json");
      let t = 0;
      const rate = rateShareReader(path, 10, { now: () => t });
      expect(rate()).to.equal(10); // no file yet
      for (const share of [5, 2.5, 10, 3.333]) {
        writeRateShareFile(path, share);
        t += 500;
        expect(rate()).to.equal(share);
      }
      writeFileSync(path, "garbage");
      t += 500;
      expect(rate()).to.equal(3.333);
      rmSync(path);
      t += 500;
      expect(rate()).to.equal(3.333);
    });

    it("writes atomically: no temporary file is left behind", () => {
      const path = join(dir, "s-1.json");
      writeRateShareFile(path, 4);
      writeRateShareFile(path, 2);
      expect(readdirSync(dir)).to.deep.equal(["s-1.json"]);
    });

    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`refuses to write ${String(bad)}`, () => {
        expect(() => writeRateShareFile(join(dir, "s.json"), bad)).to.throw(RangeError, /finite number > 0/);
        expect(readdirSync(dir)).to.deep.equal([]);
      });
    }
  });
});
