import { describe, expect, it } from 'vitest';
import { normalizeImageRef } from './reference.ts';

describe('normalizeImageRef', () => {
  it.each([
    { name: 'bare name', in: 'busybox', out: 'docker.io/library/busybox:latest' },
    { name: 'name with tag', in: 'busybox:1.36', out: 'docker.io/library/busybox:1.36' },
    { name: 'user repo', in: 'foo/bar', out: 'docker.io/foo/bar:latest' },
    { name: 'docker.io short', in: 'docker.io/nginx', out: 'docker.io/library/nginx:latest' },
    { name: 'other registry', in: 'registry.k8s.io/pause:3.10', out: 'registry.k8s.io/pause:3.10' },
    { name: 'registry with port', in: 'localhost:5000/app', out: 'localhost:5000/app:latest' },
    { name: 'digest kept', in: 'busybox@sha256:abc', out: 'docker.io/library/busybox@sha256:abc' },
  ])('$name', (c) => expect(normalizeImageRef(c.in)).toBe(c.out));
});
