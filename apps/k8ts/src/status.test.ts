import { describe, expect, it } from 'vitest';
import { formatStatus } from './status.ts';

describe('formatStatus', () => {
  it('aligns one row per component under a header', () => {
    expect(
      formatStatus([
        { name: 'etcd', pid: 101, alive: true, port: 12379, health: 'ok' },
        { name: 'apiserver', pid: 20234, alive: false, port: 6443, health: 'connection refused' },
        { name: 'k8ts-node-0/containerd', pid: 311, alive: true, health: 'ok' },
        { name: 'k8ts-node-0/kubelet', pid: 0, alive: false, health: 'not started' },
      ]),
    ).toEqual([
      'COMPONENT                PID     ALIVE   PORT    HEALTH',
      'etcd                     101     yes     12379   ok',
      'apiserver                20234   no      6443    connection refused',
      'k8ts-node-0/containerd   311     yes     -       ok',
      'k8ts-node-0/kubelet      -       no      -       not started',
    ]);
  });
});
