import { describe, expect, it } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from './index.ts';
import { lines, template } from './testutil.ts';

const workload = (kind: string, spec: Record<string, unknown>, name = 'web') => ({ kind, metadata: { name, namespace: 'default', uid: 'u' }, spec });
const appSpec = (over: Record<string, unknown> = {}) => ({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }), ...over });

describe('workload create', () => {
  it.each([
    { name: 'deployment ok', kind: 'Deployment', spec: appSpec({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }), want: [] },
    { name: 'negative replicas', kind: 'Deployment', spec: appSpec({ replicas: -1 }), want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'selector missing', kind: 'Deployment', spec: { template: template({ app: 'web' }) }, want: ['spec.selector: Required value'] },
    { name: 'empty selector', kind: 'ReplicaSet', spec: appSpec({ selector: {} }), want: ['spec.selector: Invalid value: map[string]string{}: empty selector is invalid for replicaset'] },
    { name: 'selector mismatch', kind: 'Deployment', spec: appSpec({ template: template({ app: 'api' }) }), want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`'] },
    { name: 'workload restart policy', kind: 'DaemonSet', spec: appSpec({ template: template({ app: 'web' }, { restartPolicy: 'Never' }) }), want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
    { name: 'template container name', kind: 'ReplicaSet', spec: appSpec({ template: template({ app: 'web' }, { containers: [{ name: 'Web', image: 'x' }] }) }), want: [expect.stringMatching(/^spec.template.spec.containers\[0\].name: Invalid value: "Web": a lowercase RFC 1123 label/) as unknown as string] },
    { name: 'both zero', kind: 'Deployment', spec: appSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'] },
    { name: 'bad percent', kind: 'Deployment', spec: appSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots' } } }), want: ["spec.strategy.rollingUpdate.maxSurge: Invalid value: \"lots\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"] },
    { name: 'recreate with rollingUpdate', kind: 'Deployment', spec: appSpec({ strategy: { type: 'Recreate', rollingUpdate: {} } }), want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"] },
    { name: 'bad strategy', kind: 'Deployment', spec: appSpec({ strategy: { type: 'BlueGreen' } }), want: ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"'] },
    { name: 'statefulset storage', kind: 'StatefulSet', spec: appSpec({ serviceName: 'web', volumeClaimTemplates: [{ metadata: { name: 'data' } }] }), want: ['spec.volumeClaimTemplates: Forbidden: storage is not supported by this cluster: persistent volume claims cannot be provisioned'] },
    { name: 'statefulset policy', kind: 'StatefulSet', spec: appSpec({ podManagementPolicy: 'Random' }), want: ['spec.podManagementPolicy: Unsupported value: "Random": supported values: "OrderedReady", "Parallel"'] },
    { name: 'job ok', kind: 'Job', spec: { template: template({}, { restartPolicy: 'Never' }), backoffLimit: 4 }, want: [] },
    { name: 'job default restart policy', kind: 'Job', spec: { template: template({}) }, want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
    { name: 'job always', kind: 'Job', spec: { template: template({}, { restartPolicy: 'Always' }) }, want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
    { name: 'job negative counts', kind: 'Job', spec: { template: template({}, { restartPolicy: 'Never' }), completions: -1, parallelism: -2 }, want: ['spec.parallelism: Invalid value: -2: must be greater than or equal to 0', 'spec.completions: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'cronjob ok', kind: 'CronJob', spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: [] },
    { name: 'cronjob macro', kind: 'CronJob', spec: { schedule: '@hourly', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: [] },
    { name: 'cronjob no schedule', kind: 'CronJob', spec: { jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: ['spec.schedule: Required value'] },
    { name: 'cronjob bad schedule', kind: 'CronJob', spec: { schedule: 'every minute', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]'] },
    { name: 'cronjob with a time zone', kind: 'CronJob', spec: { schedule: '0 3 * * *', timeZone: 'Europe/Paris', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: [] },
    { name: 'cronjob unknown time zone', kind: 'CronJob', spec: { schedule: '0 3 * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'] },
    { name: 'cronjob out of range', kind: 'CronJob', spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } }, want: ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'] },
    { name: 'cronjob job template', kind: 'CronJob', spec: { schedule: '@daily', jobTemplate: { spec: { template: template({}) } } }, want: ['spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
  ])('$name', (c) => {
    expect(lines(validateCreate(c.kind, workload(c.kind, c.spec)))).toEqual(c.want);
  });

  it('limits CronJob names to 52 characters', () => {
    const cj = workload('CronJob', { schedule: '@daily', jobTemplate: { spec: { template: template({}, { restartPolicy: 'Never' }) } } }, 'c'.repeat(53));
    expect(lines(validateCreate('CronJob', cj))).toEqual([`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`]);
  });
});

describe('workload update', () => {
  it.each([
    { name: 'deployment scale', kind: 'Deployment', old: appSpec({ replicas: 1 }), now: appSpec({ replicas: 5 }), want: [] },
    { name: 'deployment selector', kind: 'Deployment', old: appSpec(), now: appSpec({ selector: { matchLabels: { app: 'web', v: '2' } }, template: template({ app: 'web', v: '2' }) }), want: ['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable'] },
    { name: 'statefulset template', kind: 'StatefulSet', old: appSpec({ serviceName: 'a' }), now: appSpec({ serviceName: 'a', replicas: 3 }), want: [] },
    { name: 'statefulset serviceName', kind: 'StatefulSet', old: appSpec({ serviceName: 'a' }), now: appSpec({ serviceName: 'b' }), want: ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"] },
    { name: 'job template', kind: 'Job', old: { template: template({}, { restartPolicy: 'Never' }) }, now: { template: template({ x: 'y' }, { restartPolicy: 'Never' }) }, want: [expect.stringMatching(/^spec.template: Invalid value: .*: field is immutable$/) as unknown as string] },
  ])('$name', (c) => {
    expect(lines(validateUpdate(c.kind, workload(c.kind, c.now), workload(c.kind, c.old)))).toEqual(c.want);
  });

  it('rejects negative status counters', () => {
    const d = workload('Deployment', appSpec());
    expect(lines(validateStatusUpdate('Deployment', { ...d, status: { replicas: -1 } }, d))).toEqual(['status.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });
});
