import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseFlags, UsageError } from './options.ts';

describe('apiserver flags', () => {
  it.each([
    { name: 'defaults', argv: ['--etcd-servers=http://127.0.0.1:2379'], want: { ...DEFAULTS, etcdServers: ['http://127.0.0.1:2379'] } },
    {
      name: 'everything set',
      argv: ['--etcd-servers=http://a:1,http://b:2', '--etcd-prefix=/k8ts/', '--port=0', '--service-node-port-range=31000-31999', '--etcd-compaction-interval=90s', '--watch-cache-size=100',
        '--default-not-ready-toleration-seconds=30', '--default-unreachable-toleration-seconds=40'],
      want: {
        etcdServers: ['http://a:1', 'http://b:2'], etcdPrefix: '/k8ts', port: 0, serviceNodePortRange: { first: 31000, last: 31999 }, etcdCompactionIntervalMs: 90_000, watchCacheSize: 100,
        defaultNotReadyTolerationSeconds: 30, defaultUnreachableTolerationSeconds: 40,
      },
    },
    { name: 'compaction off', argv: ['--etcd-servers=x', '--etcd-compaction-interval=0'], want: { etcdCompactionIntervalMs: 0 } },
  ])('$name', ({ argv, want }) => {
    expect(parseFlags(argv)).toMatchObject(want);
  });

  it.each([
    { name: 'no etcd', argv: [], message: /--etcd-servers is required/ },
    { name: 'unknown flag', argv: ['--etcd-servers=x', '--nope=1'], message: /unknown flag --nope/ },
    { name: 'bad duration', argv: ['--etcd-servers=x', '--etcd-compaction-interval=soon'], message: /not a duration: soon/ },
    { name: 'bad port', argv: ['--etcd-servers=x', '--port=70000'], message: /--port must be 0-65535/ },
    { name: 'bad toleration seconds', argv: ['--etcd-servers=x', '--default-unreachable-toleration-seconds=5m'], message: /--default-unreachable-toleration-seconds must be an integer/ },
  ])('refuses $name', ({ argv, message }) => {
    expect(() => parseFlags(argv)).toThrow(UsageError);
    expect(() => parseFlags(argv)).toThrow(message);
  });
});
