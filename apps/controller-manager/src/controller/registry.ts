// The controllers this manager can run, each named once (upstream's controller_descriptor.go),
// and the --controllers flag: `*` means every controller enabled by default, `name` enables one,
// `-name` disables one, e.g. `--controllers=*,-job`.
import type { Controller } from './controller.ts';
import type { ControllerContext } from './context.ts';

export interface ControllerDescriptor {
  /** e.g. "replicaset-controller" (upstream's names) */
  name: string;
  /** Short names the flag also accepts, e.g. "replicaset". */
  aliases?: readonly string[];
  /** Not run under `*` (upstream: e.g. bootstrap-signer). */
  disabledByDefault?: boolean;
  init(ctx: ControllerContext): Controller;
}

/** Fails fast on a name or alias used twice. */
export function checkRegistry(descriptors: readonly ControllerDescriptor[]): void {
  const seen = new Set<string>();
  for (const d of descriptors) {
    for (const n of [d.name, ...(d.aliases ?? [])]) {
      if (seen.has(n)) throw new Error(`controller name ${n} is registered twice`);
      seen.add(n);
    }
  }
}

/** The descriptors `--controllers` selects, in registry order; throws on an unknown name. */
export function selectControllers(flag: readonly string[], descriptors: readonly ControllerDescriptor[]): ControllerDescriptor[] {
  checkRegistry(descriptors);
  const byName = new Map<string, ControllerDescriptor>();
  for (const d of descriptors) for (const n of [d.name, ...(d.aliases ?? [])]) byName.set(n, d);
  const on = new Set<ControllerDescriptor>();
  const off = new Set<ControllerDescriptor>();
  let star = false;
  for (const raw of flag) {
    const item = raw.trim();
    if (item === '*') {
      star = true;
      continue;
    }
    const negated = item.startsWith('-');
    const d = byName.get(negated ? item.slice(1) : item);
    if (!d) throw new Error(`"${item}" is not in the list of known controllers: ${descriptors.map((x) => x.name).join(', ')}`);
    (negated ? off : on).add(d);
  }
  return descriptors.filter((d) => !off.has(d) && (on.has(d) || (star && !d.disabledByDefault)));
}
