// Service, Endpoints and EndpointSlice checks (core/v1 and discovery/v1 validation).
import type { StatusCause } from '../errors.ts';
import { enumField, validatePortNumOrName } from './containers.ts';
import { child, duplicate, forbidden, index, invalid, invalidEach, notSupported, required, tooMany, type Path } from './field.ts';
import { asArray, asObj, nameIsDNS1035Label, nameIsDNSSubdomain, str, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { IP_ERROR, isDNS1123Label, isDNS1123Subdomain, isIP, isIPv4, isIPv6, isValidPortNum } from './names.ts';

type Obj = Record<string, unknown>;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validatePortName(name: string, at: Path, requireName: boolean, seen: Set<string>): StatusCause[] {
  if (!name) return requireName ? [required(child(at, 'name'))] : [];
  const errs = invalidEach(child(at, 'name'), name, isDNS1123Label(name));
  if (seen.has(name)) errs.push(duplicate(child(at, 'name'), name));
  seen.add(name);
  return errs;
}

export function validateService(svc: Obj): StatusCause[] {
  const spec = asObj(svc['spec']);
  const errs = validateObjectMeta(svc['metadata'], nameIsDNS1035Label);
  const type = spec['type'] ?? 'ClusterIP';
  errs.push(...enumField('spec.type', spec['type'], SERVICE_TYPES));
  const clusterIPs = (Array.isArray(spec['clusterIPs']) ? spec['clusterIPs'] : spec['clusterIP'] ? [spec['clusterIP']] : []).map(str);
  const headless = clusterIPs[0] === 'None';
  const ports = asArray(spec['ports']);
  if (type === 'ExternalName') {
    const name = str(spec['externalName']);
    if (!name) errs.push(required('spec.externalName'));
    else errs.push(...invalidEach('spec.externalName', name, isDNS1123Subdomain(name.replace(/\.$/, ''))));
    if (clusterIPs.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  } else if (ports.length === 0 && !headless) errs.push(required('spec.ports'));
  clusterIPs.forEach((ip, i) => {
    if (ip === 'None') {
      if (i === 0 && (type === 'NodePort' || type === 'LoadBalancer')) errs.push(invalid('spec.clusterIPs[0]', ip, `may not be set to 'None' for ${type} services`));
    } else if (ip !== '' && !isIP(ip)) errs.push(invalid(index('spec.clusterIPs', i), ip, IP_ERROR));
  });
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((raw, i) => {
    const p = asObj(raw);
    const at = index('spec.ports', i);
    errs.push(...validatePortName(str(p['name']), at, ports.length > 1, names));
    errs.push(...invalidEach(child(at, 'port'), p['port'], isValidPortNum(Number(p['port']))));
    errs.push(...enumField(child(at, 'protocol'), p['protocol'], PROTOCOLS));
    if (p['targetPort'] !== undefined && p['targetPort'] !== 0) errs.push(...validatePortNumOrName(p['targetPort'], child(at, 'targetPort')));
    const nodePort = p['nodePort'];
    if (type === 'ClusterIP' && nodePort !== undefined && nodePort !== 0) errs.push(forbidden(child(at, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    else if (nodePort !== undefined && nodePort !== 0) errs.push(...invalidEach(child(at, 'nodePort'), nodePort, isValidPortNum(Number(nodePort))));
    const k = `${String(p['port'])}/${str(p['protocol']) || 'TCP'}`;
    if (keys.has(k)) errs.push(duplicate(at, { port: p['port'], protocol: str(p['protocol']) || 'TCP' }));
    keys.add(k);
  });
  errs.push(...validateLabels(spec['selector'], 'spec.selector'));
  errs.push(...enumField('spec.sessionAffinity', spec['sessionAffinity'], ['ClientIP', 'None']));
  errs.push(...enumField('spec.externalTrafficPolicy', spec['externalTrafficPolicy'], ['Cluster', 'Local']));
  errs.push(...enumField('spec.internalTrafficPolicy', spec['internalTrafficPolicy'], ['Cluster', 'Local']));
  return errs;
}

/** clusterIPs may not change once allocated, except when a service moves to or from ExternalName. */
export function validateServiceUpdate(svc: Obj, old: Obj): StatusCause[] {
  const spec = asObj(svc['spec']);
  const oldSpec = asObj(old['spec']);
  const errs = validateObjectMetaUpdate(svc['metadata'], old['metadata']);
  if (spec['type'] === 'ExternalName' || oldSpec['type'] === 'ExternalName') return errs;
  const ips = (Array.isArray(spec['clusterIPs']) ? spec['clusterIPs'] : spec['clusterIP'] ? [spec['clusterIP']] : []).map(str);
  const oldIPs = (Array.isArray(oldSpec['clusterIPs']) ? oldSpec['clusterIPs'] : oldSpec['clusterIP'] ? [oldSpec['clusterIP']] : []).map(str);
  if (oldIPs[0] && ips[0] !== oldIPs[0]) {
    errs.push(ips[0] ? invalid('spec.clusterIPs[0]', ips, 'may not change once set') : required('spec.clusterIPs[0]', 'primary clusterIP can not be unset'));
  }
  return errs;
}

export function validateEndpoints(ep: Obj): StatusCause[] {
  const errs = validateObjectMeta(ep['metadata'], nameIsDNSSubdomain);
  asArray(ep['subsets']).forEach((raw, i) => {
    const s = asObj(raw);
    const at = index('subsets', i);
    const addresses = asArray(s['addresses']);
    const notReady = asArray(s['notReadyAddresses']);
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [field, list] of [['addresses', addresses], ['notReadyAddresses', notReady]] as const) {
      list.forEach((a, j) => {
        const ip = str(asObj(a)['ip']);
        if (!isIP(ip)) errs.push(invalid(child(index(child(at, field), j), 'ip'), ip, IP_ERROR));
      });
    }
    const ports = asArray(s['ports']);
    const names = new Set<string>();
    ports.forEach((rawPort, j) => {
      const p = asObj(rawPort);
      const pAt = index(child(at, 'ports'), j);
      errs.push(...validatePortName(str(p['name']), pAt, ports.length > 1, names));
      errs.push(...invalidEach(child(pAt, 'port'), p['port'], isValidPortNum(Number(p['port']))));
      errs.push(...enumField(child(pAt, 'protocol'), p['protocol'], PROTOCOLS));
    });
  });
  return errs;
}

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

export function validateEndpointSlice(slice: Obj): StatusCause[] {
  const errs = validateObjectMeta(slice['metadata'], nameIsDNSSubdomain);
  const type = slice['addressType'];
  if (!ADDRESS_TYPES.includes(str(type))) errs.push(type ? notSupported('addressType', type, ADDRESS_TYPES) : required('addressType'));
  asArray(slice['endpoints']).forEach((raw, i) => {
    const at = index('endpoints', i);
    const addresses = asArray(asObj(raw)['addresses']);
    if (addresses.length === 0) errs.push(required(child(at, 'addresses'), 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(tooMany(child(at, 'addresses'), addresses.length, 100));
    addresses.forEach((a, j) => {
      const addr = str(a);
      const p = index(child(at, 'addresses'), j);
      if (type === 'IPv4' && !isIPv4(addr)) errs.push(invalid(p, addr, 'must be a valid IPv4 address'));
      if (type === 'IPv6' && !isIPv6(addr)) errs.push(invalid(p, addr, 'must be a valid IPv6 address'));
      if (type === 'FQDN') errs.push(...invalidEach(p, addr, isDNS1123Subdomain(addr)));
    });
  });
  const names = new Set<string>();
  asArray(slice['ports']).forEach((raw, i) => {
    const p = asObj(raw);
    const at = index('ports', i);
    errs.push(...validatePortName(str(p['name']), at, false, names));
    if (p['port'] != null) errs.push(...invalidEach(child(at, 'port'), p['port'], isValidPortNum(Number(p['port']))));
    errs.push(...enumField(child(at, 'protocol'), p['protocol'], PROTOCOLS));
  });
  return errs;
}
