// A strategy says how one kind is created, updated and deleted; the generic store (store.ts)
// does the rest (pkg/registry/<group>/<kind>/strategy.go upstream). The default strategy below
// is complete for kinds with nothing special; kinds that need more override a few hooks.
import { applyDefaults, validateCreate, validateStatusUpdate, validateUpdate, type ResourceInfo, type StatusCause } from '@k8ts/api';
import type { KObject } from '../storage/watch-cache.ts';

export interface WriteContext {
  now: Date;
  dryRun: boolean;
}

export interface Strategy {
  readonly resource: ResourceInfo;
  /** Kinds with a status subresource: the main endpoint ignores status, /status ignores the rest. */
  readonly hasStatus: boolean;
  /** metadata.generation starts at 1 and moves on every spec change. */
  readonly tracksGeneration: boolean;
  /** A delete answers with the object (pods, namespaces…) instead of a Status. */
  readonly returnDeletedObject: boolean;
  /** Seconds before an object expires on its own (Events: one hour). */
  readonly ttlSeconds?: number;

  /** Defaults and server-owned fields for a new object (after metadata is filled in). */
  prepareForCreate(obj: KObject, ctx: WriteContext): void;
  /** The main endpoint's update: keep what only the server or /status may change. */
  prepareForUpdate(obj: KObject, old: Readonly<KObject>, ctx: WriteContext): void;
  /** /status: everything but status comes from the stored object. */
  prepareForStatusUpdate(obj: KObject, old: Readonly<KObject>): void;
  validate(obj: KObject): StatusCause[];
  validateUpdate(obj: KObject, old: Readonly<KObject>): StatusCause[];
  validateStatusUpdate(obj: KObject, old: Readonly<KObject>): StatusCause[];
  /** Seconds of grace for a delete, or 0 to delete now (only pods are graceful). */
  gracePeriod(obj: Readonly<KObject>, requested: number | undefined): number;
  /** Finalizers kept outside metadata.finalizers (a namespace's spec.finalizers). */
  pendingFinalizers?(obj: Readonly<KObject>): string[];
  /** Refuses a delete (403) where the kind forbids it. */
  checkDelete?(obj: Readonly<KObject>): void;
  /** Marks an object whose deletion is pending (a namespace goes Terminating). */
  prepareForDelete?(obj: KObject): void;
}

const specOf = (o: Readonly<KObject>) => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
};

export const specChanged = (a: Readonly<KObject>, b: Readonly<KObject>) => specOf(a) !== specOf(b);

/** Kinds whose creator also reports their status (a kubelet registers its Node with it). */
const STATUS_ON_CREATE_KEPT = new Set(['Node']);

export class DefaultStrategy implements Strategy {
  readonly hasStatus: boolean;
  readonly tracksGeneration: boolean = false;
  readonly returnDeletedObject: boolean = false;
  readonly ttlSeconds?: number;

  constructor(readonly resource: ResourceInfo) {
    this.hasStatus = resource.subresources.some((s) => s.name === 'status');
  }

  prepareForCreate(obj: KObject, _ctx: WriteContext): void {
    applyDefaults(this.resource.kind, obj);
    if (this.hasStatus && !STATUS_ON_CREATE_KEPT.has(this.resource.kind)) obj.status = this.initialStatus(obj);
    if (this.tracksGeneration) obj.metadata.generation = 1;
  }

  /** What `status` holds right after create (upstream clears what clients sent). */
  protected initialStatus(_obj: KObject): unknown {
    return {};
  }

  prepareForUpdate(obj: KObject, old: Readonly<KObject>, _ctx: WriteContext): void {
    applyDefaults(this.resource.kind, obj);
    if (this.hasStatus) {
      if (old.status === undefined) delete obj.status;
      else obj.status = structuredClone(old.status);
    }
    if (this.tracksGeneration) {
      const gen = Number(old.metadata.generation ?? 1);
      obj.metadata.generation = specChanged(obj, old) ? gen + 1 : gen;
    }
  }

  prepareForStatusUpdate(obj: KObject, old: Readonly<KObject>): void {
    const { status } = obj;
    const { resourceVersion } = obj.metadata;
    for (const k of Object.keys(obj)) delete obj[k];
    Object.assign(obj, structuredClone(old));
    obj.metadata.resourceVersion = resourceVersion;
    if (status === undefined) delete obj.status;
    else obj.status = status;
  }

  validate(obj: KObject): StatusCause[] {
    return validateCreate(this.resource.kind, obj);
  }

  validateUpdate(obj: KObject, old: Readonly<KObject>): StatusCause[] {
    return validateUpdate(this.resource.kind, obj, old);
  }

  validateStatusUpdate(obj: KObject, old: Readonly<KObject>): StatusCause[] {
    return validateStatusUpdate(this.resource.kind, obj, old);
  }

  gracePeriod(_obj: Readonly<KObject>, _requested: number | undefined): number {
    return 0;
  }
}
