// The API server's Prometheus metrics, named as upstream's so dashboards read the same.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { storageMetrics, type StorageMetrics } from './storage/metrics.ts';

export interface ApiMetrics extends StorageMetrics {
  registry: Registry;
  requests: Counter<'verb' | 'resource' | 'code'>;
  latency: Histogram<'verb' | 'resource'>;
  watchers: Gauge<'resource'>;
}

export function apiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...storageMetrics(registry),
    requests: new Counter({
      name: 'apiserver_request_total',
      help: 'API requests by verb, resource and HTTP status code.',
      labelNames: ['verb', 'resource', 'code'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'API request latency by verb and resource (watches count until established).',
      labelNames: ['verb', 'resource'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    watchers: new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Open watches by resource.',
      labelNames: ['resource'],
      registers: [registry],
    }),
  };
}
