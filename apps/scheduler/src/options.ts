// The scheduler process's flags, named as kube-scheduler's: the shared component flags
// (packages/client) plus --config. The scheduling policy itself lives in the --config file.
import { COMPONENT_USAGE, componentDefaults, parseComponentArgs, type ComponentFlags } from '@k8ts/client';

export interface SchedulerOptions extends ComponentFlags {
  /** A KubeSchedulerConfiguration file; unset → upstream defaults. */
  config: string | undefined;
}

export const USAGE = `usage: scheduler ${COMPONENT_USAGE}\n  [--config=PATH]   (defaults: --port=10259, --leader-elect-resource-name=kube-scheduler, --kube-api-qps=50, --kube-api-burst=100)`;

export function parseFlags(argv: readonly string[]): SchedulerOptions {
  // Client-side limits as upstream kube-scheduler's (50 / 100).
  const o: SchedulerOptions = { ...componentDefaults({ port: 10259, leaseName: 'kube-scheduler', qps: 50, burst: 100 }), config: undefined };
  return parseComponentArgs(argv, o, USAGE, (flag, value) => {
    if (flag !== 'config') return false;
    o.config = value;
    return true;
  });
}
