// Container-level checks of core/v1 validation: names, images, ports, env, resources, mounts, probes.
import type { StatusCause } from '../errors.ts';
import { validateContainerSecurityContext } from './security.ts';
import { isValidQuantity, parseQuantity } from '../quantity.ts';
import { child, duplicate, forbidden, index, invalid, invalidEach, key, nonNegative, notSupported, required, type Path } from './field.ts';
import { asArray, asObj, str } from './meta.ts';
import { isDNS1123Label, isEnvVarName, isQualifiedName, isValidPortName, isValidPortNum } from './names.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** A value that may be unset (defaulting fills it) but, when present, must be one of `valid`. */
export function enumField(path: Path, v: unknown, valid: readonly string[]): StatusCause[] {
  if (v === undefined) return [];
  if (v === '') return [required(path)];
  return valid.includes(str(v)) && typeof v === 'string' ? [] : [notSupported(path, v, valid)];
}

/** An int-or-string port: a number 1–65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, path: Path): StatusCause[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === 'string' && port !== '') return invalidEach(path, port, isValidPortName(port));
  return [required(path)];
}

function validatePorts(ports: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  const names = new Set<string>();
  asArray(ports).forEach((raw, i) => {
    const p = asObj(raw);
    const at = index(path, i);
    const name = str(p['name']);
    if (name) {
      errs.push(...invalidEach(child(at, 'name'), name, isValidPortName(name)));
      if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      names.add(name);
    }
    const port = p['containerPort'];
    if (port === undefined || port === 0) errs.push(required(child(at, 'containerPort')));
    else errs.push(...invalidEach(child(at, 'containerPort'), port, isValidPortNum(Number(port))));
    if (p['hostPort'] !== undefined && p['hostPort'] !== 0) {
      errs.push(...invalidEach(child(at, 'hostPort'), p['hostPort'], isValidPortNum(Number(p['hostPort']))));
    }
    errs.push(...enumField(child(at, 'protocol'), p['protocol'], PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  asArray(env).forEach((raw, i) => {
    const e = asObj(raw);
    const at = index(path, i);
    const name = str(e['name']);
    if (!name) errs.push(required(child(at, 'name')));
    else errs.push(...invalidEach(child(at, 'name'), name, isEnvVarName(name)));
    const from = asObj(e['valueFrom']);
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => from[s] !== undefined);
    if (e['valueFrom'] === undefined) return;
    const fromPath = child(at, 'valueFrom');
    if (sources.length === 0) errs.push(invalid(fromPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    if (sources.length > 1) errs.push(invalid(fromPath, '', 'may not have more than one field specified at a time'));
    if (str(e['value']) !== '' && sources.length) errs.push(invalid(fromPath, '', 'may not be specified when `value` is not empty'));
    for (const s of ['configMapKeyRef', 'secretKeyRef']) {
      if (from[s] === undefined) continue;
      const ref = asObj(from[s]);
      if (!str(ref['name'])) errs.push(required(child(fromPath, s, 'name')));
      if (!str(ref['key'])) errs.push(required(child(fromPath, s, 'key')));
    }
    if (from['fieldRef'] !== undefined && !str(asObj(from['fieldRef'])['fieldPath'])) errs.push(required(child(fromPath, 'fieldRef', 'fieldPath')));
  });
  return errs;
}

function validateResourceList(list: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const [name, q] of Object.entries(asObj(list))) {
    const at = key(path, name);
    const qualified = isQualifiedName(name);
    if (qualified.length) errs.push(...invalidEach(at, name, qualified));
    else if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
      errs.push(invalid(at, name, 'must be a standard resource for containers'));
    }
    const value = typeof q === 'string' || typeof q === 'number' ? parseQuantity(q) : undefined;
    if (!isValidQuantity(q) || value === undefined) errs.push(invalid(at, q, QUANTITY_FORMAT));
    else if (value < 0) errs.push(invalid(at, q, 'must be greater than or equal to 0'));
  }
  return errs;
}

function validateResources(resources: unknown, path: Path): StatusCause[] {
  const r = asObj(resources);
  const limits = asObj(r['limits']);
  const requests = asObj(r['requests']);
  const errs = [...validateResourceList(limits, child(path, 'limits')), ...validateResourceList(requests, child(path, 'requests'))];
  for (const [name, q] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const req = parseQuantity(q as string);
    const lim = parseQuantity(limit as string);
    if (req !== undefined && lim !== undefined && req > lim) {
      errs.push(invalid(key(child(path, 'requests'), name), q, `must be less than or equal to ${name} limit of ${String(limit)}`));
    }
  }
  return errs;
}

function validateMounts(mounts: unknown, volumes: ReadonlySet<string>, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  const paths = new Set<string>();
  asArray(mounts).forEach((raw, i) => {
    const m = asObj(raw);
    const at = index(path, i);
    const name = str(m['name']);
    if (!name) errs.push(required(child(at, 'name')));
    else if (!volumes.has(name)) errs.push({ reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(name)}`, field: child(at, 'name') });
    const mountPath = str(m['mountPath']);
    if (!mountPath) errs.push(required(child(at, 'mountPath')));
    else if (paths.has(mountPath)) errs.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
    const sub = str(m['subPath']);
    if (sub.startsWith('/')) errs.push(invalid(child(at, 'subPath'), sub, 'must be a relative path'));
    else if (sub.split('/').includes('..')) errs.push(invalid(child(at, 'subPath'), sub, "must not contain '..'"));
  });
  return errs;
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

function validateProbe(probe: unknown, path: Path, mustSucceedOnce: boolean): StatusCause[] {
  if (probe === undefined || probe === null) return [];
  const p = asObj(probe);
  const set = HANDLERS.filter((h) => p[h] !== undefined);
  const errs: StatusCause[] = [];
  if (set.length === 0) errs.push(required(path, 'must specify a handler type'));
  for (const h of set.slice(1)) errs.push(forbidden(child(path, h), 'may not specify more than 1 handler type'));
  if (p['httpGet'] !== undefined) errs.push(...validatePortNumOrName(asObj(p['httpGet'])['port'], child(path, 'httpGet', 'port')));
  if (p['tcpSocket'] !== undefined) errs.push(...validatePortNumOrName(asObj(p['tcpSocket'])['port'], child(path, 'tcpSocket', 'port')));
  if (p['exec'] !== undefined && asArray(asObj(p['exec'])['command']).length === 0) errs.push(required(child(path, 'exec', 'command')));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    errs.push(...nonNegative(child(path, f), p[f]));
  }
  if (mustSucceedOnce && p['successThreshold'] !== undefined && p['successThreshold'] !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), p['successThreshold'], 'must be 1'));
  }
  return errs;
}

export interface ContainerContext {
  volumes: ReadonlySet<string>;
  /** Every container name seen so far in the pod (init and regular share one namespace). */
  names: Set<string>;
  init: boolean;
}

export function validateContainer(raw: unknown, path: Path, ctx: ContainerContext): StatusCause[] {
  const c = asObj(raw);
  const errs: StatusCause[] = [];
  const name = str(c['name']);
  if (!name) errs.push(required(child(path, 'name')));
  else {
    errs.push(...invalidEach(child(path, 'name'), name, isDNS1123Label(name)));
    if (ctx.names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    ctx.names.add(name);
  }
  const image = str(c['image']);
  if (!image) errs.push(required(child(path, 'image')));
  else if (image.trim() !== image) errs.push(invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace'));
  errs.push(...enumField(child(path, 'imagePullPolicy'), c['imagePullPolicy'], PULL_POLICIES));
  errs.push(...validatePorts(c['ports'], child(path, 'ports')));
  errs.push(...validateEnv(c['env'], child(path, 'env')));
  errs.push(...validateResources(c['resources'], child(path, 'resources')));
  errs.push(...validateMounts(c['volumeMounts'], ctx.volumes, child(path, 'volumeMounts')));
  errs.push(...validateContainerSecurityContext(c['securityContext'], child(path, 'securityContext')));
  const sidecar = ctx.init && c['restartPolicy'] === 'Always';
  if (ctx.init && c['restartPolicy'] !== undefined && !sidecar) errs.push(notSupported(child(path, 'restartPolicy'), c['restartPolicy'], ['Always']));
  if (!ctx.init && c['restartPolicy'] !== undefined) errs.push(forbidden(child(path, 'restartPolicy'), 'may not be set for non-init containers'));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (ctx.init && !sidecar && c[probe] !== undefined) {
      errs.push(forbidden(child(path, probe), 'may not be set for init containers without restartPolicy=Always'));
    } else {
      errs.push(...validateProbe(c[probe], child(path, probe), probe !== 'readinessProbe'));
    }
  }
  return errs;
}
