// Memory advice for large buffers that are about to be filled by reads (see src/napi/memory_advice.cc).

import { loadAddon } from './load.js';
import { validateBuffer } from './validate.js';

/**
 * Asks the kernel to back a large, not yet touched buffer with transparent huge pages before reads
 * fill it (Linux `madvise(MADV_HUGEPAGE)` on the whole 2 MiB pages inside the view). Filling fresh
 * memory otherwise takes one page fault per 4 KiB, which can halve the speed of reading a big file
 * into a new Buffer. Returns whether the advice was taken: `false` on other platforms, for views
 * smaller than one aligned huge page, or when the kernel refuses. The bytes are never changed.
 *
 * Measure it where you deploy: on a virtual machine that reports free memory to its host
 * (virtio-balloon free page reporting), huge pages faulted onto memory the host took back were
 * about 5x slower to fill than 4 KiB pages, which is why @tpio/core's `readFile` does not use it.
 *
 * @example
 * import { adviseHugePages } from '@tpio/binding';
 * const buffer = Buffer.allocUnsafeSlow(256 * 1024 * 1024);
 * adviseHugePages(buffer); // before the first read into it
 */
export function adviseHugePages(view: ArrayBufferView): boolean {
  validateBuffer(view, 'view');
  return loadAddon().addon.adviseHugePages(view);
}
