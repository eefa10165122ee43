// WritebackPacer on real handles: how often it starts writeback, one start at a time, and that a
// failing start (a closed handle) is ignored.

import { expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { WritebackPacer, open, writebackStrideBytes } from './index.js';
import { useBackend } from '../test/helpers.js';

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();

  it('starts once per stride written, never while a start is running', async () => {
    const file = await open(dir.file('paced.bin', ''), 'w');
    const started = vi.spyOn(file, 'startWriteback');
    const pacer = new WritebackPacer(file, 4096);
    pacer.wrote(4095);
    expect(started).not.toHaveBeenCalled();
    pacer.wrote(1);
    expect(started).toHaveBeenCalledTimes(1);
    pacer.wrote(1 << 20); // the first start is still running: nothing more
    expect(started).toHaveBeenCalledTimes(1);
    await started.mock.results[0]!.value;
    await new Promise((resolve) => setImmediate(resolve));
    pacer.wrote(0); // the bytes counted meanwhile make a full stride
    expect(started).toHaveBeenCalledTimes(2);
    expect(started.mock.calls.every((args) => args.length === 0)).toBe(true); // the whole file
    await started.mock.results[1]!.value;
    await file.close();
  });

  it('uses the default stride, and ignores a start that fails', async () => {
    const path = dir.file('closed.bin', '');
    const file = await open(path, 'w');
    await file.write(Buffer.alloc(1000, 1));
    const started = vi.spyOn(file, 'startWriteback');
    await file.close();
    const pacer = new WritebackPacer(file);
    pacer.wrote(writebackStrideBytes - 1);
    expect(started).not.toHaveBeenCalled();
    pacer.wrote(1);
    expect(started).toHaveBeenCalledTimes(1);
    await expect(started.mock.results[0]!.value).rejects.toMatchObject({ code: 'EBADF' });
    await new Promise((resolve) => setImmediate(resolve));
    pacer.wrote(writebackStrideBytes); // not stuck after the failure
    expect(started).toHaveBeenCalledTimes(2);
    await expect(started.mock.results[1]!.value).rejects.toMatchObject({ code: 'EBADF' });
    expect(fs.statSync(path).size).toBe(1000);
  });
});
