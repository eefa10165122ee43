// completions(): every completion on a FileHandle as an async iterator — the seeds'
// IoCompletionCallback(context, overlapped, result, bytes) written as a `for await` loop.

import type { IoOperation } from './operation.js';
import { abortError, onAbort, validateAbortSignal } from './abort.js';
import { validateObject } from '@tpio/binding/validate';

/**
 * One completion: the request (operation record), 0 or a negative errno, and the byte count.
 *
 * @example
 * for await (const { request, result, bytesTransferred }: Completion of file.completions()) {}
 */
export interface Completion {
  request: IoOperation;
  result: number;
  bytesTransferred: number;
}

/**
 * Options of {@link FileHandle.completions}.
 *
 * @example
 * file.completions({ signal: controller.signal } satisfies CompletionsOptions);
 */
export interface CompletionsOptions {
  /** Stops the loop: the pending `next()` rejects with an AbortError. */
  signal?: AbortSignal;
}

type Settle = { resolve: (result: IteratorResult<Completion>) => void; reject: (error: unknown) => void };

/** @internal The iterator behind {@link FileHandle.completions}: an unbounded queue. */
export class CompletionQueue implements AsyncIterableIterator<Completion> {
  #items: Completion[] = [];
  #head = 0;
  #ended = false;
  #error: unknown = undefined;
  #waiter: Settle | undefined;
  readonly #unsubscribe: (queue: CompletionQueue) => void;
  readonly #detach: () => void;

  constructor(options: CompletionsOptions | undefined, unsubscribe: (queue: CompletionQueue) => void) {
    if (options !== undefined) validateObject(options, 'options');
    const signal = options?.signal;
    validateAbortSignal(signal, 'options.signal');
    this.#unsubscribe = unsubscribe;
    if (signal?.aborted) {
      this.#error = abortError(signal);
      this.#ended = true;
    }
    this.#detach = onAbort(signal, () => this.#fail(abortError(signal)));
  }

  push(request: IoOperation, result: number, bytesTransferred: number): void {
    if (this.#ended) return;
    const item = { request, result, bytesTransferred };
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#detach();
    this.#unsubscribe(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#items = [];
    this.#head = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    this.end();
    if (waiter !== undefined) waiter.reject(error);
    else this.#error = error;
  }

  next(): Promise<IteratorResult<Completion>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++]!;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) {
      const error = this.#error;
      if (error !== undefined) {
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Completion>> {
    this.#error = undefined;
    this.end();
    this.#items = [];
    this.#head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** @internal The completions() iterators open on one handle: each gets every completion until the handle closes. */
export class CompletionListeners {
  #queues: Set<CompletionQueue> | undefined;

  /** A new iterator; `ended` (the handle is closing) makes it end at once. */
  open(options: CompletionsOptions | undefined, ended: boolean): CompletionQueue {
    const queue = new CompletionQueue(options, (done) => this.#queues?.delete(done));
    if (ended) queue.end();
    else (this.#queues ??= new Set()).add(queue);
    return queue;
  }

  push(request: IoOperation, result: number, bytesTransferred: number): void {
    if (this.#queues !== undefined) for (const queue of this.#queues) queue.push(request, result, bytesTransferred);
  }

  /** The handle closed: every open iterator ends. */
  end(): void {
    if (this.#queues !== undefined) for (const queue of this.#queues) queue.end();
    this.#queues = undefined;
  }
}
