// The kubelet's HTTP server: /healthz, /pods, /metrics, /stats/summary, /containerLogs, and the
// streaming endpoints /exec, /attach and /portForward relayed to the runtime's streaming server.
export { startKubeletServer, type KubeletServer, type KubeletServerOptions } from './server.ts';
export { parseCriLine, parseLogOptions, readLog, type CriLogEntry, type LogOptions } from './logs.ts';
export { summarize, CpuRates, type Summary } from './stats.ts';
