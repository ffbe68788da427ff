// The scheduler as a whole (upstream's scheduler.New + Run): informers feed the cache and the
// queue from the moment it starts, so a standby instance is warm; only the leader runs the
// scheduling loop. Losing the Lease stops the loop (bindings in flight may still land: a second
// binding of the same pod is refused by the API server with 409, so no pod is bound twice) and
// the instance campaigns again.
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { dropManagedFields, EventRecorder, Informer, LeaderElector, leasePort, realClock, type Client, type Clock, type LeaderElectionConfig, type KubeObject } from '@k8ts/client';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Namespace, Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { Logger } from 'pino';
import { apiPort, type SchedulerApi } from './api.ts';
import { SchedulerCache } from './cache/cache.ts';
import { defaultSelector } from './default-selector.ts';
import { resolveProfile, type SchedulerConfig } from './framework/config.ts';
import { explainCycle, formatExplanation, type CycleExplanation, type ExplainInput } from './framework/explain.ts';
import { inTreeRegistry } from './framework/registry.ts';
import { newFramework, type Framework } from './framework/runtime.ts';
import { NodeRotation } from './framework/schedule-one.ts';
import { namespaceHandler, nodeHandler, podHandler } from './handlers.ts';
import type { SchedulerMetrics } from './metrics.ts';
import { SchedulingQueue } from './queue/scheduling-queue.ts';
import { BindingsInFlight, scheduleOne } from './schedule-cycle.ts';

const r = (group: string, version: string, plural: string): ResourceInfo => resourceFor(group, version, plural)!;

export interface SchedulerOptions {
  client: Client;
  config: SchedulerConfig;
  log: Logger;
  metrics: SchedulerMetrics;
  identity: string;
  /** Unset: this instance schedules at once, without a Lease. */
  leaderElection?: LeaderElectionConfig;
  clock?: Clock;
  random?: () => number;
  /** Replaces the API writes (tests). */
  api?: SchedulerApi;
}

interface Informers {
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  namespaces: Informer<Namespace>;
  pdbs: Informer<PodDisruptionBudget>;
  services: Informer<Service>;
  replicaSets: Informer<ReplicaSet>;
  statefulSets: Informer<StatefulSet>;
}

/** Binding cycles at once: twice the client's 64 connections keeps every connection busy. */
const MAX_BINDINGS_IN_FLIGHT = 128;

/**
 * What the debug endpoint remembers: the latest cycle per pod, oldest forgotten first, within a
 * budget of per-node entries (rejections plus scores) so memory stays bounded on big clusters.
 */
const MAX_EXPLANATIONS = 5000;
const MAX_EXPLAINED_NODE_ENTRIES = 20_000;

type CycleRecord = Omit<ExplainInput, 'snapshot'>;

const entriesOf = (r: CycleRecord): number =>
  1 + (r.result.kind === 'error' ? 0 : r.result.diagnosis.nodeToStatus.size) + (r.result.kind === 'scheduled' ? r.result.scores.length : 0);

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly #o: SchedulerOptions & { clock: Clock; random: () => number };
  readonly #informers: Informers;
  readonly #frameworks = new Map<string, Framework>();
  readonly #explanations = new Map<string, CycleRecord>();
  #explainedEntries = 0;
  readonly #elector: LeaderElector | undefined;
  readonly #api: SchedulerApi;
  readonly #bindings = new BindingsInFlight(MAX_BINDINGS_IN_FLIGHT);
  #synced = false;

  constructor(opts: SchedulerOptions) {
    this.#o = { clock: realClock, random: Math.random, ...opts };
    const { client, clock, log } = this.#o;
    this.queue = new SchedulingQueue({
      clock,
      podInitialBackoffMs: opts.config.podInitialBackoffSeconds * 1000,
      podMaxBackoffMs: opts.config.podMaxBackoffSeconds * 1000,
      namespaceLabels: (ns) => this.#informers.namespaces.lister.get(ns)?.metadata?.labels,
    });
    const informer = <T extends KubeObject>(resource: ResourceInfo) =>
      new Informer<T>({
        client, resource, clock, transform: dropManagedFields, onError: (err) => log.warn({ resource: resource.plural, err: (err as Error).message }, 'informer retrying'),
      });
    this.#informers = {
      pods: informer<Pod>(r('', 'v1', 'pods')),
      nodes: informer<Node>(r('', 'v1', 'nodes')),
      namespaces: informer<Namespace>(r('', 'v1', 'namespaces')),
      pdbs: informer<PodDisruptionBudget>(r('policy', 'v1', 'poddisruptionbudgets')),
      services: informer<Service>(r('', 'v1', 'services')),
      replicaSets: informer<ReplicaSet>(r('apps', 'v1', 'replicasets')),
      statefulSets: informer<StatefulSet>(r('apps', 'v1', 'statefulsets')),
    };
    this.#api = opts.api ?? apiPort(client, () => clock.now());
    opts.metrics.setPendingSource(() => ({ ...this.queue.pendingPods() }));
    opts.metrics.setBindingSource(() => this.#bindings.running);
    const registry = inTreeRegistry();
    for (const profile of opts.config.profiles) {
      const fwk = newFramework({
        profile: resolveProfile(profile),
        registry,
        deps: {
          snapshot: () => this.cache.snapshot(),
          clock,
          nominator: this.queue,
          podDisruptionBudgets: () => this.#informers.pdbs.lister.list(),
          bindPod: (pod, node) => this.#api.bind(pod, node),
          evictPod: (pod, reason) => this.#api.evict(pod, reason),
          setNominatedNodeName: (pod, node) => this.#api.setNominatedNodeName(pod, node),
          defaultSelector: (pod) => defaultSelector({
            services: this.#informers.services.lister,
            replicaSets: this.#informers.replicaSets.lister,
            statefulSets: this.#informers.statefulSets.lister,
          }, pod),
        },
      });
      this.#frameworks.set(profile.schedulerName, fwk);
    }
    const responsibleFor = (pod: Pod) => this.#frameworks.has(pod.spec?.schedulerName || 'default-scheduler');
    this.#informers.pods.addEventHandler(podHandler({ cache: this.cache, queue: this.queue, responsibleFor }));
    this.#informers.nodes.addEventHandler(nodeHandler({ cache: this.cache, queue: this.queue }));
    this.#informers.namespaces.addEventHandler(namespaceHandler({ cache: this.cache }));
    if (opts.leaderElection) {
      const le = opts.leaderElection;
      this.#elector = new LeaderElector({
        port: leasePort(client),
        ...le,
        identity: opts.identity,
        clock,
        releaseOnCancel: true,
        callbacks: {
          onStartedLeading: (signal) => {
            log.info({ identity: opts.identity }, 'became leader: scheduling');
            opts.metrics.leader.set(1);
            void this.#loop(signal);
          },
          onStoppedLeading: () => {
            opts.metrics.leader.set(0);
            log.info({ identity: opts.identity }, 'stopped leading');
          },
          onNewLeader: (id) => log.info({ leader: id }, 'leader observed'),
        },
      });
    }
  }

  ready(): boolean {
    return this.#synced;
  }

  /** Runs until `signal` aborts: informers always, the scheduling loop while leading. */
  async run(signal: AbortSignal): Promise<void> {
    const { log } = this.#o;
    const informers = Object.values(this.#informers).map((i) => i.start(signal));
    this.queue.run(signal);
    await Promise.all(Object.values(this.#informers).map((i) => i.waitForSync(signal)));
    this.#synced = true;
    log.info({ nodes: this.#informers.nodes.lister.list().length, pending: this.queue.pendingPods() }, 'caches synced');
    if (!this.#elector) {
      this.#o.metrics.leader.set(1);
      await this.#loop(signal);
    } else {
      await this.#elector.campaign(signal);
    }
    this.queue.close();
    await Promise.allSettled(informers);
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { log, metrics, clock, random } = this.#o;
    const rotation = new NodeRotation();
    const recorder = new EventRecorder({
      client: this.#o.client, component: 'default-scheduler', instance: this.#o.identity, clock,
      onError: (err) => log.debug({ err: (err as Error).message }, 'event not recorded'),
    });
    const deps = {
      queue: this.queue, cache: this.cache, frameworks: this.#frameworks, pods: this.#informers.pods.lister, api: this.#api,
      events: recorder, metrics, clock, random, log, rotation,
      percentageOfNodesToScore: this.#o.config.percentageOfNodesToScore,
      record: (e: CycleRecord) => this.#record(e),
      bindings: this.#bindings,
    };
    while (!signal.aborted) {
      try {
        await scheduleOne(deps, signal);
      } catch (err) {
        if (signal.aborted) break;
        log.error({ err: (err as Error).stack }, 'scheduling cycle failed');
      }
    }
  }

  #record(r: CycleRecord) {
    const key = `${r.pod.metadata?.namespace ?? ''}/${r.pod.metadata?.name ?? ''}`;
    this.#forget(key);
    this.#explanations.set(key, r);
    this.#explainedEntries += entriesOf(r);
    while (this.#explanations.size > MAX_EXPLANATIONS || (this.#explainedEntries > MAX_EXPLAINED_NODE_ENTRIES && this.#explanations.size > 1))
      this.#forget(this.#explanations.keys().next().value!);
  }

  #forget(key: string) {
    const old = this.#explanations.get(key);
    if (!old) return;
    this.#explanations.delete(key);
    this.#explainedEntries -= entriesOf(old);
  }

  /** The last cycle of a pod, with nodes it never looked at listed from the current snapshot. */
  explanation(namespace: string, name: string): { json: CycleExplanation; text: string } | undefined {
    const r = this.#explanations.get(`${namespace}/${name}`);
    if (!r) return undefined;
    const e = explainCycle({ ...r, snapshot: this.cache.snapshot() });
    return { json: e, text: formatExplanation(e) };
  }

  pendingPods() {
    return this.queue.pendingPods();
  }

  leader() {
    return { identity: this.#o.identity, leader: this.#elector ? this.#elector.getLeader() : this.#o.identity, leading: this.#elector ? this.#elector.isLeader() : true };
  }
}
