// Revision identity without ControllerRevision objects. Our API has no ControllerRevision kind,
// so a revision is named by a stable hash of the pod template alone: the FNV-1a (32-bit) hash of
// the template's canonical JSON (keys sorted), its decimal digits spelled in upstream's
// "safe" alphabet (no vowels, no look-alike digits) as the label value `controller-revision-hash`
// carries. A StatefulSet revision is `<set>-<hash>` (status.currentRevision/updateRevision and
// the pods' label, as upstream names its ControllerRevisions); a DaemonSet labels its pods with
// the bare hash, as upstream does. Equal templates give equal hashes in every process.
import { canonicalJson, fnv32a, safeEncode } from '@k8ts/api';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';

export const REVISION_LABEL = 'controller-revision-hash';

export { canonicalJson };

/** The template's hash as a label value, e.g. "5b8f9c7d6". */
export function templateHash(template: PodTemplateSpec | undefined): string {
  return safeEncode(fnv32a(canonicalJson(template ?? {})));
}
