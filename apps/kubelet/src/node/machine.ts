// machineInfo: the real host, read the way cAdvisor and the kubelet read it (os module, /proc,
// /etc, statfs of the kubelet's root dir). Unreadable optional files yield '' rather than fail.
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { MachineInfo } from './types.ts';

export interface MachineInfoOptions {
  /** The directory whose filesystem is the node's ephemeral storage. */
  rootDir: string;
  /** --node-ip; default: the first non-internal IPv4 address, else 127.0.0.1. */
  nodeIP?: string;
  /** --hostname-override; default os.hostname(). Lower-cased either way, as upstream does. */
  hostname?: string;
}

/** Node's process.arch → GOARCH, the spelling of kubernetes.io/arch. */
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export const goArch = (arch: string = process.arch): string => GOARCH[arch] ?? arch;

const readTrimmed = async (path: string): Promise<string> => {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return '';
  }
};

/** PRETTY_NAME from os-release, as cAdvisor reports the OS image. */
export function prettyName(osRelease: string): string | undefined {
  const line = osRelease.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line?.slice('PRETTY_NAME='.length).replace(/^["']|["']$/g, '') || undefined;
}

function defaultIPv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function machineInfo(opts: MachineInfoOptions): Promise<MachineInfo> {
  const fs = await statfs(opts.rootDir);
  const osRelease = (await readTrimmed('/etc/os-release')) || (await readTrimmed('/usr/lib/os-release'));
  return {
    cpuCores: os.cpus().length,
    memoryBytes: os.totalmem(),
    diskBytes: fs.blocks * fs.bsize,
    hostname: (opts.hostname ?? os.hostname()).toLowerCase(),
    internalIP: opts.nodeIP ?? defaultIPv4(),
    kernelVersion: os.release(),
    osImage: prettyName(osRelease) ?? os.type(),
    architecture: goArch(),
    operatingSystem: os.platform(),
    machineID: (await readTrimmed('/etc/machine-id')) || (await readTrimmed('/var/lib/dbus/machine-id')),
    systemUUID: await readTrimmed('/sys/class/dmi/id/product_uuid'),
    bootID: await readTrimmed('/proc/sys/kernel/random/boot_id'),
  };
}
