// Workload kinds (apps/v1, batch/v1, policy/v1): generation follows spec changes so controllers
// can report observedGeneration; status starts empty.
import { randomUUID } from 'node:crypto';
import type { KObject } from '../../storage/watch-cache.ts';
import { DefaultStrategy, type WriteContext } from '../strategy.ts';

export class WorkloadStrategy extends DefaultStrategy {
  override readonly tracksGeneration = true;
}

/**
 * Jobs get a selector and pod labels tied to their uid unless `manualSelector` is set
 * (pkg/registry/batch/job/strategy.go generateSelector).
 */
export class JobStrategy extends WorkloadStrategy {
  override prepareForCreate(obj: KObject, ctx: WriteContext): void {
    super.prepareForCreate(obj, ctx);
    const spec = (obj.spec ??= {}) as {
      manualSelector?: boolean;
      selector?: { matchLabels?: Record<string, string> };
      template?: { metadata?: { labels?: Record<string, string> } };
    };
    if (spec.manualSelector) return;
    const uid = String(obj.metadata.uid ?? randomUUID());
    const name = String(obj.metadata.name);
    const template = (spec.template ??= {});
    const labels = ((template.metadata ??= {}).labels ??= {});
    Object.assign(labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    });
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  }
}
