// The kubelet's HTTP server (upstream pkg/kubelet/server): health, the pods it runs, metrics, the
// stats summary, container logs, and the streaming endpoints exec, attach and port-forward, which
// relay a client's WebSocket to the container runtime's streaming server.
import { ApiError } from '@k8ts/api';
import type { ImageService, RuntimeService } from '@k8ts/cri';
import type { Pod } from 'kubernetes-types/core/v1';
import { access } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { containerAttempts, findPod, logAttempt, requireSpecContainer, runningContainer } from './containers.ts';
import { boolParam, refuseUpgrade, sendJson, sendStatus, sendText } from './http.ts';
import { parseLogOptions, readLog } from './logs.ts';
import { dialPortForward, PORTFORWARD_PROTOCOLS, servePortForward, SPDY_PORTFORWARD, WS_PORTFORWARD } from './portforward.ts';
import { REMOTECOMMAND_PROTOCOLS, RUNTIME_REMOTECOMMAND_PROTOCOLS, V4, bridgeRemoteCommand, type StreamOptions } from './remotecommand.ts';
import { attachSocket, dialSpdy, socketTransport } from './spdy/dial.ts';
import { joinSessions } from './spdy/relay.ts';
import { SpdySession } from './spdy/session.ts';
import { CpuRates, summarize, type HostReadings } from './stats.ts';
import { LABELS } from '../status/labels.ts';

export interface KubeletServerOptions {
  /** listen address; port 0 picks a free port */
  address: string;
  port: number;
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  /** the pods this kubelet runs (from the API server and static), as last seen */
  pods(): Pod[];
  /** false → /healthz answers 500 */
  healthy(): boolean;
  registry: Registry;
  log: Logger;
  /** for tests: the node's /proc readings */
  readHost?: () => Promise<HostReadings>;
  /** for tests: log-follow poll interval (default 250 ms) */
  logPollMs?: number;
}

export interface KubeletServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `/exec/ns/pod/container` or `/exec/ns/pod/uid/container` → its parts. */
function streamTarget(parts: string[], withContainer: boolean): { namespace: string; pod: string; uid?: string; container: string } | undefined {
  const [namespace, pod, a, b] = parts;
  if (!namespace || !pod) return undefined;
  if (!withContainer) return parts.length <= 3 ? { namespace, pod, uid: a, container: '' } : undefined;
  if (parts.length === 3 && a) return { namespace, pod, container: a };
  if (parts.length === 4 && a && b) return { namespace, pod, uid: a, container: b };
  return undefined;
}

/** SPDY's X-Stream-Protocol-Version values, in the client's order (repeated headers are joined). */
function spdyProtocols(req: IncomingMessage): string[] {
  const v = req.headers['x-stream-protocol-version'];
  return (Array.isArray(v) ? v.join(',') : v ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

/** The client's sub-protocols, in its order. */
function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

const notFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** The path's segments, decoded; a malformed escape is the client's error. */
function segments(url: URL): string[] {
  try {
    return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new ApiError(400, 'BadRequest', `invalid path ${JSON.stringify(url.pathname)}`);
  }
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const log = o.log.child({ subsystem: 'server' });
  const rates = new CpuRates();
  const sockets = new Set<Duplex>();
  const upgraded = new Set<Duplex>();
  // The WebSocket handshake: the sub-protocol was chosen before (`chosen` on the request).
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_p, req) => (req as Chosen).chosen ?? false });
  // `SPDY/3.1+portforward.k8s.io` is not an RFC 6455 token ('/'): ws would refuse it, so it travels
  // under an alias through the handshake and is written back as the client spelled it.
  wss.on('headers', (headers, req) => {
    const original = (req as Chosen).originalProtocol;
    if (!original) return;
    const i = headers.findIndex((h) => h.toLowerCase().startsWith('sec-websocket-protocol:'));
    if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${original}`;
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const [root, ...rest] = segments(url);
    const method = req.method ?? 'GET';
    switch (root) {
      case 'healthz':
        if (o.healthy()) return sendText(res, 200, 'ok');
        return sendText(res, 500, '[-]syncloop failed: reason withheld\nhealthz check failed\n');
      case 'pods':
        if (rest.length) break;
        return sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: o.pods() });
      case 'metrics': {
        if (rest.length) break;
        const text = await o.registry.metrics();
        return sendText(res, 200, text, o.registry.contentType);
      }
      case 'stats':
        if (rest.length === 1 && rest[0] === 'summary' && (method === 'GET' || method === 'POST')) {
          const summary = await summarize({ nodeName: o.nodeName, runtime: o.runtime, images: o.images, rates, readHost: o.readHost }, boolParam(url.searchParams, 'only_cpu_and_memory'));
          return sendJson(res, 200, summary);
        }
        break;
      case 'containerLogs': {
        const [namespace, pod, container, ...extra] = rest;
        if (!namespace || !pod || !container || extra.length) break;
        return containerLogs(res, url.searchParams, namespace, pod, container);
      }
      case 'exec':
      case 'attach':
      case 'portForward':
        throw new ApiError(400, 'BadRequest', 'Upgrade request required');
    }
    throw notFound();
  };

  const containerLogs = async (res: ServerResponse, q: URLSearchParams, namespace: string, podName: string, container: string) => {
    const opts = parseLogOptions(q, new Date());
    const pod = findPod(o.pods(), namespace, podName);
    requireSpecContainer(pod, container);
    const target = logAttempt(pod, container, opts.previous, await containerAttempts(o.runtime, pod, container));
    const waiting = new ApiError(400, 'BadRequest', `container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
    const path = (await o.runtime.containerStatus(target.id)).status?.log_path ?? '';
    if (!path) throw waiting;
    try {
      await access(path);
    } catch {
      throw waiting;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    if (opts.follow) res.flushHeaders();
    await readLog(path, {
      ...opts,
      signal: abort.signal,
      pollMs: o.logPollMs,
      running: async () => (await o.runtime.containerStatus(target.id).catch(() => undefined))?.status?.state === 'CONTAINER_RUNNING',
    }, {
      write: (chunk) => new Promise<void>((resolve) => {
        if (res.destroyed || !res.write(chunk)) {
          if (res.destroyed) return resolve();
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
          return;
        }
        resolve();
      }),
    });
    res.end();
  };

  const upgrade = async (req: IncomingMessage & Chosen, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const [root, ...rest] = segments(url);
    const q = url.searchParams;
    if (root !== 'exec' && root !== 'attach' && root !== 'portForward') throw notFound();
    const target = streamTarget(rest, root !== 'portForward');
    if (!target) throw notFound();
    const kind = (req.headers.upgrade ?? '').toLowerCase();
    if (kind !== 'websocket' && kind !== 'spdy/3.1') throw new ApiError(400, 'BadRequest', `unsupported upgrade "${req.headers.upgrade ?? ''}": use WebSocket or SPDY/3.1`);
    const spdy = kind === 'spdy/3.1';
    // WebSocket sub-protocols, or SPDY's X-Stream-Protocol-Version list, in the client's order.
    const offered = spdy ? spdyProtocols(req) : offeredProtocols(req);
    const choose = (supported: string[]) => {
      const p = offered.find((x) => supported.includes(x));
      if (!p) throw new ApiError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]`);
      return p;
    };

    if (root === 'portForward') {
      const protocol = choose(spdy ? [SPDY_PORTFORWARD] : PORTFORWARD_PROTOCOLS);
      const pod = findPod(o.pods(), target.namespace, target.pod, target.uid);
      const sandboxes = await o.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' }, label_selector: { [LABELS.podUid]: pod.metadata?.uid ?? '' } });
      const sandbox = sandboxes.sort((x, y) => (BigInt(y.created_at || '0') > BigInt(x.created_at || '0') ? 1 : -1))[0];
      if (!sandbox) throw new ApiError(404, 'NotFound', `pod "${target.pod}" has no running sandbox`);
      const ports = q.getAll('port').map(Number);
      if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new ApiError(400, 'BadRequest', `invalid port in [${q.getAll('port').join(' ')}]`);
      if (protocol === WS_PORTFORWARD && ports.length === 0) throw new ApiError(400, 'BadRequest', 'at least one port must be given with ?port=');
      const runtime = await dialPortForward(await o.runtime.portForward(sandbox.id, ports));
      if (socket.destroyed) return void runtime.close();
      log.debug({ op: root, pod: `${target.namespace}/${target.pod}`, protocol, ports }, 'stream started');
      if (spdy) return acceptSpdy(socket, head, protocol, runtime);
      accept(req, socket, head, protocol, (ws) => servePortForward(ws, protocol, runtime, ports, log));
      return;
    }

    const command = q.getAll('command');
    const opts: StreamOptions = {
      stdin: boolParam(q, 'stdin', 'input'),
      stdout: boolParam(q, 'stdout', 'output'),
      stderr: boolParam(q, 'stderr', 'error'),
      tty: boolParam(q, 'tty'),
    };
    if (opts.tty) opts.stderr = false; // a terminal has one output stream
    if (root === 'exec' && command.length === 0) throw new ApiError(400, 'BadRequest', 'you must specify at least 1 command');
    if (!opts.stdin && !opts.stdout && !opts.stderr) throw new ApiError(400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
    const protocol = choose(spdy ? RUNTIME_REMOTECOMMAND_PROTOCOLS : REMOTECOMMAND_PROTOCOLS);
    const pod = findPod(o.pods(), target.namespace, target.pod, target.uid);
    requireSpecContainer(pod, target.container);
    const c = await runningContainer(o.runtime, pod, target.container);
    const runtimeUrl = root === 'exec'
      ? await o.runtime.exec(c.id, { cmd: command, ...opts })
      : await o.runtime.attach(c.id, opts);
    // Over SPDY the client's own streams are relayed, in the version it chose; over WebSocket we
    // speak v4 to the runtime and translate.
    const conn = await dialSpdy(runtimeUrl, spdy ? [protocol] : [V4]);
    if (socket.destroyed) {
      conn.session.close();
      return;
    }
    log.debug({ op: root, pod: `${target.namespace}/${target.pod}`, container: target.container, protocol, command }, 'stream started');
    if (spdy) return acceptSpdy(socket, head, protocol, conn.session);
    accept(req, socket, head, protocol, (ws) => bridgeRemoteCommand(ws, protocol, conn.session, opts, log));
  };

  /** Answers a SPDY upgrade and relays the client's session to the runtime's. */
  const acceptSpdy = (socket: Duplex, head: Buffer, protocol: string, runtime: SpdySession) => {
    const sock = socket as Socket;
    sock.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    const client = new SpdySession(socketTransport(sock), false);
    attachSocket(client, sock, head);
    client.on('error', (e) => log.debug({ err: e.message }, 'spdy client session failed'));
    runtime.on('error', (e) => log.warn({ err: e.message }, 'streaming server connection failed'));
    void joinSessions(client, runtime);
  };

  const accept = (req: IncomingMessage & Chosen, socket: Duplex, head: Buffer, protocol: string, serve: (ws: WebSocket) => Promise<void>) => {
    req.chosen = protocol;
    if (protocol.includes('/')) {
      req.originalProtocol = protocol;
      req.chosen = protocol.replaceAll('/', '-');
      req.headers['sec-websocket-protocol'] = offeredProtocols(req).map((p) => p.replaceAll('/', '-')).join(', ');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      void serve(ws).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'stream failed')).finally(() => {
        // serve() has closed it (the close frame follows what is still buffered); a client that
        // never answers the close is cut off.
        if (ws.readyState === ws.OPEN) ws.close(1000);
        if (ws.readyState === ws.CLOSED) return;
        const t = setTimeout(() => ws.terminate(), 10_000);
        t.unref();
        ws.once('close', () => clearTimeout(t));
      });
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const err = e as Error;
      if (!(err instanceof ApiError)) log.warn({ err: err.message, url: req.url }, 'request failed');
      sendStatus(res, e);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('error', () => undefined);
    upgrade(req, socket, head).catch((e: unknown) => {
      const err = e as Error;
      if (!(err instanceof ApiError)) log.warn({ err: err.message, url: req.url }, 'stream request failed');
      refuseUpgrade(socket, e);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.address.includes(':') ? `[${o.address}]` : o.address;
  const url = `http://${host}:${port}`;
  log.info({ url }, 'kubelet server listening');

  // A first CPU sample, so the first summary already has the node's usageNanoCores.
  void summarize({ nodeName: o.nodeName, runtime: o.runtime, images: o.images, rates, readHost: o.readHost }, true).catch(() => undefined);

  return {
    url,
    port,
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      for (const s of upgraded) s.destroy();
      for (const s of sockets) s.destroy();
      wss.close();
      server.close(() => resolve());
    }),
  };
}

interface Chosen {
  /** the sub-protocol answered (an alias when the real one is not a token) */
  chosen?: string;
  /** the real sub-protocol, written back into the 101 answer */
  originalProtocol?: string;
}
