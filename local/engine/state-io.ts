/**
 * The durable file operations state writes are made of, and the error a failed one becomes. Injected into the
 * store (`EngineOptions.stateIo`) so tests can make a write fail (ENOSPC, EIO) at a chosen point.
 */
import * as fs from "node:fs";

/** The file operations a state write uses; {@link nodeStateIo} is the real one. */
export interface StateIo {
  /** Creates (or truncates) `file` (mode 0600) holding `text` and makes its content durable (fsync). */
  writeDurable(file: string, text: string): Promise<void>;
  /** Appends `text` to the existing `file` and makes it durable (fsync). */
  appendDurable(file: string, text: string): Promise<void>;
  /** Renames `from` to `to`, replacing `to` atomically. */
  rename(from: string, to: string): Promise<void>;
  /** Makes a directory's entries (a rename) durable; filesystems that refuse fsync on a directory are tolerated. */
  syncDir(dir: string): Promise<void>;
  /** Removes a file if it exists (never throws). */
  removeQuietly(file: string): void;
}

/** The real file operations of {@link StateIo}. */
export const nodeStateIo: StateIo = {
  async writeDurable(file, text) {
    const fh = await fs.promises.open(file, "w", 0o600);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async appendDurable(file, text) {
    const fh = await fs.promises.open(file, "a");
    try {
      await fh.appendFile(text, "utf8");
      await fh.datasync();
    } finally {
      await fh.close();
    }
  },
  rename: (from, to) => fs.promises.rename(from, to),
  async syncDir(dir) {
    const fh = await fs.promises.open(dir, "r");
    try {
      await fh.sync();
    } catch {
      // Some filesystems refuse fsync on a directory; the rename is still atomic.
    } finally {
      await fh.close();
    }
  },
  removeQuietly(file) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Best effort: the next run's open removes leftovers too.
    }
  },
};

/**
 * A state write failed at the filesystem (ENOSPC, EIO, a read-only remount...). Once one happens the store refuses
 * every later flush with it: as when the real engine cannot save a checkpoint (pkg/backend/snapshot.go), the
 * deployment must not start provider writes it cannot record.
 */
export class StateWriteError extends Error {
  override name = "StateWriteError";
  /** The errno code of the cause (`ENOSPC`, `EIO`, ...), when it has one. */
  readonly code: string | undefined;

  constructor(file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot write the state file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.code = code;
  }
}
