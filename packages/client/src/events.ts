// Recording core/v1 Events about objects (client-go's tools/record): what `kubectl describe`
// shows under "Events". Recording never blocks or fails the caller: writes happen in the
// background and errors go to `onError`. A repeat of the same event (same object, type, reason
// and message) within ten minutes updates the first one's count and lastTimestamp instead of
// creating another, as client-go's EventCorrelator does.
//
// Events are best effort, as client-go's broadcaster makes them: one writer sends them one at a
// time, at most 1,000 wait behind it, and an event that finds the queue full is dropped (and
// counted). A component under load thus spends at most one request at a time on events, and
// never holds an unbounded backlog of them in memory.
import type { ResourceInfo } from '@k8ts/api';
import { resourceFor } from '@k8ts/api';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import type { Client } from './client.ts';
import type { KubeObject } from './types.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: Pick<Client, 'create' | 'patch'>;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  /** reportingInstance, e.g. the host name or Lease identity. */
  instance?: string;
  clock?: Clock;
  onError?: (err: unknown) => void;
  /** Events that may wait to be written; more are dropped. Defaults to client-go's 1,000. */
  maxQueued?: number;
}

interface Recent {
  name: string;
  namespace: string;
  count: number;
  at: number;
}

const DEDUPE_WINDOW_MS = 10 * 60_000;
const MAX_QUEUED = 1000;
const MAX_REMEMBERED = 4096;
const EVENTS: ResourceInfo = resourceFor('', 'v1', 'events')!;

const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder {
  /** Orders events recorded within one millisecond. */
  #sequence = 0;
  readonly #o: EventRecorderOptions & { clock: Clock };
  readonly #recent = new Map<string, Recent>();
  readonly #queue: (() => Promise<unknown>)[] = [];
  /** The writer's run while it has work; undefined when idle. */
  #writing: Promise<void> | undefined;
  #dropped = 0;

  constructor(opts: EventRecorderOptions) {
    this.#o = { clock: realClock, ...opts };
  }

  /** Records an event about `obj` (which must carry apiVersion, kind, name and, if namespaced, namespace). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = obj.metadata ?? {};
    const key = `${meta.uid ?? `${meta.namespace}/${meta.name}`}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = this.#o.clock.now();
    const seen = this.#recent.get(key);
    if (seen && now.getTime() - seen.at < DEDUPE_WINDOW_MS) {
      seen.count += 1;
      seen.at = now.getTime();
      const patch = { count: seen.count, lastTimestamp: seconds(now) };
      this.#enqueue(() => this.#o.client.patch(EVENTS, seen.name, patch, 'merge', { namespace: seen.namespace }));
      return;
    }
    const namespace = meta.namespace || 'default';
    // As client-go: `<object>.<unix nanos in hex>`, so events list (and kubectl shows them) in the order they happened.
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const name = `${meta.name}.${nanos.toString(16)}`;
    this.#remember(key, { name, namespace, count: 1, at: now.getTime() });
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: meta.name,
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        ...(meta.uid ? { uid: meta.uid } : {}),
        ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: seconds(now),
      lastTimestamp: seconds(now),
      eventTime: microTime(now),
      source: { component: this.#o.component },
      reportingComponent: this.#o.component,
      reportingInstance: this.#o.instance ?? '',
      action: reason,
    };
    // A dropped event was never written: a repeat must create it, not patch it.
    if (!this.#enqueue(() => this.#o.client.create(EVENTS, event, { namespace }))) this.#recent.delete(key);
  }

  /** Resolves once every event recorded so far has been written (or failed, or dropped). */
  flush(): Promise<void> {
    return this.#writing ?? Promise.resolve();
  }

  /** Events dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  #remember(key: string, r: Recent) {
    if (this.#recent.size >= MAX_REMEMBERED) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(key, r);
  }

  /** False when the queue is full and the write is dropped. */
  #enqueue(write: () => Promise<unknown>): boolean {
    if (this.#queue.length >= (this.#o.maxQueued ?? MAX_QUEUED)) {
      this.#dropped++;
      return false;
    }
    this.#queue.push(write);
    this.#writing ??= this.#drain();
    return true;
  }

  async #drain(): Promise<void> {
    for (let write = this.#queue.shift(); write; write = this.#queue.shift()) {
      try {
        await write();
      } catch (err) {
        this.#o.onError?.(err);
      }
    }
    this.#writing = undefined;
  }
}
