// Shared test helpers: run a suite on one engine, and compare outcomes with node:fs.

import { beforeAll, afterAll, expect } from 'vitest';
import { setDefaultBackend, currentPort } from '../src/index.js';
import type { BackendName } from '@tpio/binding';

/** Makes core use `backend` for the current describe block. */
export function useBackend(backend: BackendName): void {
  beforeAll(() => {
    setDefaultBackend(backend);
  });
  afterAll(() => {
    expect(currentPort().inFlight).toBe(0);
    setDefaultBackend('auto');
  });
}

/** What a promise settled with: the value, or the error's comparable fields. */
export async function outcome(promise: Promise<unknown> | (() => unknown), aliases: [string, string][] = []): Promise<unknown> {
  const alias = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    for (const [from, to] of aliases) value = (value as string).split(from).join(to);
    return value;
  };
  try {
    const value = typeof promise === 'function' ? await promise() : await promise;
    return { value };
  } catch (error) {
    const { code, errno, syscall, path, dest, message, name } = error as Record<string, unknown>;
    return { error: { code, errno, syscall, path: alias(path), dest: alias(dest), message: alias(message), name, isError: error instanceof Error } };
  }
}

/** Asserts that ours and node's settle the same way (same value, or same error code/message/syscall); `aliases` rename paths. */
export async function expectSameOutcome(ours: Promise<unknown> | (() => unknown), theirs: Promise<unknown> | (() => unknown), aliases: [string, string][] = []): Promise<unknown> {
  const [a, b] = await Promise.all([outcome(ours, aliases), outcome(theirs, aliases)]);
  expect(a).toEqual(b);
  return a;
}
