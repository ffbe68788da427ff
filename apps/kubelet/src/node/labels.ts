// The labels a kubelet puts on its own Node and keeps reconciled (upstream initialNode and
// updateDefaultLabels): hostname, OS and architecture, in both the GA and the beta spelling.
import type { MachineInfo } from './types.ts';

export function nodeLabels(m: Pick<MachineInfo, 'hostname' | 'operatingSystem' | 'architecture'>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': m.architecture,
    'beta.kubernetes.io/os': m.operatingSystem,
    'kubernetes.io/arch': m.architecture,
    'kubernetes.io/hostname': m.hostname,
    'kubernetes.io/os': m.operatingSystem,
  };
}

/** Whether `have` already carries every label in `want` with the same value. */
export const equalLabels = (have: Record<string, string> | undefined, want: Record<string, string>): boolean =>
  Object.entries(want).every(([k, v]) => have?.[k] === v);
