import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { backendInUse } from './index.js';

describe('@tpio/core', () => {
  it('runs on one of the usable engines', () => {
    expect(usableBackends()).toContain(backendInUse());
  });
});
