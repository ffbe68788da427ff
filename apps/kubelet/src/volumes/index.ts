// Public surface of the kubelet's pod volumes: set-up/refresh/tear-down in upstream's pod
// directory layout, CRI mounts for a container, and the ports they use.
export { setUpPodVolumes, refreshPodVolumes, tearDownPodVolumes, volumeKind, volumeDir, type TearDownResult } from './manager.ts';
export { mountsFor, expandSubPathExpr, type MountsForOptions } from './mounts.ts';
export { AtomicWriter, validatePayloadPath, timestampPrefix, DATA_DIR_NAME, NEW_DATA_DIR_NAME, type FileProjection, type Payload } from './atomic-writer.ts';
export { hostMounter, FakeMounter, type Mounter } from './mounter.ts';
export { configMapValues, secretValues, DEFAULT_MODE } from './payload.ts';
export { StaticVolumeSources } from './sources.ts';
export { setUpHostPath, type FileType } from './hostpath.ts';
export { podFieldValue, resourceFieldValue, formatMap, goQuote } from './downward.ts';
export { tmpfsSizeBytes, podMemoryLimit } from './emptydir.ts';
export { AggregateVolumeError } from './errors.ts';
export {
  PLUGIN_DIRS, CONTENT_KINDS, type VolumeSources, type ConfigMapValues, type SecretValues, type VolumeKind, type VolumePath,
  type VolumePaths, type VolumeFailure, type SetUpResult, type RefreshResult, type SetUpOptions, type PodLike,
} from './types.ts';
