// The kubelet's modules, wired into a process as the kubelet issue lands.
export * as status from './status/index.ts';
export * as kuberuntime from './kuberuntime/index.ts';
export * as volumes from './volumes/index.ts';
export * as prober from './prober/index.ts';
export * as node from './node/index.ts';
export * as server from './server/index.ts';
