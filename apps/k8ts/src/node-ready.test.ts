import { describe, expect, it } from 'vitest';
import { readiness, waitNodeReady } from './node-ready.ts';

const node = (status?: string, reason?: string, message?: string) => ({
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, ...(status ? [{ type: 'Ready', status, reason, message }] : [])] },
});

describe('readiness', () => {
  it.each([
    { name: 'absent', node: undefined, want: 'not registered yet' },
    { name: 'no Ready condition', node: node(), want: 'no Ready condition yet' },
    { name: 'Ready=True', node: node('True', 'KubeletReady'), want: true },
    { name: 'Ready=False with reason', node: node('False', 'KubeletNotReady', 'container runtime network not ready'), want: 'Ready=False (KubeletNotReady: container runtime network not ready)' },
    { name: 'Ready=Unknown', node: node('Unknown'), want: 'Ready=Unknown' },
  ])('$name', ({ node, want }) => expect(readiness(node)).toEqual(want));
});

/** Answers each GET with the next scripted response; the last one repeats. */
function scripted(...answers: (number | object)[]) {
  const urls: string[] = [];
  const f = (async (url: string) => {
    urls.push(url);
    const a = answers.length > 1 ? answers.shift()! : answers[0]!;
    return typeof a === 'number' ? new Response('{}', { status: a }) : Response.json(a);
  }) as unknown as typeof fetch;
  return { f, urls };
}

describe('waitNodeReady', () => {
  const base = { server: 'http://127.0.0.1:1', name: 'k8ts-node-0', log: '/s/logs/kubelet-k8ts-node-0.log', intervalMs: 1 };

  it('polls the Node until Ready=True', async () => {
    const { f, urls } = scripted(404, node('False', 'KubeletNotReady'), node('True'));
    await waitNodeReady({ ...base, timeoutMs: 5_000, fetch: f });
    expect(urls).toEqual(Array(3).fill('http://127.0.0.1:1/api/v1/nodes/k8ts-node-0'));
  });

  it.each([
    { name: 'never registered', answers: [404], want: 'node k8ts-node-0 is not Ready after 0s (not registered yet); see /s/logs/kubelet-k8ts-node-0.log' },
    { name: 'stuck NotReady', answers: [node('False', 'KubeletNotReady', 'PLEG is not healthy')], want: 'node k8ts-node-0 is not Ready after 0s (Ready=False (KubeletNotReady: PLEG is not healthy)); see /s/logs/kubelet-k8ts-node-0.log' },
    { name: 'API server failing', answers: [503], want: 'node k8ts-node-0 is not Ready after 0s (HTTP 503 from the API server); see /s/logs/kubelet-k8ts-node-0.log' },
  ])('times out naming the node, the last answer and the log: $name', async ({ answers, want }) => {
    await expect(waitNodeReady({ ...base, timeoutMs: 20, fetch: scripted(...answers).f })).rejects.toThrow(want);
  });

  it('fails at once when the kubelet exits', async () => {
    const exited = Promise.resolve({ code: 1, signal: null });
    await expect(waitNodeReady({ ...base, timeoutMs: 60_000, fetch: scripted(404).f, exited })).rejects.toThrow(
      'the kubelet of k8ts-node-0 exited (code 1) before the node was Ready; see /s/logs/kubelet-k8ts-node-0.log',
    );
  });
});
