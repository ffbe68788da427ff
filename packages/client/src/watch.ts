// Decoding watch streams. Over chunked HTTP the apiserver writes one JSON event per line; over
// a WebSocket it sends one JSON event per message. Both end up as the same async iterable.

/** Splits a byte stream into newline-delimited JSON values; blank lines are skipped. */
export async function* ndjson(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of chunks) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line);
    }
  }
  const rest = (buf + decoder.decode()).trim();
  if (rest) yield JSON.parse(rest);
}

/**
 * A push-to-pull bridge: producers `push`, `end` or `fail`; one consumer iterates. Nothing is
 * dropped; the consumer sees values in push order, then the end or the error.
 */
export class Channel<T> implements AsyncIterable<T> {
  readonly #values: T[] = [];
  #done = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;

  push(value: T): void {
    if (this.#done) return;
    this.#values.push(value);
    this.#notify();
  }

  end(): void {
    this.#done = true;
    this.#notify();
  }

  fail(err: unknown): void {
    if (this.#done) return;
    this.#error = err ?? new Error('channel failed');
    this.#done = true;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const next = this.#values.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#done) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
