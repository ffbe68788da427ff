// Reads one context out of a kubeconfig file (clientcmd's Config: clusters, users, contexts,
// current-context). `*-data` fields are base64; file fields are paths, relative ones resolved
// against the kubeconfig's own folder, as kubectl does.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeConfigEntry {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** The context's namespace, when it names one. */
  namespace?: string;
}

type Fields = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function pick(list: unknown, field: string, name: string): Fields | undefined {
  if (!Array.isArray(list)) return undefined;
  const hit = (list as (Fields | null)[]).find((e) => e?.name === name);
  const inner = hit?.[field];
  return inner && typeof inner === 'object' ? (inner as Fields) : undefined;
}

/** A credential given inline as `<field>-data` (base64) or as a file path in `<field>`. */
function material(section: Fields, field: string, baseDir: string): Buffer | undefined {
  const data = str(section[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(section[field]);
  if (file) return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file));
  return undefined;
}

/** The entry for `context`, or for the file's current-context. */
export function loadKubeconfig(path: string, context?: string): KubeConfigEntry {
  return kubeconfigFromText(readFileSync(path, 'utf8'), dirname(resolve(path)), context);
}

export function kubeconfigFromText(text: string, baseDir: string, context?: string): KubeConfigEntry {
  const doc = (parse(text) ?? {}) as Fields;
  const ctxName = context ?? str(doc['current-context']);
  if (!ctxName) throw new Error('invalid configuration: no current-context is set and no context was given');
  const ctx = pick(doc.contexts, 'context', ctxName);
  if (!ctx) throw new Error(`context was not found for specified context: ${ctxName}`);

  const clusterName = str(ctx.cluster) ?? '';
  const cluster = pick(doc.clusters, 'cluster', clusterName);
  if (!cluster) throw new Error(`cluster "${clusterName}" of context "${ctxName}" was not found`);
  const server = str(cluster.server);
  if (!server) throw new Error(`invalid configuration: no server found for cluster "${clusterName}"`);

  const userName = str(ctx.user);
  const user = userName ? pick(doc.users, 'user', userName) : undefined;
  if (userName && !user) throw new Error(`user "${userName}" of context "${ctxName}" was not found`);

  const entry: KubeConfigEntry = { server };
  const ca = material(cluster, 'certificate-authority', baseDir);
  if (ca) entry.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) entry.insecureSkipTLSVerify = true;
  if (user) {
    const cert = material(user, 'client-certificate', baseDir);
    const key = material(user, 'client-key', baseDir);
    if (cert) entry.cert = cert;
    if (key) entry.key = key;
    const tokenFile = str(user.tokenFile);
    const token = str(user.token) ?? (tokenFile ? readFileSync(isAbsolute(tokenFile) ? tokenFile : resolve(baseDir, tokenFile), 'utf8').trim() : undefined);
    if (token) entry.token = token;
  }
  const namespace = str(ctx.namespace);
  if (namespace) entry.namespace = namespace;
  return entry;
}
