// The writes the Endpoints controller makes, as a port: the API client in production, a
// recording fake in sync tests.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { Endpoints } from 'kubernetes-types/core/v1';

export const ENDPOINTS = resourceFor('', 'v1', 'endpoints')!;

export interface EndpointsPort {
  create(ep: Endpoints): Promise<Endpoints>;
  update(ep: Endpoints): Promise<Endpoints>;
  /** Resolves quietly when the object is already gone. */
  delete(namespace: string, name: string): Promise<void>;
}

export class ApiEndpointsPort implements EndpointsPort {
  constructor(private readonly client: Client) {}

  create(ep: Endpoints): Promise<Endpoints> {
    return this.client.create<Endpoints>(ENDPOINTS, ep);
  }

  update(ep: Endpoints): Promise<Endpoints> {
    return this.client.update<Endpoints>(ENDPOINTS, ep);
  }

  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.client.delete(ENDPOINTS, name, { namespace });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}

export interface EndpointsCall {
  verb: 'create' | 'update' | 'delete';
  namespace: string;
  name: string;
  obj?: Endpoints;
}

/** Records every write; `fail` makes the next write throw it. */
export class FakeEndpointsPort implements EndpointsPort {
  readonly calls: EndpointsCall[] = [];
  fail: Error | undefined;
  #rv = 100;

  #record(verb: EndpointsCall['verb'], ep: Endpoints): Endpoints {
    const err = this.fail;
    this.fail = undefined;
    if (err) throw err;
    const written: Endpoints = { ...ep, metadata: { ...ep.metadata, resourceVersion: String(++this.#rv) } };
    this.calls.push({ verb, namespace: ep.metadata?.namespace ?? '', name: ep.metadata?.name ?? '', obj: written });
    return written;
  }

  async create(ep: Endpoints): Promise<Endpoints> {
    return this.#record('create', ep);
  }

  async update(ep: Endpoints): Promise<Endpoints> {
    return this.#record('update', ep);
  }

  async delete(namespace: string, name: string): Promise<void> {
    this.calls.push({ verb: 'delete', namespace, name });
  }
}
