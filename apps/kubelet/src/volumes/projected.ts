// Projected volumes: configMap, secret and downwardAPI sources merged into one directory, later
// sources overwriting earlier paths. Any failing source fails the volume; the errors of all
// sources are reported together.
import type { ProjectedVolumeSource } from 'kubernetes-types/core/v1';
import type { FileProjection } from './atomic-writer.ts';
import { downwardPayload } from './downward.ts';
import { aggregate } from './errors.ts';
import { configMapPayload, DEFAULT_MODE, getConfigMap, getSecret, secretPayload } from './payload.ts';
import type { PodLike, VolumeSources } from './types.ts';

export interface ProjectedData {
  payload: Map<string, FileProjection>;
  warnings: string[];
}

export async function projectedPayload(
  volumeName: string,
  source: ProjectedVolumeSource,
  pod: PodLike,
  sources: VolumeSources,
  allocatable: Readonly<Record<string, string>>,
): Promise<ProjectedData> {
  const namespace = pod.metadata?.namespace ?? '';
  const defaultMode = source.defaultMode ?? DEFAULT_MODE;
  const payload = new Map<string, FileProjection>();
  const warnings: string[] = [];
  const errors: Error[] = [];
  for (const s of source.sources ?? []) {
    try {
      let part: Map<string, FileProjection> | undefined;
      if (s.configMap) {
        const optional = s.configMap.optional ?? false;
        const values = await getConfigMap(sources, namespace, s.configMap.name ?? '', optional);
        part = configMapPayload(values, s.configMap.items, defaultMode, optional);
      } else if (s.secret) {
        const optional = s.secret.optional ?? false;
        const values = await getSecret(sources, namespace, s.secret.name ?? '', optional);
        part = secretPayload(values, s.secret.items, defaultMode, optional);
      } else if (s.downwardAPI) {
        part = downwardPayload(pod, s.downwardAPI.items, defaultMode, allocatable);
      } else if (s.serviceAccountToken) {
        // No token issuer exists until authentication lands, so the token file is left out.
        warnings.push(`volume "${volumeName}": serviceAccountToken source (path "${s.serviceAccountToken.path}") skipped: no token issuer`);
      } else if (s.clusterTrustBundle) {
        warnings.push(`volume "${volumeName}": clusterTrustBundle source (path "${s.clusterTrustBundle.path}") skipped: not supported`);
      }
      for (const [p, file] of part ?? []) payload.set(p, file);
    } catch (e) {
      errors.push(e as Error);
    }
  }
  const err = aggregate(errors);
  if (err) throw err;
  return { payload, warnings };
}
