// apps/v1: Deployments (NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR),
// ReplicaSets (NAME DESIRED CURRENT READY AGE | …), DaemonSets (NAME DESIRED CURRENT READY
// UP-TO-DATE AVAILABLE NODE SELECTOR AGE | …) and StatefulSets (NAME READY AGE | CONTAINERS IMAGES).

import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import { AGE, CONTAINERS, IMAGES, NAME, SELECTOR, col } from './columns.ts';
import { containerCells, formatLabelSelector, formatLabels, selectorString, since } from './format.ts';
import type { Printer } from './types.ts';

/** spec.replicas defaults to 1 when omitted, as the API server's defaulting does. */
const desired = (replicas: number | undefined) => replicas ?? 1;

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    NAME,
    col('Ready', 'string', 'Ready pods out of desired replicas.'),
    col('Up-to-date', 'string', 'Pods that run the latest pod template.'),
    col('Available', 'string', 'Pods that have been ready for at least minReadySeconds.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(d, now) {
    const st = d.status ?? {};
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata?.name ?? '',
      `${st.readyReplicas ?? 0}/${desired(d.spec?.replicas)}`,
      st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0,
      since(d.metadata?.creationTimestamp, now),
      names,
      images,
      selectorString(d.spec?.selector) ?? '<invalid>',
    ];
  },
};

export const replicaSetPrinter: Printer<ReplicaSet> = {
  columns: [
    NAME,
    col('Desired', 'integer', 'Number of replicas the spec asks for.'),
    col('Current', 'integer', 'Number of pods the controller currently manages.'),
    col('Ready', 'integer', 'Number of those pods that are ready.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(rs, now) {
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? '',
      desired(rs.spec?.replicas),
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      since(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    NAME,
    col('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Number of nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Number of nodes running the latest pod template.'),
    col('Available', 'integer', 'Number of nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'Node labels the pod template requires.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(ds, now) {
    const st = ds.status;
    const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
    return [
      ds.metadata?.name ?? '',
      st?.desiredNumberScheduled ?? 0,
      st?.currentNumberScheduled ?? 0,
      st?.numberReady ?? 0,
      st?.updatedNumberScheduled ?? 0,
      st?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      since(ds.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: Printer<StatefulSet> = {
  columns: [NAME, col('Ready', 'string', 'Ready pods out of desired replicas.'), AGE, CONTAINERS, IMAGES],
  cells(ss, now) {
    const [names, images] = containerCells(ss.spec?.template?.spec?.containers);
    return [
      ss.metadata?.name ?? '',
      `${ss.status?.readyReplicas ?? 0}/${desired(ss.spec?.replicas)}`,
      since(ss.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
};
