// kubectl 1.32 writing to a k8ts cluster: create, apply (client- and server-side), patch, label,
// annotate, edit, replace, scale, delete, dry-run and diff.
import { writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upCluster, type Cluster } from './cluster.ts';

let c: Cluster;
beforeAll(async () => {
  c = await upCluster();
}, 120_000);
afterAll(async () => {
  await c?.down();
});

const deployment = (image: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: main
        image: ${image}
        ports: [{containerPort: 80}]
`;

const field = async (args: string[], path: string) => (await c.kubectl(['get', ...args, '-o', `jsonpath=${path}`])).stdout;

describe('kubectl writes', () => {
  it('creates from a file and refuses a second create', async () => {
    const file = join(c.dir, 'cm.yaml');
    await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-file}\ndata: {k: v}\n');
    expect((await c.kubectl(['create', '-f', file])).stdout).toContain('configmap/from-file created');
    const again = await c.kubectl(['create', '-f', file], { allowFail: true });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('Error from server (AlreadyExists)');
  });

  it('applies twice with a change (client-side apply → strategic merge patch)', async () => {
    const file = join(c.dir, 'deploy.yaml');
    await writeFile(file, deployment('nginx:1.26'));
    const first = await c.kubectl(['apply', '-f', file]);
    expect(first.stdout).toContain('deployment.apps/app created');
    expect(first.stderr).toBe('');
    await writeFile(file, deployment('nginx:1.27', 3));
    const second = await c.kubectl(['apply', '-f', file]);
    expect(second.stdout).toContain('deployment.apps/app configured');
    expect(await field(['deploy', 'app'], '{.spec.template.spec.containers[0].image} {.spec.replicas} {.metadata.generation}')).toBe('nginx:1.27 3 2');
    const unchanged = await c.kubectl(['apply', '-f', file]);
    expect(unchanged.stdout).toContain('deployment.apps/app unchanged');
  });

  it('applies server-side, reports a conflict and forces it', async () => {
    const file = join(c.dir, 'ssa.yaml');
    await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {owner: first}\n');
    expect((await c.kubectl(['apply', '--server-side', '-f', file])).stdout).toContain('configmap/ssa serverside-applied');
    await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {owner: second}\n');
    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=other', '-f', file], { allowFail: true });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict/i);
    expect(conflict.stderr).toContain('.data.owner');
    const forced = await c.kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', file]);
    expect(forced.stdout).toContain('serverside-applied');
    expect(await field(['cm', 'ssa'], '{.data.owner}')).toBe('second');
    const managers = JSON.parse((await c.kubectl(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields;
    expect(managers.map((m: { manager: string }) => m.manager)).toContain('other');
  });

  it('patches with json, merge and strategic patches', async () => {
    await c.kubectl(['patch', 'deploy', 'app', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    expect(await field(['deploy', 'app'], '{.spec.replicas}')).toBe('4');
    await c.kubectl(['patch', 'deploy', 'app', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']);
    expect(await field(['deploy', 'app'], '{.metadata.labels.tier}')).toBe('web');
    await c.kubectl(['patch', 'deploy', 'app', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}']);
    expect(await field(['deploy', 'app'], '{.spec.template.spec.containers[*].name}')).toBe('side main'); // upstream puts patch-only items first (kubectl docs' patch example)
  });

  it('labels, annotates, and selects by label', async () => {
    await c.kubectl(['create', 'configmap', 'l1']);
    await c.kubectl(['create', 'configmap', 'l2']);
    await c.kubectl(['label', 'cm', 'l1', 'l2', 'group=pair']);
    await c.kubectl(['annotate', 'cm', 'l1', 'note=hello']);
    expect(await field(['cm', 'l1'], '{.metadata.annotations.note}')).toBe('hello');
    const sel = await c.kubectl(['get', 'cm', '-l', 'group=pair', '-o', 'name']);
    expect(sel.stdout.trim().split('\n')).toEqual(['configmap/l1', 'configmap/l2']);
    await c.kubectl(['label', 'cm', 'l2', 'group-']);
    expect((await c.kubectl(['get', 'cm', '-l', 'group', '-o', 'name'])).stdout.trim()).toBe('configmap/l1');
  });

  it('edits with EDITOR and replaces', async () => {
    const editor = join(c.dir, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s/k: v/k: edited/" "$1"\n');
    await chmod(editor, 0o755);
    await c.kubectl(['edit', 'cm', 'from-file'], { env: { EDITOR: editor } });
    expect(await field(['cm', 'from-file'], '{.data.k}')).toBe('edited');
    const current = JSON.parse((await c.kubectl(['get', 'cm', 'from-file', '-o', 'json'])).stdout);
    current.data.k = 'replaced';
    await c.kubectl(['replace', '-f', '-'], { input: JSON.stringify(current) });
    expect(await field(['cm', 'from-file'], '{.data.k}')).toBe('replaced');
  });

  it('scales a deployment through /scale', async () => {
    const out = await c.kubectl(['scale', 'deploy', 'app', '--replicas=6']);
    expect(out.stdout).toContain('deployment.apps/app scaled');
    expect(await field(['deploy', 'app'], '{.spec.replicas}')).toBe('6');
  });

  it('dry-runs on the server and diffs without storing anything', async () => {
    const dry = await c.kubectl(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server', '-o', 'name']);
    expect(dry.stdout.trim()).toBe('configmap/dry');
    expect((await c.kubectl(['get', 'cm', 'dry'], { allowFail: true })).stderr).toContain('NotFound');
    const file = join(c.dir, 'deploy.yaml');
    await writeFile(file, deployment('nginx:1.28', 6));
    const diff = await c.kubectl(['diff', '-f', file], { allowFail: true, env: { KUBECTL_EXTERNAL_DIFF: 'diff -u' } });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^\+\s+- image: nginx:1\.28$/m);
    expect(diff.stdout).toMatch(/^-\s+- image: nginx:1\.27$/m);
    expect(await field(['deploy', 'app'], '{.spec.template.spec.containers[?(@.name=="main")].image}')).toBe('nginx:1.27');
  });

  it('deletes by name (waiting), by label and --all', async () => {
    const one = await c.kubectl(['delete', 'cm', 'l1', '--wait=true']);
    expect(one.stdout).toContain('configmap "l1" deleted');
    await c.kubectl(['create', 'configmap', 'x1']);
    await c.kubectl(['label', 'cm', 'x1', 'sweep=yes']);
    expect((await c.kubectl(['delete', 'cm', '-l', 'sweep=yes'])).stdout).toContain('configmap "x1" deleted');
    // --cascade=orphan: the object waits on the `orphan` finalizer until the garbage collector has
    // removed it from its dependents' ownerReferences; then it goes and the dependent stays.
    await c.kubectl(['create', 'configmap', 'orph']);
    const uid = await field(['cm', 'orph'], '{.metadata.uid}');
    await c.kubectl(['create', '-f', '-'], {
      input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep\n  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: orph, uid: ${uid}}]\n`,
    });
    expect((await c.kubectl(['delete', 'cm', 'orph', '--cascade=orphan'])).stdout).toContain('configmap "orph" deleted');
    expect((await c.kubectl(['get', 'cm', 'orph'], { allowFail: true })).stderr).toContain('NotFound');
    expect(await field(['cm', 'dep'], '{.metadata.ownerReferences}')).toBe('');
    await c.kubectl(['delete', 'cm', '--all']);
    const left = await c.kubectl(['get', 'cm', '-o', 'name']);
    expect(left.stdout.trim()).toBe('');
    const missing = await c.kubectl(['delete', 'cm', 'ghost'], { allowFail: true });
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "ghost" not found');
  });

  it('answers curl the way the README shows', async () => {
    const res = await fetch(`${c.server}/api/v1/namespaces/default/services/kubernetes`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { spec: { clusterIP: string } }).spec.clusterIP).toBe('10.96.0.1');
    const ready = await fetch(`${c.server}/readyz`);
    expect(await ready.text()).toBe('ok');
  });
});
