import { describe, expect, it } from 'vitest';
import { streamBackend } from './index.js';

describe('@tpio/stream', () => {
  it('reports the engine it runs on', () => {
    expect(['uring', 'threads', 'win-tp']).toContain(streamBackend());
  });
});
