// Service admission: a cluster IP from the service range and node ports from the node-port
// range, each checked against every other service (pkg/registry/core/service/ipallocator,
// portallocator).
import { ApiError, type StatusCause } from '@k8ts/api';
import type { ResourceStore } from '../registry/store.ts';
import type { KObject } from '../storage/watch-cache.ts';
import { cidrRange, intToIp, ipToInt, isIPv4, RangeAllocator } from './allocator.ts';

interface ServicePort { nodePort?: number }
interface ServiceSpec { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[]; ipFamilies?: string[]; ipFamilyPolicy?: string }

export interface ServiceAllocatorOptions {
  serviceCIDR: string;
  nodePorts: { first: number; last: number };
}

export class ServiceAllocator {
  readonly ips: RangeAllocator;
  readonly ports: RangeAllocator;

  constructor(private readonly services: ResourceStore, private readonly opts: ServiceAllocatorOptions) {
    const { first, last } = cidrRange(opts.serviceCIDR);
    this.ips = new RangeAllocator(first, last);
    this.ports = new RangeAllocator(opts.nodePorts.first, opts.nodePorts.last);
  }

  private async inUse(except: string | undefined) {
    const ips = new Set<number>();
    const ports = new Set<number>();
    for (const e of (await this.services.listConsistent(this.services.prefix)).entries) {
      if (e.key === except) continue;
      const spec = (e.obj.spec ?? {}) as ServiceSpec;
      if (spec.clusterIP && isIPv4(spec.clusterIP)) ips.add(ipToInt(spec.clusterIP));
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    }
    return { ips, ports };
  }

  /** Allocates what `svc` still lacks; returns a release for a write that does not happen. */
  async admit(svc: KObject, old: Readonly<KObject> | undefined): Promise<() => void> {
    const spec = ((svc.spec ??= {}) as ServiceSpec);
    const name = String(svc.metadata.name);
    const used = await this.inUse(this.services.key(String(svc.metadata.namespace), name));
    const releases: (() => void)[] = [];
    const causes: StatusCause[] = [];
    const release = () => releases.forEach((r) => r());
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;

    if (spec.type !== 'ExternalName') {
      if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
      if (!old || !oldSpec.clusterIP) {
        if (spec.clusterIP === undefined || spec.clusterIP === '') {
          const got = this.ips.allocate(used.ips);
          if (!got) causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Internal error: failed to allocate a serviceIP: range is full' });
          else {
            releases.push(got.release);
            spec.clusterIP = intToIp(got.value);
          }
        } else if (spec.clusterIP !== 'None') {
          const ip = spec.clusterIP;
          let why: string | undefined;
          // A malformed address was already refused by validation.
          if (isIPv4(ip) && !this.ips.inRange(ipToInt(ip))) {
            why = `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.opts.serviceCIDR}`;
          } else if (isIPv4(ip)) {
            const claimed = this.ips.claim(ipToInt(ip), used.ips);
            if (claimed) releases.push(claimed);
            else why = 'provided IP is already allocated';
          }
          if (why) causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${ip}"]: failed to allocate IP ${ip}: ${why}` });
        }
      }
      if (spec.clusterIP) {
        spec.clusterIPs = [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
    }

    const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    (spec.ports ?? []).forEach((p, i) => {
      if (!wantsNodePorts) {
        delete p.nodePort;
        return;
      }
      const had = (oldSpec.ports ?? []).some((o) => o.nodePort === p.nodePort && p.nodePort !== undefined);
      if (p.nodePort === undefined || p.nodePort === 0) {
        const got = this.ports.allocate(used.ports);
        if (!got) causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: 'Internal error: range is full' });
        else {
          releases.push(got.release);
          p.nodePort = got.value;
          used.ports.add(got.value);
        }
      } else if (!had) {
        let why: string | undefined;
        if (!this.ports.inRange(p.nodePort)) {
          why = `provided port is not in the valid range. The range of valid ports is ${this.ports.first}-${this.ports.last}`;
        } else {
          const claimed = this.ports.claim(p.nodePort, used.ports);
          if (claimed) releases.push(claimed);
          else why = 'provided port is already allocated';
        }
        if (why) causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: ${why}` });
        else used.ports.add(p.nodePort);
      }
    });

    if (causes.length) {
      release();
      const list = causes.map((c) => `${c.field}: ${c.message}`);
      throw new ApiError(422, 'Invalid', `Service "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`, { name, kind: 'Service', causes });
    }
    return release;
  }
}
