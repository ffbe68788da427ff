// What every REST handler needs: the stores, the clock, and the request's parsed options.
import { badRequest, type ResourceInfo } from '@k8ts/api';
import type { Logger } from 'pino';
import type { ResourceStore } from '../registry/store.ts';
import type { Schemas } from '../openapi/index.ts';

export interface ApiContext {
  stores: Map<string, ResourceStore>;
  log: Logger;
  now: () => Date;
  schemas: Schemas | undefined;
  /** policy/v1 poddisruptionbudgets, which evictions consult */
  pdbResource: ResourceInfo;
  watchOpened(resource: string): void;
  watchClosed(resource: string): void;
}

export const storeKey = (r: Pick<ResourceInfo, 'group' | 'plural'>) => (r.group ? `${r.plural}.${r.group}` : r.plural);

export function storeFor(ctx: ApiContext, r: ResourceInfo): ResourceStore {
  const s = ctx.stores.get(storeKey(r));
  if (!s) throw new Error(`no store for ${storeKey(r)}`);
  return s;
}

export type Query = Record<string, string | string[] | undefined>;

export const q = (query: Query, name: string): string | undefined => {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
};

export function dryRunOf(query: Query): boolean {
  const v = query.dryRun;
  const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
  for (const x of values) if (x !== 'All') throw badRequest(`dryRun: Unsupported value: "${x}": supported values: "All"`);
  return values.length > 0;
}

export function intParam(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

/** A resourceVersion parameter: '' (unset), 0, or a revision. */
export function rvParam(query: Query, name = 'resourceVersion'): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be a non-negative integer`);
  return Number(v);
}

