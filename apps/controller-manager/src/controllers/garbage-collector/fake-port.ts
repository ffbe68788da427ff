// A GCPort over an in-memory set of objects, recording every write; tests seed `objects` and
// read `calls`. Deletes and patches only record (the objects stay as seeded) so each test states
// exactly what the decision did, not what a server would make of it.
import { ApiError } from '@k8ts/api';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { Identity } from './graph.ts';
import { resourceOf, type GCPort, type MetaObject, type Propagation } from './port.ts';

export type GCCall =
  | { op: 'delete'; name: string; policy: Propagation }
  | { op: 'patch'; name: string; type: 'strategic' | 'merge'; patch: unknown };

export interface FakeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export class FakeGCPort implements GCPort {
  readonly calls: GCCall[] = [];
  readonly warnings: { name: string; reason: string; message: string }[] = [];
  readonly gets: string[] = [];
  /** Names whose writes answer 409, e.g. a stale resourceVersion. */
  readonly conflicts = new Set<string>();

  constructor(public objects: FakeObject[] = []) {}

  async get(id: Identity): Promise<MetaObject | undefined> {
    this.gets.push(id.name);
    const namespaced = resourceOf(id.apiVersion, id.kind).namespaced;
    const found = this.objects.find((o) => o.kind === id.kind && o.metadata.name === id.name &&
      (!namespaced || (o.metadata.namespace ?? '') === id.namespace));
    return found ? structuredClone(found) : undefined;
  }

  async delete(id: Identity, policy: Propagation): Promise<void> {
    this.#fail(id);
    this.calls.push({ op: 'delete', name: id.name, policy });
  }

  async patch(id: Identity, patch: unknown, type: 'strategic' | 'merge'): Promise<void> {
    this.#fail(id);
    this.calls.push({ op: 'patch', name: id.name, type, patch });
  }

  warn(id: Identity, reason: string, message: string): void {
    this.warnings.push({ name: id.name, reason, message });
  }

  #fail(id: Identity) {
    if (this.conflicts.has(id.name)) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${id.name}: the object has been modified`);
  }
}
