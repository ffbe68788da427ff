import { Histogram, type Registry } from 'prom-client';

export interface StorageMetrics {
  etcdLatency: Histogram<'operation'>;
}

export const storageMetrics = (registry: Registry): StorageMetrics => ({
  etcdLatency: new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Latency of etcd requests made by the API server, by operation.',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
});
