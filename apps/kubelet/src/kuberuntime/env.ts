// A container's environment (upstream kubelet_pods.go makeEnvironmentVariables): envFrom first,
// then env in declaration order, each value able to reference the variables before it.
import { isApiError } from '@k8ts/api';
import type { Container, Pod, Service } from 'kubernetes-types/core/v1';
import { expand, mappingFor } from './expansion.ts';
import { fieldRefValue, resourceFieldRefValue, type Allocatable, type PodRuntimeFields } from './fieldpath.ts';
import { podServices, serviceEnv } from './serviceenv.ts';

/** A ConfigMap's string data. */
export interface ConfigMapData {
  data?: Readonly<Record<string, string>>;
}

/** A Secret's data, base64 already decoded. */
export interface SecretData {
  data?: Readonly<Record<string, Uint8Array>>;
}

/**
 * The kubelet's view of ConfigMaps and Secrets. `undefined` — or an ApiError NotFound — means the
 * object does not exist; any other rejection is passed on as the container's config error.
 */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<ConfigMapData | undefined>;
  secret(namespace: string, name: string): Promise<SecretData | undefined>;
}

/**
 * Why a container could not be configured; the pod worker reports it as the waiting reason
 * CreateContainerConfigError with this message (e.g. `configmap "x" not found`).
 */
export class CreateContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'CreateContainerConfigError';
  }
}

export interface EnvContext extends PodRuntimeFields {
  sources: EnvSources;
  allocatable: Allocatable;
  /** Every Service the kubelet knows (any namespace); podServices picks the visible ones. */
  services?: readonly Service[];
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Upstream IsEnvVarName: envFrom keys failing it are skipped (with an event), not fatal. */
export function isValidEnvName(name: string): boolean {
  return ENV_NAME.test(name) && name !== '.' && !name.startsWith('..');
}

export interface Environment {
  /**
   * Final variables in a stable order: envFrom keys, env as declared, then the service variables
   * the container did not define itself.
   */
  env: Map<string, string>;
  /** Upstream's InvalidEnvironmentVariableNames event messages, one per envFrom source. */
  warnings: string[];
}

type Kind = 'configmap' | 'secret';

/** Fetches each object once per container; `undefined` is "not found". */
class Lookup {
  readonly #cache = new Map<string, Promise<Record<string, string> | undefined>>();
  constructor(private readonly namespace: string, private readonly sources: EnvSources) {}

  get(kind: Kind, name: string): Promise<Record<string, string> | undefined> {
    const key = `${kind}/${name}`;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#fetch(kind, name);
      this.#cache.set(key, p);
    }
    return p;
  }

  async #fetch(kind: Kind, name: string): Promise<Record<string, string> | undefined> {
    try {
      if (kind === 'configmap') {
        const cm = await this.sources.configMap(this.namespace, name);
        return cm && { ...(cm.data ?? {}) };
      }
      const secret = await this.sources.secret(this.namespace, name);
      if (!secret) return undefined;
      const decoder = new TextDecoder();
      return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decoder.decode(v)]));
    } catch (e) {
      if (isApiError(e, 'NotFound')) return undefined;
      throw new CreateContainerConfigError(e instanceof Error ? e.message : String(e));
    }
  }

  /** The object's data; a missing object is skipped when optional, else the upstream error. */
  async require(kind: Kind, name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    const data = await this.get(kind, name);
    if (data === undefined && !optional) throw new CreateContainerConfigError(`${kind} "${name}" not found`);
    return data;
  }
}

const KIND_TITLE: Record<Kind, string> = { configmap: 'ConfigMap', secret: 'Secret' };

export async function makeEnvironment(pod: Pod, container: Container, ctx: EnvContext): Promise<Environment> {
  const namespace = pod.metadata?.namespace ?? '';
  const lookup = new Lookup(namespace, ctx.sources);
  const env = new Map<string, string>();
  const warnings: string[] = [];

  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind: Kind = from.configMapRef ? 'configmap' : 'secret';
    const data = await lookup.require(kind, ref.name ?? '', ref.optional === true);
    if (!data) continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = (from.prefix ?? '') + key;
      if (isValidEnvName(name)) env.set(name, value);
      else invalid.push(name);
    }
    if (invalid.length) {
      warnings.push(
        `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind === 'configmap' ? 'configMap' : 'secret'} ${namespace}/${ref.name ?? ''} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  // The mapping reads `env` live, so a value sees exactly the variables defined before it (and
  // every service variable).
  const services = serviceEnv(podServices(pod, ctx.services ?? []));
  const mapping = mappingFor(env, services);
  for (const v of container.env ?? []) {
    let value: string | undefined = v.value ?? '';
    if (value !== '') value = expand(value, mapping);
    else if (v.valueFrom) value = await valueFrom(v.valueFrom, pod, container, ctx, lookup, namespace);
    if (value !== undefined) env.set(v.name, value);
  }
  for (const [name, value] of services) if (!env.has(name)) env.set(name, value);
  return { env, warnings };
}

/** undefined: an optional reference that resolved to nothing, so the variable is left out. */
async function valueFrom(
  source: NonNullable<NonNullable<Container['env']>[number]['valueFrom']>,
  pod: Pod,
  container: Container,
  ctx: EnvContext,
  lookup: Lookup,
  namespace: string,
): Promise<string | undefined> {
  try {
    if (source.fieldRef) return fieldRefValue(source.fieldRef, pod, ctx);
    if (source.resourceFieldRef) return resourceFieldRefValue(source.resourceFieldRef, pod, container, ctx.allocatable);
  } catch (e) {
    throw new CreateContainerConfigError(e instanceof Error ? e.message : String(e));
  }
  const keyRef = source.configMapKeyRef ?? source.secretKeyRef;
  if (!keyRef) return '';
  const kind: Kind = source.configMapKeyRef ? 'configmap' : 'secret';
  const optional = keyRef.optional === true;
  const data = await lookup.require(kind, keyRef.name ?? '', optional);
  if (!data) return undefined;
  const value = data[keyRef.key];
  if (value === undefined && !optional) {
    throw new CreateContainerConfigError(`couldn't find key ${keyRef.key} in ${KIND_TITLE[kind]} ${namespace}/${keyRef.name ?? ''}`);
  }
  return value;
}
