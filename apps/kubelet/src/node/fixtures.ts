// Shared inputs for this folder's tests.
import type { Image, StatusResponse, VersionResponse } from '@k8ts/cri';
import type { MachineInfo } from './types.ts';

export const MACHINE: MachineInfo = {
  cpuCores: 4,
  memoryBytes: 16 * 1024 ** 3,
  diskBytes: 100 * 1024 ** 3,
  hostname: 'node-a',
  internalIP: '127.0.0.1',
  kernelVersion: '6.8.0-45-generic',
  osImage: 'Ubuntu 24.04.1 LTS',
  architecture: 'amd64',
  operatingSystem: 'linux',
  machineID: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  systemUUID: 'ec2a4f5e-0000-4000-8000-000000000001',
  bootID: '7d0e5c1a-2b3c-4d5e-8f90-123456789abc',
};

export const VERSION: VersionResponse = { version: '0.1.0', runtime_name: 'containerd', runtime_version: '1.6.20', runtime_api_version: 'v1' };

export const runtimeStatus = (runtimeReady = true, networkReady = true): StatusResponse => ({
  status: {
    conditions: [
      { type: 'RuntimeReady', status: runtimeReady, reason: runtimeReady ? '' : 'ContainerdDown', message: runtimeReady ? '' : 'containerd is not running' },
      { type: 'NetworkReady', status: networkReady, reason: networkReady ? '' : 'NetworkPluginNotReady', message: networkReady ? '' : 'Network plugin returns error: cni plugin not initialized' },
    ],
  },
  info: {},
  runtime_handlers: [],
});

export const image = (tag: string, size: number, digests: string[] = []): Image => ({
  id: `sha256:${tag.length}${size}`, repo_tags: [tag], repo_digests: digests, size: String(size), uid: null, username: '', spec: null, pinned: false,
});
