// pods/log, pods/exec, pods/attach and pods/portforward: find the pod's kubelet (the Node's
// InternalIP and daemonEndpoints.kubeletEndpoint.Port) and proxy to its /containerLogs, /exec,
// /attach or /portForward (upstream pkg/registry/core/pod: LogLocation, streamLocation,
// PortForwardLocation; the upgrade is proxied as upstream's UpgradeAwareHandler does — the
// client's request goes to the kubelet byte for byte after the path, then both sockets are piped,
// so the WebSocket sub-protocol and every frame pass through untouched).
import { ApiError, badRequest, invalid, type ResourceInfo, type StatusCause } from '@k8ts/api';
import type { FastifyReply } from 'fastify';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { storeFor, intParam, q, type ApiContext, type Query } from './context.ts';

export const STREAM_SUBRESOURCES = ['exec', 'attach', 'portforward'] as const;
export type StreamSubresource = (typeof STREAM_SUBRESOURCES)[number];
export const isStreamSubresource = (s: string | undefined): s is StreamSubresource => (STREAM_SUBRESOURCES as readonly string[]).includes(s ?? '');

const DEFAULT_KUBELET_PORT = 10250;
/** upstream's --kubelet-preferred-address-types, with InternalIP first: our nodes report it */
const ADDRESS_PREFERENCE = ['InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS', 'Hostname'];

interface PodLike {
  metadata: { name?: string; namespace?: string };
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}
interface NodeLike {
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

export interface KubeletTarget {
  host: string;
  port: number;
  /** path and query on the kubelet */
  path: string;
}

const bool = (query: Query, name: string) => {
  const v = q(query, name);
  return v === 'true' || v === '1';
};

/** The container a request means: the one named (it must exist), or the pod's only container. */
export function containerFor(pod: PodLike, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const names = (list?: { name: string }[]) => (list ?? []).map((c) => c.name);
  const containers = names(pod.spec?.containers);
  if (!requested) {
    if (containers.length === 1) return containers[0]!;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    const init = names(pod.spec?.initContainers);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
    throw badRequest(msg);
  }
  const all = [...containers, ...names(pod.spec?.initContainers), ...names(pod.spec?.ephemeralContainers)];
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** The Node's kubelet address: a preferred address and the port it reports. */
export function kubeletAddress(nodeName: string, node: NodeLike): { host: string; port: number } {
  const addresses = node.status?.addresses ?? [];
  for (const type of ADDRESS_PREFERENCE) {
    const a = addresses.find((x) => x.type === type && x.address);
    if (a) return { host: a.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT };
  }
  throw new ApiError(500, 'InternalError', `Internal error occurred: no preferred addresses found; known addresses: [] for node "${nodeName}"`);
}

async function getPod(ctx: ApiContext, pods: ResourceInfo, namespace: string, name: string): Promise<PodLike> {
  return (await storeFor(ctx, pods).get(namespace, name)) as unknown as PodLike;
}

async function nodeAddress(ctx: ApiContext, nodeName: string) {
  const nodes = ctx.stores.get('nodes');
  if (!nodes) throw new ApiError(500, 'InternalError', 'no store for nodes');
  return kubeletAddress(nodeName, (await nodes.get(undefined, nodeName)) as unknown as NodeLike);
}

/** PodLogOptions as upstream validates them (422 naming the pod). */
function logParams(name: string, query: Query): URLSearchParams {
  const params = new URLSearchParams();
  const causes: StatusCause[] = [];
  const tail = intParam(query, 'tailLines');
  const limit = intParam(query, 'limitBytes');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTime = q(query, 'sinceTime');
  if (tail !== undefined && tail < 0) causes.push({ reason: 'FieldValueInvalid', field: 'tailLines', message: `Invalid value: ${tail}: must be greater than or equal to 0` });
  if (limit !== undefined && limit < 1) causes.push({ reason: 'FieldValueInvalid', field: 'limitBytes', message: `Invalid value: ${limit}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push({ reason: 'FieldValueInvalid', field: 'sinceSeconds', message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceTime) causes.push({ reason: 'FieldValueForbidden', field: '', message: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as RFC3339`);
  if (causes.length) throw invalid('PodLogOptions', name, causes);
  if (bool(query, 'follow')) params.set('follow', 'true');
  if (bool(query, 'previous')) params.set('previous', 'true');
  if (bool(query, 'timestamps')) params.set('timestamps', 'true');
  if (sinceSeconds !== undefined) params.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime) params.set('sinceTime', new Date(sinceTime).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (tail !== undefined) params.set('tailLines', String(tail));
  if (limit !== undefined) params.set('limitBytes', String(limit));
  return params;
}

/** Where exec, attach or portforward of a pod goes on its kubelet. */
export async function kubeletTarget(ctx: ApiContext, pods: ResourceInfo, namespace: string, name: string, sub: StreamSubresource, query: Query): Promise<KubeletTarget> {
  return (await locate(ctx, pods, namespace, name, sub, query))!;
}

/** Where a pod subresource request goes on the kubelet; undefined for the log of an unscheduled pod. */
async function locate(ctx: ApiContext, pods: ResourceInfo, namespace: string, name: string, sub: 'log' | StreamSubresource, query: Query): Promise<KubeletTarget | undefined> {
  const pod = await getPod(ctx, pods, namespace, name);
  const enc = encodeURIComponent;
  let path: string;
  if (sub === 'portforward') {
    const params = new URLSearchParams();
    const ports = query.ports;
    for (const p of (Array.isArray(ports) ? ports : ports ? [ports] : []).flatMap((x) => x.split(','))) {
      if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw badRequest(`invalid port "${p}"`);
      params.append('port', p);
    }
    path = `/portForward/${enc(namespace)}/${enc(name)}${params.size ? `?${params}` : ''}`;
  } else {
    const container = containerFor(pod, q(query, 'container'));
    const params = sub === 'log' ? logParams(name, query) : new URLSearchParams();
    if (sub !== 'log') {
      for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) if (bool(query, flag)) params.set(flag, '1');
      const command = query.command;
      for (const c of Array.isArray(command) ? command : command !== undefined ? [command] : []) params.append('command', c);
    }
    const root = sub === 'log' ? 'containerLogs' : sub;
    path = `/${root}/${enc(namespace)}/${enc(name)}/${enc(container)}${params.size ? `?${params}` : ''}`;
  }
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    if (sub === 'log') return undefined; // upstream: an empty log
    throw badRequest(`pod ${name} does not have a host assigned`);
  }
  return { ...(await nodeAddress(ctx, nodeName)), path };
}

const dialError = (t: KubeletTarget, e: Error) =>
  new ApiError(500, 'InternalError', `error dialing backend: dial tcp ${t.host}:${t.port}: ${e.message}`);

/** The kubelet's error answer as ours: its Status when it sent one, else the text it sent. */
async function kubeletError(res: IncomingMessage): Promise<ApiError> {
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body = (body + String(chunk)).slice(0, 64 * 1024);
  const code = res.statusCode ?? 500;
  try {
    const s = JSON.parse(body) as { kind?: string };
    if (s.kind === 'Status') return ApiError.fromStatus(code, s);
  } catch { /* not JSON */ }
  return new ApiError(code, code === 404 ? 'NotFound' : code >= 500 ? 'InternalError' : 'BadRequest', body.trim() || `the kubelet answered ${code}`);
}

/** GET pods/log: the kubelet's answer streamed to the client (chunked while following). */
export async function serveLog(ctx: ApiContext, pods: ResourceInfo, reply: FastifyReply, namespace: string, name: string, query: Query): Promise<void> {
  const target = await locate(ctx, pods, namespace, name, 'log', query);
  if (!target) {
    await reply.code(200).header('content-type', 'text/plain').send('');
    return;
  }
  const req = httpRequest({ host: target.host, port: target.port, path: target.path, method: 'GET', headers: { accept: '*/*' } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', (e) => reject(dialError(target, e)));
    req.end();
  });
  if (res.statusCode !== 200) throw await kubeletError(res);
  reply.raw.on('close', () => {
    if (!res.complete) req.destroy();
  });
  await reply.code(200).header('content-type', res.headers['content-type'] ?? 'text/plain').send(res);
}

/**
 * An upgrade request for exec, attach or portforward: the client's request line (with the
 * kubelet's path) and headers go to the kubelet, then the two sockets are joined. Whatever the
 * kubelet answers — 101 and frames, or an error Status — reaches the client as it was sent.
 */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget, log: ApiContext['log']): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const upstream = connect({ host: target.host, port: target.port });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.setNoDelay(true);
      const lines = [`${req.method ?? 'GET'} ${target.path} HTTP/1.1`];
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        const k = raw[i]!;
        if (k.toLowerCase() === 'host' || k.toLowerCase() === 'authorization') continue;
        lines.push(`${k}: ${raw[i + 1]}`);
      }
      lines.push(`Host: ${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
      resolve();
    });
    upstream.once('error', (e) => {
      if (!connected) return reject(dialError(target, e));
      log.debug({ err: e.message, path: target.path }, 'kubelet stream connection failed');
      socket.destroy();
    });
    // A side that ends is ended on the other by pipe() once its bytes are written; one that
    // fails or goes away takes the other down at once.
    socket.once('error', () => upstream.destroy());
    socket.once('close', () => upstream.destroy());
  });
}
