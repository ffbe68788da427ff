import { describe, expect, it } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from './index.ts';
import { container, lines, podSpec } from './testutil.ts';

const pod = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec: podSpec(spec),
});

describe('Pod create', () => {
  it.each([
    { name: 'valid pod', obj: pod({ restartPolicy: 'Never', volumes: [{ name: 'v', emptyDir: {} }], containers: [container({ volumeMounts: [{ name: 'v', mountPath: '/d' }], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1' } } })] }), want: [] },
    { name: 'generated name', obj: { metadata: { generateName: 'web-', name: 'web-x7k2p' }, spec: podSpec() }, want: [] },
    { name: 'bad generateName', obj: { metadata: { generateName: 'Web-', name: 'web-x' }, spec: podSpec() }, want: [expect.stringMatching(/^metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain/) as unknown as string] },
    { name: 'name missing', obj: { metadata: {}, spec: podSpec() }, want: ['metadata.name: Required value: name or generateName is required'] },
    { name: 'no containers', obj: pod({ containers: [] }), want: ['spec.containers: Required value'] },
    { name: 'image missing', obj: pod({ containers: [{ name: 'a' }] }), want: ['spec.containers[0].image: Required value'] },
    { name: 'duplicate across init and app', obj: pod({ initContainers: [container()] }), want: ['spec.containers[0].name: Duplicate value: "app"'] },
    { name: 'bad restart policy', obj: pod({ restartPolicy: 'Sometimes' }), want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
    { name: 'bad dns policy', obj: pod({ dnsPolicy: 'Google' }), want: ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"'] },
    { name: 'port out of range', obj: pod({ containers: [container({ ports: [{ containerPort: 70000, protocol: 'TCP' }] })] }), want: ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
    { name: 'bad protocol', obj: pod({ containers: [container({ ports: [{ containerPort: 80, protocol: 'HTTP' }] })] }), want: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
    { name: 'duplicate port names', obj: pod({ containers: [container({ ports: [{ name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }] })] }), want: ['spec.containers[0].ports[1].name: Duplicate value: "web"'] },
    { name: 'request above limit', obj: pod({ containers: [container({ resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } })] }), want: ['spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 500m'] },
    { name: 'bad quantity', obj: pod({ containers: [container({ resources: { limits: { memory: '1GB' } } })] }), want: ["spec.containers[0].resources.limits[memory]: Invalid value: \"1GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"] },
    { name: 'mount of unknown volume', obj: pod({ containers: [container({ volumeMounts: [{ name: 'x', mountPath: '/x' }] })] }), want: ['spec.containers[0].volumeMounts[0].name: Not found: "x"'] },
    { name: 'volume without source', obj: pod({ volumes: [{ name: 'v' }] }), want: ['spec.volumes[0]: Required value: must specify a volume type'] },
    { name: 'volume with two sources', obj: pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/' } }] }), want: ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type'] },
    { name: 'duplicate volumes', obj: pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }), want: ['spec.volumes[1].name: Duplicate value: "v"'] },
    { name: 'probe without handler', obj: pod({ containers: [container({ livenessProbe: { periodSeconds: 5 } })] }), want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type'] },
    { name: 'liveness success threshold', obj: pod({ containers: [container({ livenessProbe: { httpGet: { port: 80 }, successThreshold: 2 } })] }), want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'] },
    { name: 'negative grace period', obj: pod({ terminationGracePeriodSeconds: -1 }), want: ['spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'zero active deadline', obj: pod({ activeDeadlineSeconds: 0 }), want: ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'] },
    { name: 'toleration operator', obj: pod({ tolerations: [{ key: 'k', operator: 'Is' }] }), want: ['spec.tolerations[0].operator: Unsupported value: "Is": supported values: "Equal", "Exists"'] },
    { name: 'toleration effect', obj: pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'Never' }] }), want: ['spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'] },
    { name: 'env name', obj: pod({ containers: [container({ env: [{ name: '1X', value: 'v' }] })] }), want: ["spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"] },
    { name: 'too many finalizers conflicts', obj: pod({}, { finalizers: ['orphan', 'foregroundDeletion'] }), want: ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set'] },
    { name: 'two controllers', obj: pod({}, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true }] }), want: [expect.stringContaining('metadata.ownerReferences: Invalid value: ') as unknown as string] },
    { name: 'owner without uid', obj: pod({}, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a' }] }), want: ['metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'] },
    { name: 'annotations too large', obj: pod({}, { annotations: { a: 'x'.repeat(256 * 1024) } }), want: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
  ])('$name', (c) => {
    expect(lines(validateCreate('Pod', c.obj))).toEqual(c.want);
  });

  it('reports the label selector message with the label name', () => {
    expect(lines(validateCreate('Pod', pod({ nodeSelector: { 'bad key!': 'v' } })))).toMatchInlineSnapshot(`
      [
        "spec.nodeSelector: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ]
    `);
  });
});

describe('Pod update', () => {
  const old = pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] }, { uid: 'u1', resourceVersion: '5' });
  const FORBIDDEN = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
  it.each([
    { name: 'image change allowed', obj: pod({ activeDeadlineSeconds: 100, tolerations: old.spec['tolerations' as never], containers: [container({ image: 'nginx:2' })] }, { uid: 'u1' }), want: [] },
    { name: 'toleration added', obj: pod({ activeDeadlineSeconds: 50, tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] }, { uid: 'u1' }), want: [] },
    { name: 'port change forbidden', obj: pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }], containers: [container({ ports: [{ containerPort: 80 }] })] }, { uid: 'u1' }), want: [FORBIDDEN] },
    { name: 'deadline raised', obj: pod({ activeDeadlineSeconds: 200, tolerations: [{ key: 'a', operator: 'Exists' }] }, { uid: 'u1' }), want: ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value'] },
    { name: 'uid changed', obj: pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] }, { uid: 'u2' }), want: ['metadata.uid: Invalid value: "u2": field is immutable'] },
    { name: 'name changed', obj: pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] }, { uid: 'u1', name: 'q' }), want: ['metadata.name: Invalid value: "q": field is immutable'] },
  ])('$name', (c) => {
    expect(lines(validateUpdate('Pod', c.obj, old))).toEqual(c.want);
  });

  it.each([
    { name: 'phase ok', status: { phase: 'Running' }, want: [] },
    { name: 'bad phase', status: { phase: 'Done' }, want: ['status.phase: Unsupported value: "Done": supported values: "Pending", "Running", "Succeeded", "Failed", "Unknown"'] },
  ])('status: $name', (c) => {
    expect(lines(validateStatusUpdate('Pod', { ...old, status: c.status }, old))).toEqual(c.want);
  });
});
