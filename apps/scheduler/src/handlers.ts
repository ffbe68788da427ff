// What each informer event means to the scheduler (upstream's eventhandlers.go):
// - a pod bound to a node (and still running) is counted by the cache; its changes may let
//   waiting pods in (assigned pod added/updated/deleted events for the queue);
// - a pod with no node, for one of our profiles, is pending: it lives in the queue;
// - a node change updates the cache and wakes the waiting pods that this kind of change can help.
// A pod moving from pending to bound (its binding was observed) leaves the queue and enters the
// cache; an assumed pod's arrival confirms the assumption instead of counting it twice.
import type { EventHandler } from '@k8ts/client';
import { isTombstone } from '@k8ts/client';
import type { Namespace, Node, Pod } from 'kubernetes-types/core/v1';
import type { SchedulerCache } from './cache/cache.ts';
import { EVENTS, nodeUpdateEvents } from './queue/events.ts';
import type { SchedulingQueue } from './queue/scheduling-queue.ts';

export const assigned = (pod: Pod): boolean => Boolean(pod.spec?.nodeName);

/** Succeeded and Failed pods hold no resources any more (their containers are gone). */
export const terminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export interface HandlerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  /** Whether one of our profiles schedules this pod (spec.schedulerName). */
  responsibleFor(pod: Pod): boolean;
}

/** Splits pod events between the cache (bound, running pods) and the queue (our pending pods). */
export function podHandler({ cache, queue, responsibleFor }: HandlerDeps): EventHandler<Pod> {
  const inCache = (p: Pod) => assigned(p) && !terminal(p);
  const inQueue = (p: Pod) => !assigned(p) && responsibleFor(p);
  const addToCache = (p: Pod) => {
    cache.addPod(p);
    queue.assignedPodAdded(p);
  };
  const removeFromCache = (p: Pod) => {
    cache.removePod(p);
    queue.moveAllToActiveOrBackoffQueue(EVENTS.AssignedPodDelete, p, undefined);
  };
  return {
    onAdd(pod) {
      if (inCache(pod)) addToCache(pod);
      else if (inQueue(pod)) queue.add(pod);
    },
    onUpdate(oldPod, newPod) {
      const [wasCached, isCached] = [inCache(oldPod), inCache(newPod)];
      const [wasQueued, isQueued] = [inQueue(oldPod), inQueue(newPod)];
      if (wasCached && isCached) {
        cache.updatePod(oldPod, newPod);
        queue.assignedPodUpdated(oldPod, newPod);
      } else if (wasCached) removeFromCache(oldPod);
      else if (isCached) addToCache(newPod);
      if (wasQueued && isQueued) queue.update(oldPod, newPod);
      else if (wasQueued) queue.delete(oldPod);
      else if (isQueued) queue.add(newPod);
    },
    onDelete(obj) {
      const pod = isTombstone(obj) ? obj.obj : obj;
      // A terminal pod left the cache when it finished (onUpdate); only a running one is removed here.
      if (inCache(pod)) removeFromCache(pod);
      else if (!assigned(pod)) queue.delete(pod);
    },
  };
}

export function nodeHandler({ cache, queue }: Pick<HandlerDeps, 'cache' | 'queue'>): EventHandler<Node> {
  return {
    onAdd(node) {
      cache.addNode(node);
      queue.moveAllToActiveOrBackoffQueue(EVENTS.NodeAdd, undefined, node);
    },
    onUpdate(oldNode, newNode) {
      cache.updateNode(oldNode, newNode);
      for (const ev of nodeUpdateEvents(oldNode, newNode)) queue.moveAllToActiveOrBackoffQueue(ev, oldNode, newNode);
    },
    onDelete(obj) {
      cache.removeNode(isTombstone(obj) ? obj.obj : obj);
    },
  };
}

/** Namespace labels feed namespaceSelector in inter-pod affinity terms. */
export function namespaceHandler({ cache }: Pick<HandlerDeps, 'cache'>): EventHandler<Namespace> {
  return {
    onAdd: (ns) => cache.addNamespace(ns),
    onUpdate: (old, ns) => cache.updateNamespace(old, ns),
    onDelete: (obj) => cache.removeNamespace(isTombstone(obj) ? obj.obj : obj),
  };
}
