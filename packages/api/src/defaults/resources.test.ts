import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, imageTag } from './image.ts';
import { canonicalQuantity } from './resources.ts';

describe('canonicalQuantity', () => {
  const cases: { name: string; in: unknown; want: unknown }[] = [
    { name: 'fraction of a core', in: '0.5', want: '500m' },
    { name: 'below a milli rounds up', in: '0.0001', want: '1m' },
    { name: 'milli kept', in: '250m', want: '250m' },
    { name: 'whole cores', in: '2', want: '2' },
    { name: 'trailing zeros fold into a suffix', in: '1000M', want: '1G' },
    { name: 'binary fraction', in: '1.5Gi', want: '1536Mi' },
    { name: 'binary not a multiple', in: '1.5Ki', want: '1536' },
    { name: 'binary kept', in: '128Mi', want: '128Mi' },
    { name: 'json number', in: 1000000000, want: '1G' },
    { name: 'exponent form kept', in: '1e3', want: '1e3' },
    { name: 'invalid left for validation', in: 'lots', want: 'lots' },
    { name: 'non-quantity left alone', in: { a: 1 }, want: { a: 1 } },
  ];
  for (const c of cases) it(c.name, () => expect(canonicalQuantity(c.in)).toEqual(c.want));
});

describe('image references', () => {
  const cases: { name: string; image: string; tag: string; policy: string }[] = [
    { name: 'short name', image: 'nginx', tag: 'latest', policy: 'Always' },
    { name: 'library path', image: 'docker.io/library/nginx:1.27-alpine', tag: '1.27-alpine', policy: 'IfNotPresent' },
    { name: 'registry port', image: 'registry.local:5000/team/app', tag: 'latest', policy: 'Always' },
    { name: 'digest', image: `app@sha256:${'0'.repeat(64)}`, tag: '', policy: 'IfNotPresent' },
    { name: 'uppercase repository', image: 'Team/App', tag: '', policy: 'IfNotPresent' },
    { name: 'empty', image: '', tag: '', policy: 'IfNotPresent' },
    { name: 'dangling colon', image: 'nginx:', tag: '', policy: 'IfNotPresent' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(imageTag(c.image)).toBe(c.tag);
      expect(defaultPullPolicy(c.image)).toBe(c.policy);
    });
  }
});
