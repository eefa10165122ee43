// Bad arguments throw synchronously with node:fs's ERR_* codes and messages (compared with node).

import { describe, expect, it } from 'vitest';
import { openSync, closeSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPort } from '../lib/index.js';
import { errnoOf, invalidArgType, outOfRange, systemError } from '../lib/errors.js';

function nodeError(call: () => unknown): any {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('node did not throw');
}

describe('argument errors match node:fs', () => {
  const fd = openSync(new URL(import.meta.url), 'r');
  const port = createPort({ backend: 'threads' });
  const io = port.createIo(fd, () => {});

  const cases: [string, unknown][] = [
    ['a string', 'text'],
    ['a long string', 'x'.repeat(40)],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { a: 1 }],
    ['an array', [1, 2]],
    ['a function', function named() {}],
    ['a symbol', Symbol('s')],
    ['a bigint', 5n],
    ['a boolean', true],
  ];
  for (const [label, value] of cases) {
    it(`buffer as ${label}`, () => {
      const expected = nodeError(() => readSync(fd, value as any, 0, 1, 0));
      io.start();
      let actual: any;
      try {
        io.read({ buffer: value as any, position: 0 });
      } catch (error) {
        actual = error;
      }
      io.cancel();
      expect(actual).toBeInstanceOf(TypeError);
      expect(actual.code).toBe(expected.code);
      expect(actual.message).toBe(expected.message);
      expect(String(actual.stack).split('\n')[0]).toBe(String(expected.stack).split('\n')[0]);
      expect(actual.name).toBe(expected.name);
    });
  }

  it('offset and length out of range', () => {
    const buffer = Buffer.alloc(10);
    for (const [offset, length] of [[-1, 1], [0, 11], [5, 6], [0, -1]] as const) {
      const expected = nodeError(() => readSync(fd, buffer, offset, length, 0));
      io.start();
      let actual: any;
      try {
        io.read({ buffer, offset, length, position: 0 });
      } catch (error) {
        actual = error;
      }
      io.cancel();
      expect(actual.code).toBe(expected.code);
      expect(actual.message).toBe(expected.message);
    }
  });

  it('positions: negative, fractional, huge bigint', () => {
    for (const position of [-2, 1.5, 2n ** 63n, 'x']) {
      const expected = nodeError(() => readSync(fd, Buffer.alloc(1), 0, 1, position as any));
      io.start();
      let actual: any;
      try {
        io.read({ buffer: Buffer.alloc(1), position: position as any });
      } catch (error) {
        actual = error;
      }
      io.cancel();
      expect(actual?.code).toBe(expected.code);
    }
  });

  it('helpers format like node', () => {
    expect(invalidArgType('fd', 'number', 'x').message).toBe('The "fd" argument must be of type number. Received type string (\'x\')');
    expect(outOfRange('length', '>= 0', 2 ** 40).message).toBe('The value of "length" is out of range. It must be >= 0. Received 1_099_511_627_776');
    // Platform-neutral: ENOENT is -2 on Linux and -4058 on Windows, where node reports '/nope' as
    // an absolute path with a drive ('C:\\nope'), so the path is resolved first.
    const missing = resolve('/nope');
    const error = systemError(errnoOf('ENOENT'), { syscall: 'open', path: missing });
    const expected = nodeError(() => openSync(missing, 'r'));
    expect(error.message).toBe(expected.message);
    expect({ ...error }).toEqual({ ...expected });
  });

  it('cleanup', () => {
    closeSync(fd);
  });
});
