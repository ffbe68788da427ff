// Facts the TypeScript declarations of kubernetes-types do not carry, restated from the struct
// tags and markers of k8s.io/api and k8s.io/apimachinery: how lists merge under strategic merge
// patch (patchMergeKey / patchStrategy) and server-side apply (+listType / +listMapKey /
// +mapType), and which integers are 64-bit.

const merge = (key, keys = [key], strategy = 'merge') => ({
  'x-kubernetes-list-map-keys': keys,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});
const set = { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' };
const atomic = { 'x-kubernetes-list-type': 'atomic' };
const conditions = merge('type');

const container = {
  ports: merge('containerPort', ['containerPort', 'protocol']),
  env: merge('name'),
  volumeMounts: merge('mountPath'),
  volumeDevices: merge('devicePath'),
  resizePolicy: atomic,
};

/** definition name → property → extensions placed on that property's schema. */
export const PROPERTY_EXTENSIONS = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: set,
    ownerReferences: merge('uid'),
    managedFields: atomic,
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { matchExpressions: atomic },
  'io.k8s.api.core.v1.PodSpec': {
    volumes: merge('name', ['name'], 'merge,retainKeys'),
    initContainers: merge('name'),
    containers: merge('name'),
    ephemeralContainers: merge('name'),
    imagePullSecrets: merge('name'),
    hostAliases: merge('ip'),
    topologySpreadConstraints: merge('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    resourceClaims: merge('name', ['name'], 'merge,retainKeys'),
    schedulingGates: merge('name'),
    tolerations: atomic,
    readinessGates: atomic,
  },
  'io.k8s.api.core.v1.Container': container,
  'io.k8s.api.core.v1.EphemeralContainer': container,
  'io.k8s.api.core.v1.PodStatus': {
    conditions,
    podIPs: merge('ip'),
    hostIPs: merge('ip'),
    containerStatuses: atomic,
    initContainerStatuses: atomic,
  },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: set, taints: atomic },
  'io.k8s.api.core.v1.NodeStatus': { conditions, addresses: merge('type') },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions },
  'io.k8s.api.core.v1.ServiceSpec': { ports: merge('port', ['port', 'protocol']) },
  'io.k8s.api.core.v1.ServiceStatus': { conditions },
  'io.k8s.api.core.v1.ServiceAccount': { secrets: merge('name') },
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions },
  'io.k8s.api.batch.v1.JobStatus': {
    conditions: { ...atomic, 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions },
};

/** definition name → extensions on the definition itself. */
export const DEFINITION_EXTENSIONS = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { 'x-kubernetes-map-type': 'atomic' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': { 'x-kubernetes-map-type': 'atomic' },
  'io.k8s.api.core.v1.ObjectReference': { 'x-kubernetes-map-type': 'atomic' },
  'io.k8s.api.core.v1.LocalObjectReference': { 'x-kubernetes-map-type': 'atomic' },
};

/** Integer fields that are int64 in Go; every other integer is int32. */
export const INT64_FIELDS = new Set([
  'activeDeadlineSeconds', 'deletionGracePeriodSeconds', 'expirationSeconds', 'fsGroup', 'generation',
  'gracePeriodSeconds', 'observedGeneration', 'remainingItemCount', 'revision', 'runAsGroup', 'runAsUser',
  'startingDeadlineSeconds', 'supplementalGroups', 'terminationGracePeriodSeconds', 'tolerationSeconds',
]);
