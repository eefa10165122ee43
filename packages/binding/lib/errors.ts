// Node-shaped errors: system errors built like node's uvException, and the ERR_* argument errors
// node:fs throws, with node's message text. Exported for the layers above (`@tpio/binding/errors`).

import { inspect, getSystemErrorMap } from 'node:util';

let systemErrorMap: Map<number, [string, string]> | undefined;

/** The `[code, description]` pair node uses for a negative errno, e.g. `-2` -> `['ENOENT', 'no such file or directory']`. */
export function describeErrno(errno: number): [string, string] {
  systemErrorMap ??= getSystemErrorMap();
  return systemErrorMap.get(errno) ?? [`Unknown system error ${errno}`, `Unknown system error ${errno}`];
}

let errnoByCode: Map<string, number> | undefined;

/** The negative errno this platform's libuv uses for `code` (`'ENOENT'` -> -2 on Linux, -4058 on Windows). */
export function errnoOf(code: string): number {
  if (errnoByCode === undefined) {
    systemErrorMap ??= getSystemErrorMap();
    errnoByCode = new Map();
    for (const [errno, [name]] of systemErrorMap) errnoByCode.set(name, errno);
  }
  const errno = errnoByCode.get(code);
  if (errno === undefined) throw new RangeError(`unknown error code ${code}`);
  return errno;
}

/** Properties of a Node-shaped system error. */
export interface SystemErrorInfo {
  syscall: string;
  path?: string | Buffer | URL | undefined;
  dest?: string | Buffer | URL | undefined;
}

/** An Error as node:fs reports OS failures: `code`, negative `errno`, `syscall`, `path`, `dest`. */
export interface NodeSystemError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

function pathToString(value: string | Buffer | URL): string {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.pathname;
  return value.toString();
}

/**
 * Builds the error node:fs would throw for `errno` (negative) in `syscall`, with node's message
 * format `CODE: description, syscall 'path' -> 'dest'`. The stack is captured here, in JavaScript.
 *
 * @example
 * const error = systemError(-2, { syscall: 'open', path: 'missing.txt' });
 * // error.message === "ENOENT: no such file or directory, open 'missing.txt'"
 */
export function systemError(errno: number, info: SystemErrorInfo): NodeSystemError {
  const [code, description] = describeErrno(errno);
  let message = `${code}: ${description}, ${info.syscall}`;
  let path: string | undefined;
  let dest: string | undefined;
  if (info.path !== undefined) {
    path = pathToString(info.path);
    message += ` '${path}'`;
  }
  if (info.dest !== undefined) {
    dest = pathToString(info.dest);
    message += ` -> '${dest}'`;
  }
  const error = new Error(message) as NodeSystemError;
  error.errno = errno;
  error.code = code;
  error.syscall = info.syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  Error.captureStackTrace(error, systemError);
  return error;
}

/** The class of every `ERR_*` error: a built-in error type carrying node's `code`. */
type ErrorConstructorLike = new (message: string) => Error;

// One subclass per built-in type, as node has: `name` stays the built-in one, toString() shows
// the code (`TypeError [ERR_X]: message`), and util.inspect adds the code to the printed stack.
const coded = new Map<ErrorConstructorLike, ErrorConstructorLike>();
function codedClass(Base: ErrorConstructorLike): ErrorConstructorLike {
  let Class = coded.get(Base);
  if (Class === undefined) {
    Class = class extends Base {
      override toString(): string {
        return `${this.name} [${(this as unknown as { code: string }).code}]: ${this.message}`;
      }
    };
    coded.set(Base, Class);
  }
  return Class;
}

function makeNodeError(Base: ErrorConstructorLike, code: string, message: string, caller: Function): Error & { code: string } {
  const error = new (codedClass(Base))(message) as Error & { code: string };
  Error.captureStackTrace(error, caller);
  error.code = code;
  return error;
}

/** Describes a received value the way node's argument errors do ("Received type number (1)"). */
export function describeReceived(value: unknown): string {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function' && value.name) return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown: unknown = value;
  if (typeof value === 'string' && value.length > 28) shown = `${value.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${inspect(shown, { colors: false })})`;
}

const classRegExp = /^([A-Z][a-z0-9]*)+$/;
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];

function formatList(items: string[], conjunction = 'or'): string {
  if (items.length <= 2) return items.join(` ${conjunction} `);
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items[items.length - 1]}`;
}

/** Node's ERR_INVALID_ARG_TYPE message for `name` expecting `expected` (types and/or class names). */
export function invalidArgTypeMessage(name: string, expected: string | readonly string[], actual: unknown): string {
  const list = typeof expected === 'string' ? [expected] : [...expected];
  let message = 'The ';
  if (name.endsWith(' argument')) message += `${name} `;
  else message += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  message += 'must be ';
  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const value of list) {
    if (kTypes.includes(value)) types.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }
  if (instances.length > 0) {
    const objectIndex = types.indexOf('object');
    if (objectIndex !== -1) {
      types.splice(objectIndex, 1);
      instances.push('Object');
    }
  }
  if (types.length > 0) {
    message += `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types)}`;
    if (instances.length > 0 || other.length > 0) message += ' or ';
  }
  if (instances.length > 0) {
    message += `an instance of ${formatList(instances)}`;
    if (other.length > 0) message += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) message += `one of ${formatList(other)}`;
    else message += other[0]!.toLowerCase() === other[0] ? `${other[0]}` : `an ${other[0]}`;
  }
  return message + '.' + describeReceived(actual);
}

/** `TypeError` with code `ERR_INVALID_ARG_TYPE`, worded as node words it. */
export function invalidArgType(name: string, expected: string | readonly string[], actual: unknown): TypeError & { code: string } {
  return makeNodeError(TypeError, 'ERR_INVALID_ARG_TYPE', invalidArgTypeMessage(name, expected, actual), invalidArgType) as TypeError & { code: string };
}

function addNumericalSeparator(value: string): string {
  let result = '';
  let i = value.length;
  const start = value[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) result = `_${value.slice(i - 3, i)}${result}`;
  return `${value.slice(0, i)}${result}`;
}

/** `RangeError` with code `ERR_OUT_OF_RANGE`: `The value of "x" is out of range. It must be R. Received V`. */
export function outOfRange(name: string, range: string, received: unknown, quoteName = true): RangeError & { code: string } {
  let shown: string;
  if (typeof received === 'number' && Number.isInteger(received) && Math.abs(received) > 2 ** 32) {
    shown = addNumericalSeparator(String(received));
  } else if (typeof received === 'bigint') {
    shown = String(received);
    if (received > 2n ** 32n || received < -(2n ** 32n)) shown = addNumericalSeparator(shown);
    shown += 'n';
  } else {
    shown = inspect(received);
  }
  const label = quoteName ? `"${name}"` : name;
  return makeNodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of ${label} is out of range. It must be ${range}. Received ${shown}`, outOfRange) as RangeError & { code: string };
}

/** `Error` with code `ERR_INVALID_STATE`: `Invalid state: <message>`. */
export function invalidState(message: string): Error & { code: string } {
  return makeNodeError(Error, 'ERR_INVALID_STATE', `Invalid state: ${message}`, invalidState);
}

/** `TypeError` with code `ERR_INVALID_ARG_VALUE`: `The argument 'x' is invalid. Received ...`. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): TypeError & { code: string } {
  const type = name.includes('.') ? 'property' : 'argument';
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return makeNodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${type} '${name}' ${reason}. Received ${shown}`, invalidArgValue) as TypeError & { code: string };
}

/** Any other node-style coded error (`ERR_TPIO_*` for tpio's own). */
export function codedError(code: string, message: string, Base: ErrorConstructorLike = Error): Error & { code: string } {
  return makeNodeError(Base, code, message, codedError);
}

/** `AbortError` as node:fs rejects with when an AbortSignal fires. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}
