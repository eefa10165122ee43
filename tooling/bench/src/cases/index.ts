// The case registry: one module per case group. To add a group, write src/cases/<group>.ts
// exporting `cases` (and the child functions its contenders run) and list it here.

import type { BenchCase } from '../harness.js';
import { cases as randomReads } from './random-reads.js';
import { cases as sequentialRead } from './sequential-read.js';
import { cases as core } from './core.js';
import { cases as stream } from './stream.js';

export const allCases: BenchCase[] = [...randomReads, ...sequentialRead, ...core, ...stream];
