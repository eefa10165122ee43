// How the CLI reports failures: `tpio: <message>` on stderr, never a stack (node's messages already
// say what failed and where: `ENOENT: no such file or directory, open 'x'`).

/** Exit codes: success, failure, usage error (as most Unix tools), and interrupted by SIGINT. */
export const exitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The message of anything thrown, without its stack. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^tpio: /, ''); // some layers prefix their own messages already

}

/** Writes `tpio: <message>` to stderr. */
export function reportError(error: unknown): void {
  process.stderr.write(`tpio: ${errorMessage(error)}\n`);
}

/** Whether `error` is a closed-pipe error (the reader went away: `tpio cat big | head`). */
export function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
