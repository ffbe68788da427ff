export { startEtcd, ETCD_BINARY, type EtcdProcess } from './etcd.ts';
export { freePort } from './ports.ts';
export { startControlPlane, APISERVER_BUNDLE, type ControlPlane } from './control-plane.ts';
export { KUBECTL, writeTestKubeconfig, testKubectl, type TestKubectl } from './kubectl.ts';
export { until } from './until.ts';
export { startComponentProcess, type ComponentProcess, type ComponentProcessOptions } from './component.ts';
