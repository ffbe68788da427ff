// An in-memory VolumeSources: tests, hollow nodes, and static pods that run before the API is
// reachable. Objects are stored as the API returns them and converted on every lookup.
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1';
import { configMapValues, secretValues } from './payload.ts';
import type { ConfigMapValues, SecretValues, VolumeSources } from './types.ts';

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class StaticVolumeSources implements VolumeSources {
  private readonly configMaps = new Map<string, ConfigMap>();
  private readonly secrets = new Map<string, Secret>();

  /** Adds or replaces objects by their metadata namespace/name. */
  set(...objects: (ConfigMap | Secret)[]): this {
    for (const o of objects) {
      const k = key(o.metadata?.namespace ?? '', o.metadata?.name ?? '');
      if (o.kind === 'Secret') this.secrets.set(k, o as Secret);
      else this.configMaps.set(k, o as ConfigMap);
    }
    return this;
  }

  delete(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): void {
    (kind === 'Secret' ? this.secrets : this.configMaps).delete(key(namespace, name));
  }

  async configMap(namespace: string, name: string): Promise<ConfigMapValues | undefined> {
    const cm = this.configMaps.get(key(namespace, name));
    return cm && configMapValues(cm);
  }

  async secret(namespace: string, name: string): Promise<SecretValues | undefined> {
    const s = this.secrets.get(key(namespace, name));
    return s && secretValues(s);
  }
}
