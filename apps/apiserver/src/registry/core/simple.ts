// Core kinds whose differences from the default strategy fit in a few lines.
import type { KObject } from '../../storage/watch-cache.ts';
import { DefaultStrategy, type WriteContext } from '../strategy.ts';

interface ServiceSpec { clusterIP?: string; clusterIPs?: string[]; ports?: { port?: number; nodePort?: number }[]; type?: string }

export class ServiceStrategy extends DefaultStrategy {
  override readonly returnDeletedObject = true;
  protected override initialStatus(): unknown {
    return { loadBalancer: {} };
  }

  /** An update that omits allocated values keeps them (upstream's patchAllocatedValues). */
  override prepareForUpdate(obj: KObject, old: Readonly<KObject>, ctx: WriteContext): void {
    const spec = ((obj.spec ??= {}) as ServiceSpec);
    const was = (old.spec ?? {}) as ServiceSpec;
    if (!spec.clusterIP && !spec.clusterIPs?.length && spec.type !== 'ExternalName') {
      if (was.clusterIP !== undefined) spec.clusterIP = was.clusterIP;
      if (was.clusterIPs !== undefined) spec.clusterIPs = [...was.clusterIPs];
    }
    const keepsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    for (const p of spec.ports ?? []) {
      if (keepsNodePorts && !p.nodePort) {
        const same = was.ports?.find((o) => o.port === p.port && o.nodePort);
        if (same) p.nodePort = same.nodePort;
      }
    }
    super.prepareForUpdate(obj, old, ctx);
  }
}

/** Events expire an hour after their last write, as upstream's --event-ttl default. */
export class EventStrategy extends DefaultStrategy {
  override readonly ttlSeconds = 3600;
}

export class ServiceAccountStrategy extends DefaultStrategy {
  override readonly returnDeletedObject = true;
}

/** `stringData` is write-only: it is merged into `data` (base64) and never stored. */
export class SecretStrategy extends DefaultStrategy {
  override prepareForCreate(obj: KObject, ctx: WriteContext): void {
    mergeStringData(obj);
    super.prepareForCreate(obj, ctx);
  }
  override prepareForUpdate(obj: KObject, old: Readonly<KObject>, ctx: WriteContext): void {
    mergeStringData(obj);
    super.prepareForUpdate(obj, old, ctx);
  }
}

function mergeStringData(obj: KObject) {
  const stringData = obj.stringData as Record<string, unknown> | undefined;
  if (!stringData || typeof stringData !== 'object') return;
  const data = ((obj.data as Record<string, string> | undefined) ??= {});
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}
