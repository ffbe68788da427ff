// Pull policy and image pulls against FakeRuntime's image service on a FakeClock: what a user
// reads in a container's waiting reason/message and in the pod's events.
import { FakeClock } from '@k8ts/client';
import { criError, FakeRuntime } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { ImagePuller, pullPolicyOf, type ImageResult } from './images.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('pullPolicyOf', () => {
  const cases: { name: string; container: Container; want: string }[] = [
    { name: 'no tag means latest: Always', container: { name: 'c', image: 'busybox' }, want: 'Always' },
    { name: ':latest: Always', container: { name: 'c', image: 'busybox:latest' }, want: 'Always' },
    { name: 'a version tag: IfNotPresent', container: { name: 'c', image: 'busybox:1.36' }, want: 'IfNotPresent' },
    { name: 'a digest: IfNotPresent', container: { name: 'c', image: `busybox@${DIGEST}` }, want: 'IfNotPresent' },
    { name: 'a registry port is not a tag', container: { name: 'c', image: 'localhost:5000/busybox' }, want: 'Always' },
    { name: 'registry port and tag', container: { name: 'c', image: 'localhost:5000/busybox:1.36' }, want: 'IfNotPresent' },
    { name: 'explicit Never wins over :latest', container: { name: 'c', image: 'busybox:latest', imagePullPolicy: 'Never' }, want: 'Never' },
    { name: 'explicit Always wins over a tag', container: { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Always' }, want: 'Always' },
    { name: 'explicit IfNotPresent wins over :latest', container: { name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent' }, want: 'IfNotPresent' },
    { name: 'an unknown policy falls back to the default', container: { name: 'c', image: 'busybox', imagePullPolicy: 'Sometimes' }, want: 'Always' },
  ];
  it.each(cases)('$name', ({ container, want }) => expect(pullPolicyOf(container)).toBe(want));
});

const pod = (uid = 'uid-1'): Pod => ({ metadata: { name: 'web', namespace: 'default', uid } });

function puller(o: { images?: string[]; pullable?: string[] } = {}) {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ clock, ...o });
  return { clock, runtime, puller: new ImagePuller(runtime, clock), pulls: () => runtime.callCount('pullImage') };
}

/** What the user sees of a result: the waiting reason and message, or the event. */
const seen = (r: ImageResult) =>
  r.ok ? { ok: true, event: `${r.event.type} ${r.event.reason}: ${r.event.message}` }
    : { reason: r.reason, message: r.message, event: r.event ? `${r.event.type} ${r.event.reason}: ${r.event.message}` : undefined };

const NOT_FOUND = (ref: string) => `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;

describe('ImagePuller.ensure', () => {
  const cases: { name: string; images?: string[]; pullable?: string[]; container: Container; want: ReturnType<typeof seen>; pulls: number }[] = [
    {
      name: 'present, IfNotPresent: used as it is',
      images: ['busybox:1.36'], container: { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' },
      want: { ok: true, event: 'Normal Pulled: Container image "busybox:1.36" already present on machine' }, pulls: 0,
    },
    {
      name: 'present, no policy and a version tag: used as it is',
      images: ['busybox:1.36'], container: { name: 'c', image: 'busybox:1.36' },
      want: { ok: true, event: 'Normal Pulled: Container image "busybox:1.36" already present on machine' }, pulls: 0,
    },
    {
      name: 'present, Never: used as it is',
      images: ['busybox:1.36'], container: { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Never' },
      want: { ok: true, event: 'Normal Pulled: Container image "busybox:1.36" already present on machine' }, pulls: 0,
    },
    {
      name: 'present, Always: pulled again',
      images: ['busybox:1.36'], container: { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Always' },
      want: { ok: true, event: 'Normal Pulled: Successfully pulled image "busybox:1.36"' }, pulls: 1,
    },
    {
      name: 'present, no tag (latest): pulled again',
      images: ['busybox'], container: { name: 'c', image: 'busybox' },
      want: { ok: true, event: 'Normal Pulled: Successfully pulled image "busybox"' }, pulls: 1,
    },
    {
      name: 'missing, Never: ErrImageNeverPull, no pull',
      container: { name: 'c', image: 'nginx:1.25', imagePullPolicy: 'Never' },
      want: {
        reason: 'ErrImageNeverPull', message: 'Container image "nginx:1.25" is not present with pull policy of Never',
        event: 'Warning ErrImageNeverPull: Container image "nginx:1.25" is not present with pull policy of Never',
      },
      pulls: 0,
    },
    {
      name: 'missing and pullable: pulled',
      pullable: ['nginx:1.25'], container: { name: 'c', image: 'nginx:1.25' },
      want: { ok: true, event: 'Normal Pulled: Successfully pulled image "nginx:1.25"' }, pulls: 1,
    },
    {
      name: "missing and not pullable: ErrImagePull with the runtime's error as Go prints it",
      container: { name: 'c', image: 'nginx:1.25' },
      want: {
        reason: 'ErrImagePull',
        message: `rpc error: code = Unknown desc = ${NOT_FOUND('docker.io/library/nginx:1.25')}`,
        event: `Warning Failed: Failed to pull image "nginx:1.25": rpc error: code = Unknown desc = ${NOT_FOUND('docker.io/library/nginx:1.25')}`,
      },
      pulls: 1,
    },
    {
      name: 'no image at all: InvalidImageName',
      container: { name: 'c', image: '' },
      want: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format', event: undefined },
      pulls: 0,
    },
  ];
  it.each(cases)('$name', async ({ images, pullable, container, want, pulls }) => {
    const h = puller({ ...(images ? { images } : {}), ...(pullable ? { pullable } : {}) });
    expect(seen(await h.puller.ensure(pod(), container))).toEqual(want);
    expect(h.pulls()).toBe(pulls);
  });

  it('a present image resolves to its image id', async () => {
    const h = puller({ images: ['busybox:1.36'] });
    const r = await h.puller.ensure(pod(), { name: 'c', image: 'busybox:1.36' });
    const id = (await h.runtime.imageStatus({ image: 'busybox:1.36' })).image?.id;
    expect(r).toMatchObject({ ok: true, imageRef: id });
    expect(id).toMatch(/^sha256:/);
  });
});

describe('ImagePuller: the Pulling announcement', () => {
  it('is made just before a pull, never for an image used as present', async () => {
    const h = puller({ images: ['busybox:1.36'] });
    const announced: string[] = [];
    h.puller.onPull = (p, image) => announced.push(`${p.metadata?.name}: ${image}`);
    await h.puller.ensure(pod(), { name: 'c', image: 'busybox:1.36' });
    expect(announced).toEqual([]);
    await h.puller.ensure(pod(), { name: 'c', image: 'nginx:1.25' });
    expect(announced).toEqual([`${pod().metadata?.name}: nginx:1.25`]);
  });
});

describe('ImagePuller back-off', () => {
  const missing: Container = { name: 'c', image: 'nginx:1.25' };

  it('after ErrImagePull, ImagePullBackOff until the back-off ends, doubling from 10 s to a 300 s cap', async () => {
    const h = puller();
    const attempts: number[] = [];
    const backoffs = new Set<string>();
    // The kubelet retries every second while a pull backs off.
    for (let s = 0; s <= 1000; s++) {
      const r = await h.puller.ensure(pod(), missing);
      if (!r.ok && r.reason === 'ErrImagePull') attempts.push(s);
      else if (!r.ok) backoffs.add(JSON.stringify(seen(r)));
      h.clock.step(1000);
    }
    expect(attempts).toEqual([0, 10, 30, 70, 150, 310, 610, 910]);
    expect(h.pulls()).toBe(attempts.length);
    expect([...backoffs].map((b) => JSON.parse(b))).toEqual([
      { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.25"', event: 'Normal BackOff: Back-off pulling image "nginx:1.25"' },
    ]);
  });

  it('the window is exact: backing off 1 ms before it ends, pulling when it ends', async () => {
    const h = puller();
    await h.puller.ensure(pod(), missing);
    h.clock.step(9_999);
    expect(await h.puller.ensure(pod(), missing)).toMatchObject({ reason: 'ImagePullBackOff' });
    h.clock.step(1);
    expect(await h.puller.ensure(pod(), missing)).toMatchObject({ reason: 'ErrImagePull' });
  });

  it('a successful pull clears the back-off: the next failure backs off 10 s again', async () => {
    const h = puller({ pullable: ['nginx:1.25'] });
    const always: Container = { ...missing, imagePullPolicy: 'Always' };
    const fail = () => h.runtime.failNext('pullImage', criError('Unavailable', 'registry unreachable'));
    fail();
    expect(await h.puller.ensure(pod(), always)).toMatchObject({ reason: 'ErrImagePull' });
    h.clock.step(10_000);
    fail();
    expect(await h.puller.ensure(pod(), always)).toMatchObject({ reason: 'ErrImagePull' }); // now 20 s
    h.clock.step(20_000);
    expect(await h.puller.ensure(pod(), always)).toMatchObject({ ok: true });
    fail();
    expect(await h.puller.ensure(pod(), always)).toMatchObject({ reason: 'ErrImagePull' });
    h.clock.step(10_000);
    expect(await h.puller.ensure(pod(), always)).toMatchObject({ ok: true });
  });

  it('backs off per pod and per image', async () => {
    const h = puller();
    await h.puller.ensure(pod('uid-1'), missing);
    expect(await h.puller.ensure(pod('uid-1'), missing)).toMatchObject({ reason: 'ImagePullBackOff' });
    expect(await h.puller.ensure(pod('uid-2'), missing)).toMatchObject({ reason: 'ErrImagePull' });
    expect(await h.puller.ensure(pod('uid-1'), { name: 'd', image: 'redis:7' })).toMatchObject({ reason: 'ErrImagePull' });
  });

  it('forgetPod drops only that pod\'s back-off', async () => {
    const h = puller();
    await h.puller.ensure(pod('uid-1'), missing);
    await h.puller.ensure(pod('uid-2'), missing);
    h.puller.forgetPod('uid-1');
    expect(await h.puller.ensure(pod('uid-1'), missing)).toMatchObject({ reason: 'ErrImagePull' });
    expect(await h.puller.ensure(pod('uid-2'), missing)).toMatchObject({ reason: 'ImagePullBackOff' });
  });
});
