import { describe, expect, it } from 'vitest';
import { applyDefaults } from './index.ts';

const template = () => ({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });

/** What a template's spec reads back as: PodSpec defaults, no Pod-only or admission ones. */
const TEMPLATE_SPEC = {
  containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

function defaulted(kind: string, spec: Record<string, unknown>) {
  const obj = { metadata: { name: 'x' }, spec };
  applyDefaults(kind, obj);
  return obj.spec as Record<string, any>;
}

describe('apps/v1 defaults', () => {
  const cases: { name: string; kind: string; spec: Record<string, unknown>; want: Record<string, unknown> }[] = [
    {
      name: 'deployment',
      kind: 'Deployment',
      spec: { selector: { matchLabels: { app: 'a' } }, template: template() },
      want: {
        replicas: 1,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    },
    {
      name: 'deployment recreate has no rollingUpdate',
      kind: 'Deployment',
      spec: { replicas: 0, strategy: { type: 'Recreate' }, template: template() },
      want: { replicas: 0, strategy: { type: 'Recreate' } },
    },
    {
      name: 'deployment keeps a partial rolling update',
      kind: 'Deployment',
      spec: { strategy: { rollingUpdate: { maxSurge: 0 } }, template: template() },
      want: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } } },
    },
    { name: 'replicaset', kind: 'ReplicaSet', spec: { template: template() }, want: { replicas: 1 } },
    {
      name: 'daemonset',
      kind: 'DaemonSet',
      spec: { template: template() },
      want: { revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
    },
    { name: 'daemonset on delete', kind: 'DaemonSet', spec: { updateStrategy: { type: 'OnDelete' }, template: template() }, want: { updateStrategy: { type: 'OnDelete' } } },
    {
      name: 'statefulset',
      kind: 'StatefulSet',
      spec: { serviceName: 's', template: template() },
      want: {
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        revisionHistoryLimit: 10,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    },
    {
      name: 'statefulset explicit RollingUpdate gets no partition block',
      kind: 'StatefulSet',
      spec: { updateStrategy: { type: 'RollingUpdate' }, template: template() },
      want: { updateStrategy: { type: 'RollingUpdate' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const spec = defaulted(c.kind, c.spec);
      expect(spec).toMatchObject(c.want);
      expect(spec['template'].spec).toEqual(TEMPLATE_SPEC);
    });
  }

  it('statefulset claim templates', () => {
    const spec = defaulted('StatefulSet', {
      template: template(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    });
    expect(spec['volumeClaimTemplates']).toEqual([
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ]);
  });
});
