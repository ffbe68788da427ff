// Hollow nodes (kubemark's idea): the same Kubelet on a FakeRuntime, many in one process, for
// scale tests and benchmarks. Each hollow node registers its own Node (16 cores, 64 GiB, as
// kubemark's hollow nodes advertise), keeps its Lease, runs its pods' whole sync — sandboxes,
// containers, probes, status — against the fake, writes files only under its own root, and
// mounts nothing.
import { join } from 'node:path';
import type { Client } from '@k8ts/client';
import { BUSYBOX_IMAGE_NAMES, FakeRuntime, PAUSE_IMAGE_NAME } from '@k8ts/cri';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { Kubelet } from './kubelet.ts';
import type { MachineInfo } from './node/types.ts';
import type { KubeletOptions } from './options.ts';
import { FakeMounter } from './volumes/mounter.ts';

export const HOLLOW_MACHINE = { cpuCores: 16, memoryBytes: 64 * 1024 ** 3, diskBytes: 500 * 1024 ** 3 };

export function hollowMachine(name: string, index: number): MachineInfo {
  return {
    ...HOLLOW_MACHINE, hostname: name, internalIP: `127.1.${Math.floor(index / 250)}.${(index % 250) + 1}`,
    kernelVersion: '6.1.0-hollow', osImage: 'k8ts hollow node', architecture: 'amd64', operatingSystem: 'linux',
    machineID: `hollow-${index}`, systemUUID: `hollow-${index}`, bootID: `hollow-${index}`,
  };
}

/** Each hollow kubelet has its own API client, as each of kubemark's is a process; heartbeats share one unthrottled client. */
export interface HollowClients {
  client(): Client;
  heartbeat: Client;
}

export function hollowKubelet(options: KubeletOptions, clients: HollowClients, log: Logger, index: number): Kubelet {
  const name = `${options.nodeName}-${index}`;
  const runtime = new FakeRuntime({ images: [...BUSYBOX_IMAGE_NAMES, PAUSE_IMAGE_NAME] });
  const machine = hollowMachine(name, index);
  const { staticPodPath: _none, ...rest } = options;
  return new Kubelet(
    { ...rest, nodeName: name, rootDir: join(options.rootDir, name), podLogsDir: join(options.rootDir, name, 'logs'), kubeletPort: 10250 },
    { client: clients.client(), heartbeatClient: clients.heartbeat, runtime, images: runtime, log: log.child({ node: name }), registry: new Registry(), machine: async () => machine, mounter: new FakeMounter(), memoryBackedContent: false },
  );
}

/** Runs `options.hollowNodes` hollow kubelets named `<hostname-override>-<i>` until `signal` aborts. */
export async function runHollowNodes(options: KubeletOptions, clients: HollowClients, log: Logger, signal: AbortSignal): Promise<void> {
  const kubelets = Array.from({ length: options.hollowNodes }, (_, i) => hollowKubelet(options, clients, log, i));
  log.info({ nodes: kubelets.length }, 'hollow nodes starting');
  await Promise.all(kubelets.map((k) => k.run(signal)));
}
