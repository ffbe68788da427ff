// The admin kubeconfig `up` writes: cluster `k8ts`, user `admin`, context `k8ts`, made current.
// Credentials are optional fields of one options object, so TLS (a CA, a client certificate or
// a token) slots in later without changing any caller.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const CLUSTER_NAME = 'k8ts';
export const USER_NAME = 'admin';
export const CONTEXT_NAME = 'k8ts';

export interface KubeconfigOptions {
  /** e.g. `http://127.0.0.1:6443` */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  token?: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster: Record<string, string | boolean> = { server: o.server };
  if (o.certificateAuthority) cluster['certificate-authority-data'] = b64(o.certificateAuthority);
  // A plain-HTTP loopback server has no certificate to verify. @kubernetes/client-node refuses
  // http:// unless told so explicitly; kubectl ignores the flag for http. Goes with TLS.
  else if (o.server.startsWith('http://')) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, string> = {};
  if (o.clientCertificate) user['client-certificate-data'] = b64(o.clientCertificate);
  if (o.clientKey) user['client-key-data'] = b64(o.clientKey);
  if (o.token) user.token = o.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER_NAME, cluster }],
    users: [{ name: USER_NAME, user }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CLUSTER_NAME, user: USER_NAME } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

/** Writes owner-only (0600), as kubeconfigs may carry credentials. */
export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderKubeconfig(o), { mode: 0o600 });
}
