// Public API of @k8ts/cri: the CRI v1 types we use, the runtime ports, a gRPC client, a fake
// runtime, and the tooling to run a node's private containerd with locally built images.
export type * from './types.ts';
export type { RuntimeService, ImageService, ExecOptions, AttachOptions } from './ports.ts';
export { CriClient, criServices, CRI_PROTO_PATH, LOADER_OPTIONS, type CriClientOptions } from './client.ts';
export { CriError, criError, fromGrpcError, isCriError, isNotFound, isUnavailable, isDeadlineExceeded, CRI_ERROR_CODES, type CriErrorCode } from './errors.ts';
export { FakeRuntime, type FakeRuntimeOptions, type ContainerBehaviour, type RuntimeClock, type RecordedCall } from './fake.ts';
export { normalizeImageRef } from './reference.ts';
export { containerdPaths, renderContainerdConfig, DEFAULT_SANDBOX_IMAGE, DEFAULT_CNI_BIN_DIR, type ContainerdPaths, type ContainerdConfigOptions } from './containerd-config.ts';
export { startContainerd, stopByPid, pidAlive, type StartContainerdOptions, type ContainerdProcess } from './containerd.ts';
export { cleanupContainerd, mountsUnder, shimsOf, type CleanupOptions, type CleanupReport } from './cleanup.ts';
export {
  buildOciArchive, buildBusyboxImage, buildPauseImage, busyboxRootfs, importImage, importBaseImages, ociArchitecture,
  BUSYBOX_IMAGE_NAMES, PAUSE_IMAGE_NAME, HOST_BUSYBOX, MEDIA_TYPES, type OciArchive, type ImageRuntimeConfig,
} from './images.ts';
export { tar, untar, type TarEntry } from './tar.ts';
