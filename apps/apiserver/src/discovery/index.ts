// Discovery documents as plain JSON bodies; routes/discovery.ts serves them.
export { aggregatedContentType, aggregatedDiscovery, wantsAggregated, type AggregatedVersion } from './aggregated.ts';
export { discoveryETag, storageVersionHash } from './etag.ts';
export { servedGroups, type ServedGroup } from './groups.ts';
export { apiGroup, apiGroupList, apiResourceList, apiResources, apiVersions, type APIResource } from './legacy.ts';
