import { expect, it } from 'vitest';
import { loadAddon } from '../lib/load.js';
import { OpKind, completionWords, statFields, submissionWords } from '../lib/protocol.js';

it('lib/protocol.ts agrees with the addon', () => {
  const { addon } = loadAddon();
  expect(addon.protocol).toEqual({
    submissionWords,
    completionWords,
    statFields,
    opKindMax: Math.max(...Object.values(OpKind)),
  });
});
