// createReadStream from @tpio/stream. Until that package exports it (the stream issue is in
// progress), this falls back to a Readable over @tpio/core's chunks() iterator, so `tpio cat` and
// the bench's stream row already run on tpio; the fallback goes away once @tpio/stream has it.

import { Readable } from 'node:stream';
import * as tpioStream from '@tpio/stream';
import { open } from '@tpio/core';

type CreateReadStream = (path: string, options?: object) => Readable;

const exported = (tpioStream as Record<string, unknown>).createReadStream as CreateReadStream | undefined;

/** Which implementation `createReadStream` is: `@tpio/stream`, or the CLI's stand-in over core. */
export const readStreamSource: string = exported !== undefined ? '@tpio/stream createReadStream' : '@tpio/core chunks() (stand-in: @tpio/stream has no createReadStream yet)';

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    yield* handle.chunks();
  } finally {
    await handle.close();
  }
}

/** `fs.createReadStream(path)` with default options, on tpio. */
export function createReadStream(path: string): Readable {
  if (exported !== undefined) return exported(path);
  return Readable.from(fileChunks(path), { objectMode: false });
}
