export { SchedulerCache, type CacheDump } from './cache.ts';
export { CacheSnapshot } from './cache-snapshot.ts';
export { NodeTree, zoneKey } from './node-tree.ts';
