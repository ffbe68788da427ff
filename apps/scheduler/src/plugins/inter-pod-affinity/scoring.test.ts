import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type NodeScore } from '../../framework/types.ts';
import { factory, type InterPodAffinity } from './index.ts';
import { affinity, HOSTNAME, snapshotHandle, term, ZONE } from './testing.ts';

const nodes = [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('b2', { labels: { [ZONE]: 'b' } }),
];

const db = (name: string, node: string) => makePod(name, { node, labels: { app: 'db' } });
const web = (name: string, node: string) => makePod(name, { node, labels: { app: 'web' } });

describe('InterPodAffinity score', () => {
  const cases: {
    name: string;
    pods: Pod[];
    pod: Pod;
    args?: Record<string, unknown>;
    pre?: string;
    raw?: Record<string, number>;
    want?: Record<string, number>;
  }[] = [
    { name: 'no terms anywhere: skipped', pods: [db('d', 'a1')], pod: makePod('p'), pre: 'Skip' },
    {
      name: 'preferred affinity pulls towards the zone of matching pods',
      pods: [db('d', 'a1')],
      pod: makePod('p', { spec: affinity({ preferred: [[5, term(ZONE, { app: 'db' })]] }) }),
      raw: { a1: 5, a2: 5, b1: 0, b2: 0 },
      want: { a1: 100, a2: 100, b1: 0, b2: 0 },
    },
    {
      name: 'preferred anti-affinity pushes away, counted per matching pod',
      pods: [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')],
      pod: makePod('p', { spec: affinity({ preferredAnti: [[3, term(ZONE, { app: 'web' })]] }) }),
      raw: { a1: -6, a2: -6, b1: -3, b2: -3 },
      want: { a1: 0, a2: 0, b1: 100, b2: 100 },
    },
    {
      name: 'affinity and anti-affinity over different keys add up; truncated on normalizing',
      pods: [db('d', 'a1'), web('w', 'a2'), web('w2', 'b1')],
      pod: makePod('p', { spec: affinity({ preferred: [[5, term(ZONE, { app: 'db' })]], preferredAnti: [[2, term(HOSTNAME, { app: 'web' })]] }) }),
      raw: { a1: 5, a2: 3, b1: -2, b2: 0 },
      // (3 - -2) / 7 * 100 = 71.4…, (0 - -2) / 7 * 100 = 28.5…
      want: { a1: 100, a2: 71, b1: 0, b2: 28 },
    },
    {
      name: "a running pod's required affinity weighs hardPodAffinityWeight",
      pods: [makePod('e', { node: 'b2', spec: affinity({ affinity: [term(HOSTNAME, { app: 'web' })] }) })],
      pod: makePod('p', { labels: { app: 'web' } }),
      raw: { a1: 0, a2: 0, b1: 0, b2: 1 },
      want: { a1: 0, a2: 0, b1: 0, b2: 100 },
    },
    {
      name: 'hardPodAffinityWeight 0 ignores running pods’ required affinity',
      pods: [makePod('e', { node: 'b2', spec: affinity({ affinity: [term(HOSTNAME, { app: 'web' })] }) })],
      pod: makePod('p', { labels: { app: 'web' } }),
      args: { hardPodAffinityWeight: 0 },
      pre: 'Skip',
    },
    {
      name: "a running pod's preferences towards the incoming pod count",
      pods: [
        makePod('e', { node: 'a1', spec: affinity({ preferred: [[7, term(ZONE, { app: 'web' })]] }) }),
        makePod('f', { node: 'b1', spec: affinity({ preferredAnti: [[4, term(ZONE, { app: 'web' })]] }) }),
      ],
      pod: makePod('p', { labels: { app: 'web' } }),
      raw: { a1: 7, a2: 7, b1: -4, b2: -4 },
      want: { a1: 100, a2: 100, b1: 0, b2: 0 },
    },
    {
      name: 'ignorePreferredTermsOfExistingPods: skipped when the pod has no preferences',
      pods: [makePod('e', { node: 'a1', spec: affinity({ preferred: [[7, term(ZONE, { app: 'web' })]] }) })],
      pod: makePod('p', { labels: { app: 'web' } }),
      args: { ignorePreferredTermsOfExistingPods: true },
      pre: 'Skip',
    },
    {
      name: 'ignorePreferredTermsOfExistingPods: still counted when the pod has preferences',
      pods: [makePod('e', { node: 'a1', labels: { app: 'db' }, spec: affinity({ preferred: [[7, term(ZONE, { app: 'web' })]] }) })],
      pod: makePod('p', { labels: { app: 'web' }, spec: affinity({ preferred: [[1, term(HOSTNAME, { app: 'db' })]] }) }),
      args: { ignorePreferredTermsOfExistingPods: true },
      raw: { a1: 8, a2: 7, b1: 0, b2: 0 },
      want: { a1: 100, a2: 87, b1: 0, b2: 0 },
    },
    {
      name: 'pods of other namespaces are not matched',
      pods: [makePod('d', { node: 'a1', namespace: 'other', labels: { app: 'db' } })],
      pod: makePod('p', { spec: affinity({ preferred: [[5, term(ZONE, { app: 'db' })]] }) }),
      pre: 'Skip',
    },
    {
      name: 'equal raw scores normalize to 0',
      pods: [db('d', 'a1'), db('e', 'b1')],
      pod: makePod('p', { spec: affinity({ preferred: [[5, term(ZONE, { app: 'db' })]] }) }),
      raw: { a1: 5, a2: 5, b1: 5, b2: 5 },
      want: { a1: 0, a2: 0, b1: 0, b2: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const handle = snapshotHandle(nodes, c.pods);
      const plugin = factory(c.args, handle) as InterPodAffinity;
      const state = new CycleState();
      const infos = handle.snapshot().nodeInfos;
      const status = plugin.preScore(state, c.pod);
      expect(status.code).toBe(c.pre ?? 'Success');
      if (status.code !== 'Success') return;
      const scores: NodeScore[] = infos.map((ni) => ({ name: ni.name, score: plugin.score(state, c.pod, ni) }));
      expect(Object.fromEntries(scores.map((s) => [s.name, s.score]))).toEqual(c.raw);
      expect(plugin.normalizeScore(state, c.pod, scores)).toEqual({ code: 'Success' });
      expect(Object.fromEntries(scores.map((s) => [s.name, s.score]))).toEqual(c.want);
    });
  }

  it('throws from Score when PreScore did not run', () => {
    const handle = snapshotHandle(nodes, []);
    const plugin = factory(undefined, handle) as InterPodAffinity;
    expect(() => plugin.score(new CycleState(), makePod('p'), handle.snapshot().nodeInfos[0]!)).toThrow(
      'failed to read "PreScoreInterPodAffinity" from cycleState: not found',
    );
  });
});
