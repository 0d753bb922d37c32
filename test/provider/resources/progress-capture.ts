/**
 * Captures the operations' progress and warning lines where users see them: on stderr. Each line
 * is one `process.stderr.write` of `[webex] …` and a newline (`provider/resources/common/progress.ts`);
 * anything else written to stderr passes through.
 */

/**
 * Until the returned function is called, `[webex]` lines written to stderr go to `into` (without
 * their newline) instead of the terminal.
 * @param into where the lines go; a throwaway list by default (the lines are silenced).
 * @returns a function restoring stderr.
 */
export function captureProgress(into: string[] = []): () => void {
  const write = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === "string" ? chunk : "";
    if (text.startsWith("[webex] ")) {
      into.push(text.replace(/\n$/, ""));
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  return () => {
    process.stderr.write = write;
  };
}
