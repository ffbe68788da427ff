// Test helpers for the kubelet server: a WebSocket client of the channel protocol (as kubectl
// speaks it) and running a pod's containers on a real runtime with the kubelet's labels.
import type { Input, PodSandboxConfig, RuntimeService } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { join } from 'node:path';
import WebSocket from 'ws';
import { containerAnnotations, containerLabels, sandboxAnnotations, sandboxLabels } from '../kuberuntime/labels.ts';

export interface ChannelResult {
  protocol: string;
  /** data per channel, concatenated */
  out: Record<number, Buffer>;
  /** channel 3, parsed */
  status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason: string; message: string }[] } } | undefined;
  closeCode: number;
}

export interface ChannelSession {
  ws: WebSocket;
  protocol: string;
  send(channel: number, data: string | Buffer): void;
  /** v5: closes a channel (255, channel) */
  closeChannel(channel: number): void;
  /** resolves with the first output containing `text` on `channel` */
  waitFor(channel: number, text: string, timeoutMs?: number): Promise<string>;
  done: Promise<ChannelResult>;
}

/** Opens an exec/attach WebSocket at `url` offering `protocols`; rejects with the HTTP answer if refused. */
export function openChannels(url: string, protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io']): Promise<ChannelSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
    const out: Record<number, Buffer> = {};
    const waiters: { channel: number; text: string; resolve: (s: string) => void }[] = [];
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { statusCode: res.statusCode, body })));
    });
    ws.on('error', reject);
    ws.on('message', (raw: Buffer) => {
      if (!raw.length) return;
      const ch = raw[0]!;
      out[ch] = Buffer.concat([out[ch] ?? Buffer.alloc(0), raw.subarray(1)]);
      for (const w of [...waiters]) {
        const s = out[w.channel]?.toString() ?? '';
        if (s.includes(w.text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(s);
        }
      }
    });
    const done = new Promise<ChannelResult>((res) => {
      ws.on('close', (code) => {
        const raw = out[3]?.toString();
        res({ protocol: ws.protocol, out, status: raw ? JSON.parse(raw) : undefined, closeCode: code });
      });
    });
    ws.on('open', () => resolve({
      ws,
      protocol: ws.protocol,
      send: (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)])),
      closeChannel: (ch) => ws.send(Buffer.from([255, ch])),
      waitFor: (channel, text, timeoutMs = 10_000) => new Promise((res, rej) => {
        const s = out[channel]?.toString() ?? '';
        if (s.includes(text)) return res(s);
        const t = setTimeout(() => rej(new Error(`no "${text}" on channel ${channel} in ${timeoutMs} ms (have ${JSON.stringify(s)})`)), timeoutMs);
        waiters.push({ channel, text, resolve: (v) => { clearTimeout(t); res(v); } });
      }),
      done,
    }));
  });
}

export function testPod(name: string, containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers, hostNetwork: true, ...extra },
  };
}

/**
 * Runs the pod's containers on `runtime` in a hostNetwork sandbox, labelled as the kubelet labels
 * them; `configure` adds per-container CRI settings. Returns the sandbox and container ids.
 */
export async function runPod(
  runtime: RuntimeService,
  pod: Pod,
  logRoot: string,
  configure: (c: Container) => { stdin?: boolean; tty?: boolean; attempt?: number } = () => ({}),
): Promise<{ sandbox: string; containers: Record<string, string>; sandboxConfig: Input<PodSandboxConfig> }> {
  const m = pod.metadata!;
  const sandboxConfig: Input<PodSandboxConfig> = {
    metadata: { name: m.name!, namespace: m.namespace!, uid: m.uid!, attempt: 0 },
    hostname: '',
    log_directory: join(logRoot, `${m.namespace}_${m.name}_${m.uid}`),
    labels: sandboxLabels(pod),
    annotations: sandboxAnnotations(pod),
    linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  };
  const sandbox = await runtime.runPodSandbox(sandboxConfig);
  const containers: Record<string, string> = {};
  for (const c of pod.spec!.containers) {
    containers[c.name] = await startContainer(runtime, pod, c, sandbox, sandboxConfig, configure(c));
  }
  return { sandbox, containers, sandboxConfig };
}

export async function startContainer(
  runtime: RuntimeService, pod: Pod, c: Container, sandbox: string, sandboxConfig: Input<PodSandboxConfig>,
  o: { stdin?: boolean; tty?: boolean; attempt?: number } = {},
): Promise<string> {
  const attempt = o.attempt ?? 0;
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: c.name, attempt },
    image: { image: c.image ?? 'busybox' },
    command: c.command ?? [],
    args: c.args ?? [],
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(pod, c, attempt),
    log_path: `${c.name}/${attempt}.log`,
    // as the kubelet passes them from the spec
    stdin: o.stdin ?? c.stdin ?? false,
    stdin_once: c.stdinOnce ?? false,
    tty: o.tty ?? c.tty ?? false,
  }, sandboxConfig);
  await runtime.startContainer(id);
  return id;
}

// ---- a stand-in for the runtime's streaming server ----

export interface StandInSession {
  kind: string;
  path: string;
  /** headers of every stream the kubelet opened */
  streams: Record<string, string>[];
  stdin: string;
  stdinEnded: boolean;
  resizes: string[];
}

/**
 * A streaming server speaking SPDY as containerd's does, with scripted commands: exec and attach
 * echo stdin upper-cased on stdout and, once stdin ends, write `status` on the error stream;
 * port-forward echoes each connection's data back prefixed with `port <n>: `.
 */
export async function startStandInStreamServer(status = '{"metadata":{},"status":"Success"}') {
  const { createServer } = await import('node:http');
  const { SpdySession } = await import('./spdy/session.ts');
  const { attachSocket, socketTransport } = await import('./spdy/dial.ts');
  const sessions: StandInSession[] = [];
  const sockets = new Set<import('node:stream').Duplex>();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const kind = path.split('/')[1] ?? '';
    const protocol = kind === 'portforward' ? 'portforward.k8s.io' : 'v4.channel.k8s.io';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    const session = new SpdySession(socketTransport(socket as import('node:net').Socket), false);
    attachSocket(session, socket as import('node:net').Socket, head);
    const record: StandInSession = { kind, path, streams: [], stdin: '', stdinEnded: false, resizes: [] };
    sessions.push(record);
    const byType = new Map<string, import('./spdy/session.ts').SpdyStream>();
    session.on('stream', (s) => {
      record.streams.push(s.headers);
      s.reply({});
      s.on('error', () => undefined);
      if (kind === 'portforward') {
        if (s.headers.streamtype === 'data') {
          s.on('data', (d: Buffer) => s.write(`port ${s.headers.port}: ${d.toString()}`));
          s.on('end', () => s.end());
        } else s.resume();
        return;
      }
      byType.set(s.headers.streamtype ?? '', s);
      if (s.headers.streamtype === 'resize') s.on('data', (d: Buffer) => record.resizes.push(d.toString()));
      if (s.headers.streamtype === 'stdin') {
        s.on('data', (d: Buffer) => {
          record.stdin += d.toString();
          byType.get('stdout')?.write(d.toString().toUpperCase());
        });
        s.on('end', () => {
          record.stdinEnded = true;
          byType.get('stdout')?.end();
          byType.get('stderr')?.end('bye\n');
          byType.get('error')?.end(status);
          setTimeout(() => session.close(), 10);
        });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
