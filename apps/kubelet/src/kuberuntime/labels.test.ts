import type { Container } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { formatPod, hashContainer, sandboxLabels, stableKey } from './labels.ts';
import { makePod } from './testing.ts';

const base: Container = { name: 'app', image: 'busybox:1.36', command: ['sleep', '1'] };

describe('hashContainer', () => {
  const cases: { name: string; other: Container; same: boolean }[] = [
    { name: 'identical spec', other: { ...base }, same: true },
    { name: 'command change keeps the hash', other: { ...base, command: ['sleep', '2'] }, same: true },
    { name: 'env change keeps the hash', other: { ...base, env: [{ name: 'A', value: '1' }] }, same: true },
    { name: 'image change', other: { ...base, image: 'busybox:1.37' }, same: false },
    { name: 'name change', other: { ...base, name: 'app2' }, same: false },
  ];
  it.each(cases)('$name', ({ other, same }) => {
    expect(hashContainer(other) === hashContainer(base)).toBe(same);
  });

  it('is lower-case hex', () => expect(hashContainer(base)).toMatch(/^[0-9a-f]{1,8}$/));
});

describe('pod naming', () => {
  const pod = makePod({}, { name: 'web', namespace: 'shop', uid: 'u-9', labels: { 'io.kubernetes.pod.name': 'spoof', app: 'web' } });
  it('formatPod is name_namespace(uid)', () => expect(formatPod(pod)).toBe('web_shop(u-9)'));
  it('stableKey joins pod, container and hash', () => expect(stableKey(pod, base)).toBe(`web_shop_u-9_app_${hashContainer(base)}`));
  it('kubelet labels win over pod labels of the same name', () => {
    expect(sandboxLabels(pod)).toEqual({
      app: 'web',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.uid': 'u-9',
    });
  });
});
