// The CRI messages of proto/cri.proto as @grpc/proto-loader hands them over with
// { keepCase, longs: String, enums: String, defaults, oneofs }: snake_case keys, every scalar,
// list and map present (zero values filled in), nested messages `null` when unset, int64/uint64
// as decimal strings, enums as their names, bytes as Buffers.
// Requests are written with `Input<T>`: every field optional (zero value when left out).

/** int64/uint64 as a decimal string (nanosecond timestamps do not fit a double). */
export type Int64 = string;
export type Labels = Record<string, string>;

/** A request shape: any field may be left out (int64 fields are still decimal strings). */
export type Input<T> = T extends readonly (infer U)[]
  ? Input<U>[]
  : T extends object
    ? { [K in keyof T]?: Input<NonNullable<T[K]>> | null }
    : T;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type SeccompProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface Int64Value { value: Int64 }
export interface UInt64Value { value: Int64 }
export interface KeyValue { key: string; value: string }

export interface ImageSpec {
  image: string;
  annotations: Labels;
  user_specified_image: string;
  runtime_handler: string;
  image_ref: string;
}

export interface Mount {
  container_path: string;
  host_path: string;
  readonly: boolean;
  selinux_relabel: boolean;
  propagation: MountPropagation;
  recursive_read_only: boolean;
}

export interface NamespaceOption {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  target_id: string;
}

export interface SecurityProfile { profile_type: SeccompProfileType; localhost_ref: string }

export interface LinuxContainerResources {
  cpu_period: Int64;
  cpu_quota: Int64;
  cpu_shares: Int64;
  memory_limit_in_bytes: Int64;
  oom_score_adj: Int64;
  cpuset_cpus: string;
  cpuset_mems: string;
  unified: Labels;
  memory_swap_limit_in_bytes: Int64;
}

// ---- sandboxes ----

export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }

export interface PortMapping { protocol: Protocol; container_port: number; host_port: number; host_ip: string }

export interface LinuxSandboxSecurityContext {
  namespace_options: NamespaceOption | null;
  run_as_user: Int64Value | null;
  readonly_rootfs: boolean;
  supplemental_groups: Int64[];
  privileged: boolean;
  run_as_group: Int64Value | null;
  seccomp: SecurityProfile | null;
}

export interface LinuxPodSandboxConfig {
  cgroup_parent: string;
  security_context: LinuxSandboxSecurityContext | null;
  sysctls: Labels;
  overhead: LinuxContainerResources | null;
  resources: LinuxContainerResources | null;
}

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata | null;
  hostname: string;
  log_directory: string;
  dns_config: DNSConfig | null;
  port_mappings: PortMapping[];
  labels: Labels;
  annotations: Labels;
  linux: LinuxPodSandboxConfig | null;
}

export interface PodSandboxNetworkStatus { ip: string; additional_ips: { ip: string }[] }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: Int64;
  network: PodSandboxNetworkStatus | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: Labels;
  annotations: Labels;
  runtime_handler: string;
}

export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  info: Labels;
  containers_statuses: ContainerStatus[];
  timestamp: Int64;
}

export interface PodSandboxFilter {
  id: string;
  state: { state: PodSandboxState } | null;
  label_selector: Labels;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  runtime_handler: string;
}

// ---- containers ----

export interface LinuxContainerSecurityContext {
  capabilities: { add_capabilities: string[]; drop_capabilities: string[] } | null;
  privileged: boolean;
  namespace_options: NamespaceOption | null;
  run_as_user: Int64Value | null;
  run_as_username: string;
  readonly_rootfs: boolean;
  supplemental_groups: Int64[];
  no_new_privs: boolean;
  run_as_group: Int64Value | null;
  masked_paths: string[];
  readonly_paths: string[];
  seccomp: SecurityProfile | null;
}

export interface ContainerMetadata { name: string; attempt: number }

export interface ContainerConfig {
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  command: string[];
  args: string[];
  working_dir: string;
  envs: KeyValue[];
  mounts: Mount[];
  labels: Labels;
  annotations: Labels;
  /** relative to the sandbox's log_directory */
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux: { resources: LinuxContainerResources | null; security_context: LinuxContainerSecurityContext | null } | null;
}

export interface ContainerFilter {
  id: string;
  state: { state: ContainerState } | null;
  pod_sandbox_id: string;
  label_selector: Labels;
}

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  image_ref: string;
  state: ContainerState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  image_id: string;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata | null;
  state: ContainerState;
  /** nanoseconds since the epoch; "0" when it has not happened */
  created_at: Int64;
  started_at: Int64;
  finished_at: Int64;
  exit_code: number;
  image: ImageSpec | null;
  image_ref: string;
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  mounts: Mount[];
  log_path: string;
  resources: { linux: LinuxContainerResources | null } | null;
  image_id: string;
}

export interface ContainerStatusResponse { status: ContainerStatus | null; info: Labels }

export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exit_code: number }

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface AttachRequest { container_id: string; stdin: boolean; tty: boolean; stdout: boolean; stderr: boolean }

// ---- stats ----

export interface FilesystemUsage {
  timestamp: Int64;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value | null;
  inodes_used: UInt64Value | null;
}

export interface CpuUsage {
  timestamp: Int64;
  usage_core_nano_seconds: UInt64Value | null;
  usage_nano_cores: UInt64Value | null;
}

export interface MemoryUsage {
  timestamp: Int64;
  working_set_bytes: UInt64Value | null;
  available_bytes: UInt64Value | null;
  usage_bytes: UInt64Value | null;
  rss_bytes: UInt64Value | null;
  page_faults: UInt64Value | null;
  major_page_faults: UInt64Value | null;
}

export interface ContainerAttributes { id: string; metadata: ContainerMetadata | null; labels: Labels; annotations: Labels }

export interface ContainerStats {
  attributes: ContainerAttributes | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writable_layer: FilesystemUsage | null;
}

export interface ContainerStatsFilter { id: string; pod_sandbox_id: string; label_selector: Labels }

export interface NetworkInterfaceUsage {
  name: string;
  rx_bytes: UInt64Value | null;
  rx_errors: UInt64Value | null;
  tx_bytes: UInt64Value | null;
  tx_errors: UInt64Value | null;
}

export interface PodSandboxStats {
  attributes: { id: string; metadata: PodSandboxMetadata | null; labels: Labels; annotations: Labels } | null;
  linux: {
    cpu: CpuUsage | null;
    memory: MemoryUsage | null;
    network: { timestamp: Int64; default_interface: NetworkInterfaceUsage | null; interfaces: NetworkInterfaceUsage[] } | null;
    process: { timestamp: Int64; process_count: UInt64Value | null } | null;
    containers: ContainerStats[];
  } | null;
}

export interface PodSandboxStatsFilter { id: string; label_selector: Labels }

// ---- runtime status ----

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }

export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: Labels;
  runtime_handlers: { name: string; features: { recursive_read_only_mounts: boolean; user_namespaces: boolean } | null }[];
}

// ---- images ----

export interface Image {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: Int64;
  uid: Int64Value | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}

export interface ImageStatusResponse { image: Image | null; info: Labels }

export interface AuthConfig {
  username: string;
  password: string;
  auth: string;
  server_address: string;
  identity_token: string;
  registry_token: string;
}

export interface ImageFsInfoResponse { image_filesystems: FilesystemUsage[]; container_filesystems: FilesystemUsage[] }
