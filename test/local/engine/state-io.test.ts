// The real file operations of state writes: durable writes are private to the user, appends add, renames replace,
// and removing is quiet.
import * as fs from "node:fs";
import * as path from "node:path";

import { expect } from "chai";

import { StateWriteError, nodeStateIo } from "../../../local/engine/state-io";
import { useStateDir } from "./state-fixtures";

describe("local engine: state file operations", () => {
  const paths = useStateDir("engine-io-");

  it("writes a file only its owner can read, appends to it, and renames it over another", async () => {
    const tmp = path.join(paths.dir, "a.tmp");
    await nodeStateIo.writeDurable(tmp, "one\n");
    await nodeStateIo.appendDurable(tmp, "two\n");
    if (process.platform !== "win32") expect(fs.statSync(tmp).mode & 0o777).to.equal(0o600);
    fs.writeFileSync(paths.file, "old");
    await nodeStateIo.rename(tmp, paths.file);
    await nodeStateIo.syncDir(paths.dir);
    expect(fs.readFileSync(paths.file, "utf8")).to.equal("one\ntwo\n");
    expect(fs.existsSync(tmp)).to.equal(false);
  });

  it("removes quietly, also a file that does not exist", () => {
    fs.writeFileSync(paths.file, "x");
    nodeStateIo.removeQuietly(paths.file);
    expect(fs.existsSync(paths.file)).to.equal(false);
    expect(() => nodeStateIo.removeQuietly(paths.file)).to.not.throw();
  });

  it("a failed write becomes a StateWriteError naming the file and the errno code", async () => {
    const cause = await nodeStateIo.appendDurable(path.join(paths.dir, "missing", "x"), "t").then(
      () => expect.fail("appended to a file in a missing directory"),
      (e: unknown) => e,
    );
    const error = new StateWriteError(paths.file, cause);
    expect(error.code).to.equal("ENOENT");
    expect(error.message).to.include(`cannot write the state file ${paths.file}: `).and.include("ENOENT");
  });
});
