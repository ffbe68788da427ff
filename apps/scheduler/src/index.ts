export * from './framework/status.ts';
export * from './framework/types.ts';
export * from './framework/resource.ts';
export * from './framework/pod-info.ts';
export * from './framework/node-info.ts';
export * from './framework/snapshot.ts';
