// Defaults every PodSpec gets, in a Pod or in a workload's template: SetDefaults_PodSpec plus the
// generated walk over containers, probes, volumes and field references (pkg/apis/core/v1).
import { defaultPullPolicy } from './image.ts';
import { defaultResourceList } from './resources.ts';
import { at, child, defaultNumber, defaultPointer, defaultString, isObj, items, struct, type Obj } from './util.ts';

const FILE_MODE = 0o644; // 420, what `kubectl get -o yaml` prints for defaultMode
const TOKEN_SECONDS = 3600;

function defaultHTTPGet(h: Obj | undefined): void {
  if (!h) return;
  defaultString(h, 'path', '/');
  defaultString(h, 'scheme', 'HTTP');
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  defaultNumber(p, 'timeoutSeconds', 1);
  defaultNumber(p, 'periodSeconds', 10);
  defaultNumber(p, 'successThreshold', 1);
  defaultNumber(p, 'failureThreshold', 3);
  defaultHTTPGet(child(p, 'httpGet'));
  at(p, ['grpc'], (g) => defaultPointer(g, 'service', ''));
}

const defaultFieldRef = (ref: Obj | undefined) => ref && defaultString(ref, 'apiVersion', 'v1');

/** SetDefaults_Container and what the generated defaulter does inside one. */
export function defaultContainer(c: Obj): void {
  defaultString(c, 'imagePullPolicy', defaultPullPolicy(c['image']));
  defaultString(c, 'terminationMessagePath', '/dev/termination-log');
  defaultString(c, 'terminationMessagePolicy', 'File');
  for (const port of items(c, 'ports')) defaultString(port, 'protocol', 'TCP');
  for (const env of items(c, 'env')) defaultFieldRef(child(child(env, 'valueFrom'), 'fieldRef'));
  const resources = struct(c, 'resources');
  defaultResourceList(resources, 'limits');
  defaultResourceList(resources, 'requests');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(child(c, probe));
  for (const hook of ['postStart', 'preStop']) defaultHTTPGet(child(child(child(c, 'lifecycle'), hook), 'httpGet'));
}

/** Every container list of a PodSpec: init, regular and ephemeral. */
export const allContainers = (spec: Obj): Obj[] => [...items(spec, 'initContainers'), ...items(spec, 'containers'), ...items(spec, 'ephemeralContainers')];

// The volume sources of core/v1; a volume naming none of them becomes an emptyDir.
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
];

function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v['emptyDir'] = {};
  at(v, ['hostPath'], (h) => defaultPointer(h, 'type', ''));
  at(v, ['secret'], (s) => defaultPointer(s, 'defaultMode', FILE_MODE));
  at(v, ['configMap'], (c) => defaultPointer(c, 'defaultMode', FILE_MODE));
  at(v, ['downwardAPI'], (d) => {
    defaultPointer(d, 'defaultMode', FILE_MODE);
    for (const item of items(d, 'items')) defaultFieldRef(child(item, 'fieldRef'));
  });
  at(v, ['projected'], (p) => {
    defaultPointer(p, 'defaultMode', FILE_MODE);
    for (const source of items(p, 'sources')) {
      for (const item of items(child(source, 'downwardAPI'), 'items')) defaultFieldRef(child(item, 'fieldRef'));
      at(source, ['serviceAccountToken'], (t) => defaultPointer(t, 'expirationSeconds', TOKEN_SECONDS));
    }
  });
  at(v, ['ephemeral', 'volumeClaimTemplate', 'spec'], defaultPVCSpec);
}

/** SetDefaults_PersistentVolumeClaimSpec, shared with StatefulSet claim templates. */
export function defaultPVCSpec(spec: Obj): void {
  defaultPointer(spec, 'volumeMode', 'Filesystem');
  at(spec, ['resources'], (r) => {
    defaultResourceList(r, 'limits');
    defaultResourceList(r, 'requests');
  });
}

/**
 * v1 keeps the deprecated `serviceAccount` as a mirror of `serviceAccountName`; a client that sends
 * only the old spelling still names the account (the v1 conversion).
 */
export function syncServiceAccount(spec: Obj): void {
  const name = spec['serviceAccountName'] || spec['serviceAccount'];
  if (typeof name !== 'string' || name === '') return;
  spec['serviceAccountName'] = name;
  spec['serviceAccount'] = name;
}

/** SetDefaults_PodSpec and the nested defaults, for Pods and pod templates alike. */
export function defaultPodSpec(spec: Obj): void {
  defaultString(spec, 'dnsPolicy', 'ClusterFirst');
  defaultString(spec, 'restartPolicy', 'Always');
  defaultPointer(spec, 'terminationGracePeriodSeconds', 30);
  defaultString(spec, 'schedulerName', 'default-scheduler');
  defaultPointer(spec, 'securityContext', {});
  syncServiceAccount(spec);
  for (const v of items(spec, 'volumes')) defaultVolume(v);
  for (const c of allContainers(spec)) defaultContainer(c);
  defaultResourceList(spec, 'overhead');
}

/** A workload's `template`: the PodSpec defaults only, none of the Pod-only or admission ones. */
export function defaultPodTemplate(template: unknown): void {
  if (!isObj(template)) return;
  defaultPodSpec(struct(template, 'spec'));
}
