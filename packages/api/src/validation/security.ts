// Pod and container security contexts (core/v1 validation): ids in range, the seccomp and
// fsGroupChangePolicy enums, and the privilege combinations that contradict each other.
import type { StatusCause } from '../errors.ts';
import { child, index, invalid, notSupported, required, type Path } from './field.ts';
import { asArray, asObj, str } from './meta.ts';
import { inclusiveRangeError } from './names.ts';

const MAX_ID = 2147483647;
const SECCOMP = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const FS_GROUP_POLICIES = ['OnRootMismatch', 'Always'];
const PROC_MOUNTS = ['Default', 'Unmasked'];

function id(path: Path, v: unknown): StatusCause[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID ? [] : [invalid(path, v, inclusiveRangeError(0, MAX_ID))];
}

function seccomp(raw: unknown, path: Path): StatusCause[] {
  if (raw === undefined || raw === null) return [];
  const p = asObj(raw);
  const type = str(p['type']);
  if (!type) return [required(child(path, 'type'))];
  if (!SECCOMP.includes(type)) return [notSupported(child(path, 'type'), type, SECCOMP)];
  const local = p['localhostProfile'];
  if (type === 'Localhost' && !str(local)) return [required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost')];
  if (type !== 'Localhost' && local !== undefined && local !== null) {
    return [invalid(child(path, 'localhostProfile'), local, 'can only be set when seccomp type is Localhost')];
  }
  return [];
}

export function validatePodSecurityContext(raw: unknown, path: Path): StatusCause[] {
  if (raw === undefined || raw === null) return [];
  const s = asObj(raw);
  const errs = [
    ...id(child(path, 'runAsUser'), s['runAsUser']),
    ...id(child(path, 'runAsGroup'), s['runAsGroup']),
    ...id(child(path, 'fsGroup'), s['fsGroup']),
    ...seccomp(s['seccompProfile'], child(path, 'seccompProfile')),
  ];
  asArray(s['supplementalGroups']).forEach((g, i) => errs.push(...id(index(child(path, 'supplementalGroups'), i), g)));
  const policy = s['fsGroupChangePolicy'];
  if (policy !== undefined && policy !== null && !FS_GROUP_POLICIES.includes(str(policy))) {
    errs.push(notSupported(child(path, 'fsGroupChangePolicy'), policy, FS_GROUP_POLICIES));
  }
  return errs;
}

export function validateContainerSecurityContext(raw: unknown, path: Path): StatusCause[] {
  if (raw === undefined || raw === null) return [];
  const s = asObj(raw);
  const errs = [
    ...id(child(path, 'runAsUser'), s['runAsUser']),
    ...id(child(path, 'runAsGroup'), s['runAsGroup']),
    ...seccomp(s['seccompProfile'], child(path, 'seccompProfile')),
  ];
  const proc = s['procMount'];
  if (proc !== undefined && proc !== null && !PROC_MOUNTS.includes(str(proc))) errs.push(notSupported(child(path, 'procMount'), proc, PROC_MOUNTS));
  if (s['allowPrivilegeEscalation'] === false) {
    if (s['privileged'] === true) {
      errs.push(invalid(path, s, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    const added = asArray(asObj(s['capabilities'])['add']).map(str);
    if (added.includes('CAP_SYS_ADMIN') || added.includes('SYS_ADMIN')) {
      errs.push(invalid(path, s, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}
