// Shared test helpers: run a suite on one engine, and compare outcomes with node:fs.

import { beforeAll, afterAll, expect } from 'vitest';
import { setDefaultBackend, currentPort } from '../src/index.js';
import type { BackendName } from '@tpio/binding';

/** Makes core use `backend` for the current describe block. */
export function useBackend(backend: string): void {
  beforeAll(() => {
    setDefaultBackend(backend as BackendName);
  });
  afterAll(() => {
    expect(currentPort().inFlight).toBe(0);
    setDefaultBackend('auto');
  });
}

/** What a promise settled with: the value, or the error's comparable fields. */
export async function outcome(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    const value = typeof promise === 'function' ? await promise() : await promise;
    return { value };
  } catch (error) {
    const { code, errno, syscall, path, dest, message, name } = error as Record<string, unknown>;
    return { error: { code, errno, syscall, path, dest, message, name, isError: error instanceof Error } };
  }
}

/** Asserts that ours and node's settle the same way (same value, or same error code/message/syscall). */
export async function expectSameOutcome(ours: Promise<unknown> | (() => unknown), theirs: Promise<unknown> | (() => unknown)): Promise<unknown> {
  const [a, b] = await Promise.all([outcome(ours), outcome(theirs)]);
  expect(a).toEqual(b);
  return a;
}
