import type { Mount } from '@k8ts/cri';
import type { Container } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { containerConfig, type ContainerConfigOptions } from './container.ts';
import { CreateContainerConfigError, type EnvSources } from './env.ts';
import { hashContainer } from './labels.ts';
import { makePod } from './testing.ts';

const sources: EnvSources = {
  configMap: async (_ns, name) => (name === 'cfg' ? { data: { GREETING: 'hello' } } : undefined),
  secret: async () => undefined,
};

const mount: Mount = {
  container_path: '/data',
  host_path: '/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/data',
  readonly: false,
  selinux_relabel: false,
  propagation: 'PROPAGATION_PRIVATE',
  recursive_read_only: false,
};

const options: ContainerConfigOptions = {
  restartCount: 3,
  podIP: '10.244.0.7',
  podIPs: ['10.244.0.7'],
  hostIP: '192.0.2.1',
  lookup: sources,
  mounts: [mount],
};

const app: Container = {
  name: 'app',
  image: 'busybox:1.36',
  command: ['sh', '-c', 'echo $(GREETING) $(NODE) $(LATER)'],
  args: ['$(POD_IP)', '$$(POD_IP)', '$(UNKNOWN)'],
  workingDir: '/work',
  env: [
    { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'LATER', value: 'late' },
  ],
  envFrom: [{ configMapRef: { name: 'cfg' } }],
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
  stdin: true,
  tty: true,
  securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
};

const pod = makePod(
  { nodeName: 'node-1', containers: [app], terminationGracePeriodSeconds: 30, securityContext: { runAsUser: 1000, runAsGroup: 3000 } },
  { deletionGracePeriodSeconds: 10 },
);

describe('containerConfig', () => {
  it('builds the whole config', async () => {
    const { config, warnings } = await containerConfig(pod, app, options);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      metadata: { name: 'app', attempt: 3 },
      image: { image: 'busybox:1.36', annotations: {}, user_specified_image: 'busybox:1.36', runtime_handler: '', image_ref: '' },
      command: ['sh', '-c', 'echo hello node-1 late'],
      args: ['10.244.0.7', '$(POD_IP)', '$(UNKNOWN)'],
      working_dir: '/work',
      envs: [
        { key: 'GREETING', value: 'hello' },
        { key: 'NODE', value: 'node-1' },
        { key: 'POD_IP', value: '10.244.0.7' },
        { key: 'LATER', value: 'late' },
      ],
      mounts: [mount],
      labels: {
        'io.kubernetes.pod.name': 'web',
        'io.kubernetes.pod.namespace': 'default',
        'io.kubernetes.pod.uid': 'uid-1',
        'io.kubernetes.container.name': 'app',
      },
      annotations: {
        'io.kubernetes.container.hash': hashContainer(app),
        'io.kubernetes.container.restartCount': '3',
        'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
        'io.kubernetes.container.terminationMessagePolicy': 'File',
        'io.kubernetes.pod.deletionGracePeriod': '10',
        'io.kubernetes.pod.terminationGracePeriod': '30',
        'io.kubernetes.container.preStopHandler': '{"exec":{"command":["sleep","1"]}}',
        'io.kubernetes.container.ports': '[{"name":"http","containerPort":8080,"protocol":"TCP"}]',
        'io.kubernetes.container.type': 'container',
      },
      log_path: 'app/3.log',
      stdin: true,
      stdin_once: false,
      tty: true,
      linux: {
        resources: {
          cpu_period: '100000',
          cpu_quota: '50000',
          cpu_shares: '102',
          memory_limit_in_bytes: '67108864',
          oom_score_adj: '0',
          cpuset_cpus: '',
          cpuset_mems: '',
          unified: {},
          memory_swap_limit_in_bytes: '0',
        },
        security_context: {
          capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['ALL'] },
          privileged: false,
          namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' },
          run_as_user: { value: '1000' },
          run_as_username: '',
          readonly_rootfs: true,
          supplemental_groups: [],
          no_new_privs: true,
          run_as_group: { value: '3000' },
          masked_paths: expect.arrayContaining(['/proc/kcore', '/sys/firmware']),
          readonly_paths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
          seccomp: { profile_type: 'Unconfined', localhost_ref: '' },
        },
      },
    });
  });

  const variants: { name: string; container: Container; opts?: Partial<ContainerConfigOptions>; check: (c: Awaited<ReturnType<typeof containerConfig>>['config']) => void }[] = [
    {
      name: 'minimal container: empty lists, first attempt, image ref from the runtime',
      container: { name: 'init', image: 'busybox' },
      opts: { restartCount: 0, imageRef: 'sha256:abc', mounts: [] },
      check: (c) => {
        expect(c).toMatchObject({ command: [], args: [], envs: [], working_dir: '', log_path: 'init/0.log', stdin: false, tty: false });
        expect(c.image).toMatchObject({ image: 'sha256:abc', user_specified_image: 'busybox' });
        expect(c.annotations['io.kubernetes.container.ports']).toBeUndefined();
        expect(c.annotations['io.kubernetes.container.preStopHandler']).toBeUndefined();
      },
    },
    {
      name: 'container-level runAsUser overrides the pod, seccomp from the pod',
      container: { name: 'x', securityContext: { runAsUser: 0 } },
      check: (c) => {
        expect(c.linux?.security_context?.run_as_user).toEqual({ value: '0' });
        expect(c.linux?.security_context?.no_new_privs).toBe(false);
      },
    },
    {
      name: 'Localhost seccomp profile under the kubelet root',
      container: { name: 'x', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } },
      opts: { kubeletRoot: '/srv/kubelet' },
      check: (c) => expect(c.linux?.security_context?.seccomp).toEqual({ profile_type: 'Localhost', localhost_ref: '/srv/kubelet/seccomp/profiles/audit.json' }),
    },
    {
      name: 'Unmasked procMount drops masked and read-only paths',
      container: { name: 'x', securityContext: { procMount: 'Unmasked' } },
      check: (c) => expect(c.linux?.security_context).toMatchObject({ masked_paths: [], readonly_paths: [] }),
    },
  ];
  it.each(variants)('$name', async ({ container, opts, check }) => {
    const { config } = await containerConfig(pod, container, { ...options, ...opts });
    check(config);
  });

  const nonRoot: { name: string; podUser?: number; user?: number; image?: { uid?: number; username?: string }; error?: string; runAs?: unknown }[] = [
    { name: 'explicit non-zero user passes', user: 1000, runAs: { value: '1000' } },
    { name: 'explicit root is refused', user: 0, error: `container's runAsUser breaks non-root policy (pod: "web_default(uid-1)", container: x)` },
    { name: 'pod-level root is refused too', podUser: 0, error: `container's runAsUser breaks non-root policy (pod: "web_default(uid-1)", container: x)` },
    { name: 'image root is refused', image: { uid: 0 }, error: 'container has runAsNonRoot and image will run as root (pod: "web_default(uid-1)", container: x)' },
    {
      name: 'image user by name cannot be verified',
      image: { username: 'app' },
      error: 'container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: "web_default(uid-1)", container: x)',
    },
    { name: 'image uid becomes run_as_user', image: { uid: 65534 }, runAs: { value: '65534' } },
    { name: 'unknown image user passes', runAs: null },
  ];
  it.each(nonRoot)('runAsNonRoot: $name', async ({ podUser, user, image, error, runAs }) => {
    const c: Container = { name: 'x', securityContext: { runAsNonRoot: true, ...(user !== undefined ? { runAsUser: user } : {}) } };
    const p = makePod({ containers: [c], ...(podUser !== undefined ? { securityContext: { runAsUser: podUser } } : {}) });
    const result = containerConfig(p, c, { ...options, ...(image ? { imageUser: image } : {}) });
    if (error) await expect(result).rejects.toThrow(new CreateContainerConfigError(error));
    else expect((await result).config.linux?.security_context?.run_as_user).toEqual(runAs);
  });

  it('an image user known only by name is passed as run_as_username', async () => {
    const { config } = await containerConfig(makePod(), { name: 'x' }, { ...options, imageUser: { username: 'nobody' } });
    expect(config.linux?.security_context).toMatchObject({ run_as_user: null, run_as_username: 'nobody' });
  });

  it('init containers are annotated as such', async () => {
    const init = { name: 'setup', image: 'busybox' };
    const { config } = await containerConfig(makePod({ initContainers: [init] }), init, options);
    expect(config.annotations['io.kubernetes.container.type']).toBe('init');
  });

  it('rejects with CreateContainerConfigError for a missing ConfigMap', async () => {
    const c: Container = { name: 'x', envFrom: [{ configMapRef: { name: 'missing' } }] };
    await expect(containerConfig(pod, c, options)).rejects.toThrow(new CreateContainerConfigError('configmap "missing" not found'));
  });
});
