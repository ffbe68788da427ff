import { describe, expect, it } from 'vitest';
import { applyDefaults } from './index.ts';

const TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

const CONTAINER_DEFAULTS = { resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata, spec };
  applyDefaults('Pod', obj);
  return obj.spec as Record<string, any>;
}

describe('Pod defaults', () => {
  it('a bare pod reads back as `kubectl run` shows it', () => {
    expect(pod({ containers: [{ name: 'c', image: 'nginx' }] })).toEqual({
      containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Always', ...CONTAINER_DEFAULTS }],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: TOLERATIONS,
    });
  });

  const pullPolicies: { name: string; image: string; policy?: string; want: string }[] = [
    { name: 'no tag pulls latest', image: 'nginx', want: 'Always' },
    { name: 'latest tag', image: 'nginx:latest', want: 'Always' },
    { name: 'pinned tag', image: 'nginx:1.27', want: 'IfNotPresent' },
    { name: 'registry with port, no tag', image: 'localhost:5000/app', want: 'Always' },
    { name: 'registry with port and tag', image: 'localhost:5000/app:v1', want: 'IfNotPresent' },
    { name: 'digest only', image: `busybox@sha256:${'a'.repeat(64)}`, want: 'IfNotPresent' },
    { name: 'tag and digest', image: `busybox:latest@sha256:${'a'.repeat(64)}`, want: 'Always' },
    { name: 'unparseable', image: 'Nginx', want: 'IfNotPresent' },
    { name: 'explicit policy kept', image: 'nginx', policy: 'Never', want: 'Never' },
  ];
  for (const c of pullPolicies) {
    it(`imagePullPolicy: ${c.name}`, () => {
      const spec = pod({ containers: [{ name: 'c', image: c.image, ...(c.policy ? { imagePullPolicy: c.policy } : {}) }] });
      expect(spec['containers'][0].imagePullPolicy).toBe(c.want);
    });
  }

  const cases: { name: string; spec: Record<string, unknown>; check: (s: Record<string, any>) => void }[] = [
    {
      name: 'ports, env fieldRef, probes and hooks',
      spec: {
        containers: [{
          name: 'c', image: 'x:1',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { grpc: { port: 9 }, periodSeconds: 5 },
          lifecycle: { preStop: { httpGet: { port: 8080, path: '/stop' } } },
        }],
      },
      check: (s) => {
        const c = s['containers'][0];
        expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
        expect(c.env[0].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
        expect(c.livenessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
        expect(c.readinessProbe).toEqual({ grpc: { port: 9, service: '' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
        expect(c.lifecycle.preStop.httpGet).toEqual({ port: 8080, path: '/stop', scheme: 'HTTP' });
      },
    },
    {
      name: 'init containers too',
      spec: { initContainers: [{ name: 'i', image: 'busybox:1' }], containers: [{ name: 'c', image: 'x:1' }] },
      check: (s) => expect(s['initContainers'][0]).toEqual({ name: 'i', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', ...CONTAINER_DEFAULTS }),
    },
    {
      name: 'volumes',
      spec: {
        containers: [{ name: 'c', image: 'x:1' }],
        volumes: [
          { name: 'scratch' },
          { name: 'cm', configMap: { name: 'cm' } },
          { name: 's', secret: { secretName: 's', defaultMode: 256 } },
          { name: 'h', hostPath: { path: '/tmp' } },
          { name: 'd', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
          { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        ],
      },
      check: (s) =>
        expect(s['volumes']).toEqual([
          { name: 'scratch', emptyDir: {} },
          { name: 'cm', configMap: { name: 'cm', defaultMode: 420 } },
          { name: 's', secret: { secretName: 's', defaultMode: 256 } },
          { name: 'h', hostPath: { path: '/tmp', type: '' } },
          { name: 'd', downwardAPI: { defaultMode: 420, items: [{ path: 'n', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } },
          { name: 'p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
        ]),
    },
    {
      name: 'requests default to limits, quantities canonical',
      spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '0.5', memory: '1.5Gi' }, requests: { cpu: '0.0001' } } }] },
      check: (s) => expect(s['containers'][0].resources).toEqual({ limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '1m', memory: '1536Mi' } }),
    },
    {
      name: 'host network publishes container ports',
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 53, protocol: 'UDP' }] }] },
      check: (s) => expect(s['containers'][0].ports).toEqual([{ containerPort: 53, protocol: 'UDP', hostPort: 53 }]),
    },
    {
      name: 'explicit values are kept',
      spec: {
        containers: [{ name: 'c', image: 'x:1' }],
        restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0, enableServiceLinks: false, schedulerName: 'other', serviceAccountName: 'builder',
      },
      check: (s) => {
        expect(s).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0, enableServiceLinks: false, schedulerName: 'other' });
        expect([s['serviceAccountName'], s['serviceAccount']]).toEqual(['builder', 'builder']);
      },
    },
    {
      name: 'deprecated serviceAccount names the account',
      spec: { containers: [{ name: 'c', image: 'x:1' }], serviceAccount: 'old' },
      check: (s) => expect([s['serviceAccountName'], s['serviceAccount']]).toEqual(['old', 'old']),
    },
    {
      name: 'a wildcard NoExecute toleration covers both',
      spec: { containers: [{ name: 'c', image: 'x:1' }], tolerations: [{ operator: 'Exists' }] },
      check: (s) => expect(s['tolerations']).toEqual([{ operator: 'Exists' }]),
    },
    {
      name: 'an existing not-ready toleration is kept, unreachable added',
      spec: { containers: [{ name: 'c', image: 'x:1' }], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] },
      check: (s) =>
        expect(s['tolerations']).toEqual([
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
          TOLERATIONS[1],
        ]),
    },
    {
      name: 'a NoSchedule toleration does not count',
      spec: { containers: [{ name: 'c', image: 'x:1' }], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] },
      check: (s) => expect(s['tolerations']).toHaveLength(3),
    },
  ];
  for (const c of cases) it(c.name, () => c.check(pod(c.spec)));

  it('mirror pods get no service account', () => {
    const s = pod({ containers: [{ name: 'c', image: 'x:1' }] }, { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'abc' } });
    expect(s['serviceAccountName']).toBeUndefined();
  });

  it('toleration seconds are configurable', () => {
    const obj = { spec: { containers: [] } } as Record<string, any>;
    applyDefaults('Pod', obj, { defaultTolerationSeconds: 30 });
    expect(obj['spec'].tolerations.map((t: { tolerationSeconds: number }) => t.tolerationSeconds)).toEqual([30, 30]);
  });

  it('is idempotent', () => {
    const once = pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v' }] });
    const twice = structuredClone(once);
    applyDefaults('Pod', { spec: twice });
    expect(twice).toEqual(once);
  });
});
