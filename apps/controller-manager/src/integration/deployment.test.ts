// The Deployment and ReplicaSet controllers against a real API server and etcd, with the
// harness's fake kubelet making pods Ready; kubectl 1.32 drives the rollouts and reads them back.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENTS, REPLICASETS } from '../controllers/deployment/client.ts';
import { descriptor as deploymentDescriptor } from '../controllers/deployment/index.ts';
import { descriptor as replicaSetDescriptor } from '../controllers/replicaset/index.ts';
import { startHarness, until, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [replicaSetDescriptor, deploymentDescriptor] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const kubectl = (...args: string[]) => h.kubectl(...args);

const replicaSets = async () =>
  (await h.client.list<ReplicaSet>(REPLICASETS, { namespace: 'default' })).items.filter((rs) => rs.metadata?.ownerReferences?.[0]?.name === 'web');
const imageOf = (rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0]?.image;
const revisionOf = (rs: ReplicaSet) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'];
const getDeployment = () => h.client.get<Deployment>(DEPLOYMENTS, 'web', 'default');

describe('Deployment with kubectl', () => {
  it('rolls out 3 replicas', async () => {
    await h.client.create<Deployment>(DEPLOYMENTS, {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      },
    }, { namespace: 'default' });
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('deployment "web" successfully rolled out');
    const d = await getDeployment();
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`)).toEqual(
      expect.arrayContaining(['Available=True MinimumReplicasAvailable', 'Progressing=True NewReplicaSetAvailable']));
  }, 90_000);

  it('rolls to a new ReplicaSet on an image change; history lists 2 revisions', async () => {
    await kubectl('set', 'image', 'deployment/web', 'c=nginx:2');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    const rss = await replicaSets();
    expect(rss.map((rs) => `${imageOf(rs)} rev=${revisionOf(rs)} replicas=${rs.spec?.replicas}`).sort()).toEqual(['nginx:1 rev=1 replicas=0', 'nginx:2 rev=2 replicas=3']);
    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
  }, 90_000);

  it('rollout undo scales the old ReplicaSet up again as revision 3', async () => {
    expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('deployment.apps/web rolled back');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    const rss = await until(async () => {
      const all = await replicaSets();
      return all.every((rs) => rs.spec?.replicas === (imageOf(rs) === 'nginx:1' ? 3 : 0)) && all;
    }, 30_000, 'the old ReplicaSet back at 3');
    expect(rss.map((rs) => `${imageOf(rs)} rev=${revisionOf(rs)}`).sort()).toEqual(['nginx:1 rev=3', 'nginx:2 rev=2']);
    expect(await kubectl('rollout', 'history', 'deployment/web')).toMatch(/\n2\s+<none>\n3\s+<none>/);
  }, 90_000);

  it('scales to 5 and back to 3', async () => {
    await kubectl('scale', 'deployment/web', '--replicas=5');
    await until(async () => (await getDeployment()).status?.availableReplicas === 5, 30_000, '5 available');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    await kubectl('scale', 'deployment/web', '--replicas=3');
    const d = await until(async () => {
      const x = await getDeployment();
      return x.status?.replicas === 3 && x.status.availableReplicas === 3 && x;
    }, 30_000, 'back to 3');
    expect(d.status?.updatedReplicas).toBe(3);
  }, 90_000);

  it('does not roll out while paused; resuming does', async () => {
    await kubectl('rollout', 'pause', 'deployment/web');
    await kubectl('set', 'image', 'deployment/web', 'c=nginx:3');
    const paused = await until(async () => {
      const x = await getDeployment();
      return x.status?.observedGeneration === x.metadata?.generation && x.status?.conditions?.some((c) => c.reason === 'DeploymentPaused') && x;
    }, 30_000, 'the paused spec observed');
    expect(paused.spec?.paused).toBe(true);
    expect((await replicaSets()).map(imageOf).sort()).toEqual(['nginx:1', 'nginx:2']);

    await kubectl('rollout', 'resume', 'deployment/web');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    const rss = await replicaSets();
    expect(rss.find((rs) => imageOf(rs) === 'nginx:3')).toMatchObject({ spec: { replicas: 3 }, metadata: { annotations: { 'deployment.kubernetes.io/revision': '4' } } });
  }, 90_000);
});
