// Slice writes as a port, and the tracker that tells when the slice cache has not caught up
// with this controller's own writes (upstream's endpointSliceTracker, keyed on what the cache
// shows rather than on generations, which our API server does not keep for slices).
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, Clock, Lister } from '@k8ts/client';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';

export const ENDPOINT_SLICES = resourceFor('discovery.k8s.io', 'v1', 'endpointslices')!;

export interface SlicePort {
  create(slice: EndpointSlice): Promise<EndpointSlice>;
  update(slice: EndpointSlice): Promise<EndpointSlice>;
  /** Resolves quietly when the slice is already gone. */
  delete(namespace: string, name: string): Promise<void>;
}

export class ApiSlicePort implements SlicePort {
  constructor(private readonly client: Client) {}
  create(slice: EndpointSlice): Promise<EndpointSlice> {
    return this.client.create<EndpointSlice>(ENDPOINT_SLICES, slice);
  }
  update(slice: EndpointSlice): Promise<EndpointSlice> {
    return this.client.update<EndpointSlice>(ENDPOINT_SLICES, slice);
  }
  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.client.delete(ENDPOINT_SLICES, name, { namespace });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}

export interface SliceCall {
  verb: 'create' | 'update' | 'delete';
  name: string;
  slice?: EndpointSlice;
}

/** Records writes; created slices get `<generateName><n>` names. */
export class FakeSlicePort implements SlicePort {
  readonly calls: SliceCall[] = [];
  #n = 0;
  async create(slice: EndpointSlice): Promise<EndpointSlice> {
    const name = `${slice.metadata?.generateName ?? ''}${String(++this.#n).padStart(5, '0')}`;
    const created = { ...slice, metadata: { ...slice.metadata, name, resourceVersion: String(this.#n) } };
    this.calls.push({ verb: 'create', name, slice: created });
    return created;
  }
  async update(slice: EndpointSlice): Promise<EndpointSlice> {
    const updated = { ...slice, metadata: { ...slice.metadata, resourceVersion: `${slice.metadata?.resourceVersion ?? ''}+` } };
    this.calls.push({ verb: 'update', name: slice.metadata?.name ?? '', slice: updated });
    return updated;
  }
  async delete(_namespace: string, name: string): Promise<void> {
    this.calls.push({ verb: 'delete', name });
  }
}

/** Expectations older than this are dropped, so one lost event cannot wedge a service. */
const EXPECTATION_TTL_MS = 60_000;

type Expectation = { kind: 'present' } | { kind: 'replaced'; rv: string } | { kind: 'gone'; uid: string };

export class SliceTracker {
  readonly #byService = new Map<string, Map<string, Expectation & { at: number }>>();

  constructor(private readonly slices: Lister<EndpointSlice>, private readonly clock: Clock) {}

  created(svcKey: string, slice: EndpointSlice): void {
    this.#set(svcKey, slice, { kind: 'present' });
  }
  updated(svcKey: string, before: EndpointSlice): void {
    this.#set(svcKey, before, { kind: 'replaced', rv: before.metadata?.resourceVersion ?? '' });
  }
  deleted(svcKey: string, slice: EndpointSlice): void {
    this.#set(svcKey, slice, { kind: 'gone', uid: slice.metadata?.uid ?? '' });
  }

  /** The first slice of the service whose cached state predates our own write, if any. */
  stale(svcKey: string): string | undefined {
    const mine = this.#byService.get(svcKey);
    if (!mine) return undefined;
    const now = this.clock.now().getTime();
    for (const [key, e] of mine) {
      const cached = this.slices.get(key);
      const behind = e.kind === 'present' ? !cached : e.kind === 'replaced' ? cached?.metadata?.resourceVersion === e.rv : cached?.metadata?.uid === e.uid;
      if (behind && now - e.at < EXPECTATION_TTL_MS) return key;
      mine.delete(key);
    }
    if (mine.size === 0) this.#byService.delete(svcKey);
    return undefined;
  }

  forget(svcKey: string): void {
    this.#byService.delete(svcKey);
  }

  #set(svcKey: string, slice: EndpointSlice, e: Expectation): void {
    let mine = this.#byService.get(svcKey);
    if (!mine) this.#byService.set(svcKey, (mine = new Map()));
    mine.set(`${slice.metadata?.namespace ?? ''}/${slice.metadata?.name ?? ''}`, { ...e, at: this.clock.now().getTime() });
  }
}
