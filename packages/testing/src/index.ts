export { startEtcd, ETCD_BINARY, type EtcdProcess } from './etcd.ts';
export { freePort } from './ports.ts';
