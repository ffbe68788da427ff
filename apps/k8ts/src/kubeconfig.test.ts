import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.ts';

describe('renderKubeconfig', () => {
  it('points cluster k8ts, user admin and the current context k8ts at the server', () => {
    expect(renderKubeconfig({ server: 'http://127.0.0.1:6443' })).toMatchInlineSnapshot(`
      "apiVersion: v1
      kind: Config
      clusters:
        - name: k8ts
          cluster:
            server: http://127.0.0.1:6443
            insecure-skip-tls-verify: true
      users:
        - name: admin
          user: {}
      contexts:
        - name: k8ts
          context:
            cluster: k8ts
            user: admin
      current-context: k8ts
      preferences: {}
      "
    `);
  });

  const creds = [
    { name: 'CA only', o: { certificateAuthority: 'CA' }, cluster: { 'certificate-authority-data': 'Q0E=' }, user: {} },
    { name: 'bearer token', o: { token: 't0k' }, cluster: {}, user: { token: 't0k' } },
    {
      name: 'client certificate',
      o: { clientCertificate: 'CERT', clientKey: 'KEY' },
      cluster: {},
      user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' },
    },
  ];
  it.each(creds)('carries credentials: $name', ({ o, cluster, user }) => {
    const kc = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', ...o }));
    expect(kc.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:6443', ...cluster });
    expect(kc.users[0].user).toEqual(user);
  });
});

describe('writeKubeconfig', () => {
  it('creates missing directories and a file only the owner can read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-kc-'));
    try {
      const path = join(dir, 'a/b/kubeconfig');
      await writeKubeconfig(path, { server: 'http://127.0.0.1:1' });
      expect(parse(await readFile(path, 'utf8'))['current-context']).toBe('k8ts');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
