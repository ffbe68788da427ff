import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigFromText, loadKubeconfig } from './kubeconfig.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const config = `
apiVersion: v1
kind: Config
current-context: admin@k8ts
clusters:
- name: k8ts
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64('CA PEM')}
- name: files
  cluster:
    server: https://127.0.0.1:7443
    certificate-authority: pki/ca.crt
- name: loose
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT PEM')}
    client-key-data: ${b64('KEY PEM')}
- name: filer
  user:
    client-certificate: pki/admin.crt
    client-key: /abs/should-not-be-read-when-data-given
    client-key-data: ${b64('INLINE KEY')}
- name: bearer
  user:
    token: abc123
contexts:
- name: admin@k8ts
  context: { cluster: k8ts, user: admin }
- name: files
  context: { cluster: files, user: filer, namespace: kube-system }
- name: token
  context: { cluster: loose, user: bearer }
- name: no-cluster
  context: { cluster: missing, user: admin }
`;

describe('loadKubeconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  writeFileSync(join(dir, 'config'), config);
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  writeFileSync(join(pki, 'ca.crt'), 'FILE CA');
  writeFileSync(join(pki, 'admin.crt'), 'FILE CERT');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; context?: string; want: Record<string, unknown> }[] = [
    {
      name: 'current-context with inline base64 credentials',
      want: { server: 'https://127.0.0.1:6443', ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
    },
    {
      name: 'file paths resolve against the kubeconfig folder; -data wins over a path',
      context: 'files',
      want: { server: 'https://127.0.0.1:7443', ca: 'FILE CA', cert: 'FILE CERT', key: 'INLINE KEY', namespace: 'kube-system' },
    },
    { name: 'bearer token and insecure-skip-tls-verify', context: 'token', want: { server: 'http://127.0.0.1:8080', token: 'abc123', insecureSkipTLSVerify: true } },
  ];
  it.each(cases)('$name', ({ context, want }) => {
    const got = loadKubeconfig(join(dir, 'config'), context);
    const printable = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : v]));
    expect(printable).toEqual(want);
  });

  const errors: { name: string; text: string; context?: string; message: string }[] = [
    { name: 'unknown context', text: config, context: 'nope', message: 'context was not found for specified context: nope' },
    { name: 'context naming a missing cluster', text: config, context: 'no-cluster', message: 'cluster "missing" of context "no-cluster" was not found' },
    { name: 'no current-context', text: 'apiVersion: v1\nkind: Config\n', message: 'invalid configuration: no current-context is set and no context was given' },
    {
      name: 'cluster without a server',
      text: 'current-context: c\nclusters: [{name: x, cluster: {}}]\ncontexts: [{name: c, context: {cluster: x}}]\n',
      message: 'invalid configuration: no server found for cluster "x"',
    },
  ];
  it.each(errors)('fails on $name', ({ text, context, message }) => {
    expect(() => kubeconfigFromText(text, dir, context)).toThrow(message);
  });
});
