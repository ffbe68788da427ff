import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { T0, at } from './fixtures.ts';
import { mergeStatus, podStatusEqual } from './merge.ts';

const NOW = new Date(T0 + 100_000);
const c = (type: string, status: 'True' | 'False', time = at(0), more: Partial<PodCondition> = {}): PodCondition =>
  ({ type, status, lastTransitionTime: time, ...more });

const running: PodStatus = {
  phase: 'Running',
  conditions: [c('Initialized', 'True'), c('Ready', 'True'), c('ContainersReady', 'True'), c('PodScheduled', 'True')],
  startTime: at(1),
  containerStatuses: [{ name: 'c', image: 'busybox', imageID: 'x', ready: true, restartCount: 0, state: { running: { startedAt: at(3) } } }],
};

describe('podStatusEqual', () => {
  const cases: { name: string; b: PodStatus; want: boolean }[] = [
    { name: 'identical', b: structuredClone(running), want: true },
    {
      name: 'only condition times differ',
      b: { ...running, conditions: running.conditions!.map((x) => ({ ...x, lastTransitionTime: at(50), lastProbeTime: at(50) })) },
      want: true,
    },
    {
      name: 'a condition not owned by the kubelet differs',
      b: { ...running, conditions: [...running.conditions!, c('example.com/gate', 'False')] },
      want: true,
    },
    { name: 'undefined equals missing', b: { ...running, reason: undefined }, want: true },
    { name: 'a condition status differs', b: { ...running, conditions: [c('Initialized', 'True'), c('Ready', 'False'), c('ContainersReady', 'True'), c('PodScheduled', 'True')] }, want: false },
    {
      name: 'a condition message differs',
      b: { ...running, conditions: [c('Initialized', 'True'), c('Ready', 'True', at(0), { message: 'x' }), c('ContainersReady', 'True'), c('PodScheduled', 'True')] },
      want: false,
    },
    { name: 'a kubelet condition is added', b: { ...running, conditions: [...running.conditions!, c('PodReadyToStartContainers', 'True')] }, want: false },
    { name: 'DisruptionTarget is added', b: { ...running, conditions: [...running.conditions!, c('DisruptionTarget', 'True')] }, want: false },
    { name: 'the phase differs', b: { ...running, phase: 'Succeeded' }, want: false },
    { name: 'a restart count differs', b: { ...running, containerStatuses: [{ ...running.containerStatuses![0]!, restartCount: 1 }] }, want: false },
    { name: 'a container start time differs', b: { ...running, containerStatuses: [{ ...running.containerStatuses![0]!, state: { running: { startedAt: at(4) } } }] }, want: false },
  ];
  it.each(cases)('$name', ({ b, want }) => {
    expect(podStatusEqual(running, b)).toBe(want);
  });
});

describe('mergeStatus', () => {
  const cases: { name: string; old: PodStatus; next: PodStatus; couldHaveRunningContainers?: boolean; want: PodStatus }[] = [
    {
      name: 'unchanged conditions keep their time, changed ones move to now',
      old: running,
      next: { ...running, conditions: [c('Initialized', 'True', at(90)), c('Ready', 'False', undefined, { reason: 'ContainersNotReady' }), c('ContainersReady', 'False'), c('PodScheduled', 'True')] },
      want: {
        conditions: [
          c('Initialized', 'True', at(0)),
          c('Ready', 'False', at(100), { reason: 'ContainersNotReady' }),
          c('ContainersReady', 'False', at(100)),
          c('PodScheduled', 'True', at(0)),
        ],
      },
    },
    {
      name: 'conditions the kubelet does not own are carried over first',
      old: { ...running, conditions: [c('example.com/gate', 'True', at(7)), ...running.conditions!] },
      next: running,
      want: { conditions: [c('example.com/gate', 'True', at(7)), ...running.conditions!] },
    },
    {
      name: 'a terminal phase is never left',
      old: { ...running, phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' },
      next: running,
      want: { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' },
    },
    {
      name: 'becoming terminal sets Ready and ContainersReady False',
      old: running,
      next: { ...running, phase: 'Succeeded' },
      want: {
        phase: 'Succeeded',
        conditions: [
          c('Initialized', 'True'), c('Ready', 'False', at(100), { reason: 'PodCompleted' }),
          c('ContainersReady', 'False', at(100), { reason: 'PodCompleted' }), c('PodScheduled', 'True'),
        ],
      },
    },
    {
      name: 'a terminal phase waits while containers may still run',
      old: running,
      next: { ...running, phase: 'Failed' },
      couldHaveRunningContainers: true,
      want: { phase: 'Running' },
    },
    {
      name: 'DisruptionTarget is published only with the terminal phase',
      old: running,
      next: { ...running, conditions: [...running.conditions!, c('DisruptionTarget', 'True', at(60), { reason: 'EvictionByEvictionAPI' })] },
      want: { conditions: running.conditions! },
    },
    {
      name: 'startTime is set once',
      old: { ...running, startTime: at(1) },
      next: { ...running, startTime: at(99) },
      want: { startTime: at(1) },
    },
    {
      name: 'startTime defaults to now',
      old: { phase: 'Pending' },
      next: { phase: 'Pending' },
      want: { startTime: at(100) },
    },
  ];
  it.each(cases)('$name', ({ old, next, couldHaveRunningContainers, want }) => {
    const opts = couldHaveRunningContainers === undefined ? {} : { couldHaveRunningContainers };
    const merged = mergeStatus(old, next, NOW, opts);
    expect(merged).toMatchObject(want);
    if (want.conditions) expect(merged.conditions).toEqual(want.conditions);
  });

  it('does not change its inputs', () => {
    const old = structuredClone(running);
    const next = { ...structuredClone(running), phase: 'Succeeded' };
    const frozen = [structuredClone(old), structuredClone(next)];
    mergeStatus(old, next, NOW);
    expect([old, next]).toEqual(frozen);
  });
});
