// Discovery documents, aggregated (apidiscovery.k8s.io/v2) when the client asks for it, with
// ETags so kubectl can revalidate its cache for free.
import { ApiError } from '@k8ts/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiVersions, discoveryETag, wantsAggregated } from '../discovery/index.ts';

const cache = new Map<string, { body: string; etag: string }>();

function prepared(key: string, make: () => object) {
  let hit = cache.get(key);
  if (!hit) {
    const obj = make();
    hit = { body: JSON.stringify(obj), etag: discoveryETag(obj) };
    cache.set(key, hit);
  }
  return hit;
}

export async function sendDiscovery(req: FastifyRequest, reply: FastifyReply, parts: string[], list?: object) {
  const accept = req.headers.accept;
  const aggregated = wantsAggregated(accept);
  let doc: { body: string; etag: string };
  let type = 'application/json';
  if (list) {
    doc = prepared(parts.join('/'), () => list);
  } else if (parts.length === 1 && aggregated) {
    const which = parts[0] === 'api' ? 'legacy' : 'apis';
    doc = prepared(`${which}:aggregated:${aggregated}`, () => aggregatedDiscovery(which, aggregated));
    type = `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`;
  } else if (parts.length === 1) {
    doc = prepared(parts[0]!, () => (parts[0] === 'api' ? apiVersions() : apiGroupList()));
  } else {
    const group = apiGroup(parts[1]!);
    if (!group) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    doc = prepared(parts.join('/'), () => group);
  }
  reply.header('etag', `"${doc.etag}"`).header('vary', 'Accept');
  if (req.headers['if-none-match'] === `"${doc.etag}"`) return reply.code(304).send();
  return reply.code(200).header('content-type', type).send(doc.body);
}
