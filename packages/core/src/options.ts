// node:fs's getOptions: `options` may be omitted, an encoding string or an object; encodings and
// signals are checked with node's errors (including node's argument order in assertEncoding).

import { invalidArgType, invalidArgValue } from '@tpio/binding/errors';
import { validateAbortSignal } from './abort.js';

/**
 * Normalises an options argument the way node:fs does and returns an object.
 *
 * @example
 * getOptions('utf8', { flag: 'r' }); // { flag: 'r', encoding: 'utf8' }
 */
export function getOptions<T extends object>(options: unknown, defaults: T): T & Record<string, any> {
  if (options == null || typeof options === 'function') return defaults as T & Record<string, any>;
  let result: Record<string, any>;
  if (typeof options === 'string') result = { ...defaults, encoding: options };
  else if (typeof options !== 'object') throw invalidArgType('options', ['string', 'Object'], options);
  else result = options as Record<string, any>;
  if (result.encoding !== 'buffer') assertEncoding(result.encoding);
  if (result.signal !== undefined) validateAbortSignal(result.signal, 'options.signal');
  return result as T & Record<string, any>;
}

/**
 * Throws node's ERR_INVALID_ARG_VALUE for an unknown encoding (falsy means "none").
 *
 * @example
 * assertEncoding('utf8'); // ok
 */
export function assertEncoding(encoding: unknown): void {
  if (encoding && !Buffer.isEncoding(encoding as string)) {
    throw invalidArgValue('encoding', encoding, 'is invalid encoding');
  }
}
