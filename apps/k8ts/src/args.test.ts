import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError, type Command } from './args.ts';

const ctx = { repoRoot: '/repo', cwd: '/home/me' };

describe('parseCommand', () => {
  const ok: { name: string; argv: string[]; want: Command }[] = [
    {
      name: 'up with defaults under the repo',
      argv: ['up'],
      want: {
        kind: 'up',
        options: { stateDir: '/repo/.k8ts', etcdPort: 12379, etcdPeerPort: undefined, apiserverPort: 6443, schedulerPort: 10259, controllerManagerPort: 10257, kubeconfig: '/repo/kubeconfig', nodes: 1 },
      },
    },
    {
      name: 'up with every flag, both spellings, relative paths against cwd',
      argv: ['up', '--state-dir', 'st', '--etcd-port=2000', '--etcd-peer-port', '2001', '--apiserver-port=7443', '--scheduler-port=7444', '--controller-manager-port', '7445', '--kubeconfig', '/tmp/kc', '--nodes', '3'],
      want: {
        kind: 'up',
        options: { stateDir: '/home/me/st', etcdPort: 2000, etcdPeerPort: 2001, apiserverPort: 7443, schedulerPort: 7444, controllerManagerPort: 7445, kubeconfig: '/tmp/kc', nodes: 3 },
      },
    },
    {
      name: 'up without nodes',
      argv: ['up', '--nodes=0'],
      want: {
        kind: 'up',
        options: { stateDir: '/repo/.k8ts', etcdPort: 12379, etcdPeerPort: undefined, apiserverPort: 6443, schedulerPort: 10259, controllerManagerPort: 10257, kubeconfig: '/repo/kubeconfig', nodes: 0 },
      },
    },
    { name: 'down defaults', argv: ['down'], want: { kind: 'down', stateDir: '/repo/.k8ts' } },
    { name: 'down with a state dir', argv: ['down', '--state-dir=/tmp/x'], want: { kind: 'down', stateDir: '/tmp/x' } },
    { name: 'status', argv: ['status', '--state-dir', '/tmp/x'], want: { kind: 'status', stateDir: '/tmp/x' } },
    { name: '--help', argv: ['--help'], want: { kind: 'help' } },
    { name: 'help command', argv: ['help'], want: { kind: 'help' } },
    { name: 'why a pod in default', argv: ['why', 'web'], want: { kind: 'why', stateDir: '/repo/.k8ts', namespace: 'default', pod: 'web' } },
    { name: 'why with -n', argv: ['why', '-n', 'prod', 'web'], want: { kind: 'why', stateDir: '/repo/.k8ts', namespace: 'prod', pod: 'web' } },
    { name: 'why NS/NAME', argv: ['why', 'prod/web'], want: { kind: 'why', stateDir: '/repo/.k8ts', namespace: 'prod', pod: 'web' } },
    { name: '-h after a command', argv: ['up', '-h'], want: { kind: 'help' } },
    { name: 'load-image, relative to cwd', argv: ['load-image', 'img.tar'], want: { kind: 'load-image', stateDir: '/repo/.k8ts', archive: '/home/me/img.tar' } },
  ];
  it.each(ok)('$name', ({ argv, want }) => {
    expect(parseCommand(argv, ctx)).toEqual(want);
  });

  const bad: { name: string; argv: string[]; message: string }[] = [
    { name: 'load-image without an archive', argv: ['load-image'], message: 'load-image needs an image archive: k8ts load-image FILE.tar' },
    { name: 'no command', argv: [], message: 'missing command: one of up, down, status, why, load-image' },
    { name: 'unknown command', argv: ['start'], message: 'unknown command "start": one of up, down, status, why, load-image' },
    { name: 'why without a pod', argv: ['why'], message: 'why needs a pod: k8ts why [-n NAMESPACE] NAME (or NAMESPACE/NAME)' },
    { name: 'why with two pods', argv: ['why', 'a', 'b'], message: 'unexpected argument "b"' },
    { name: 'namespace twice', argv: ['why', '-n', 'x', 'y/z'], message: 'give the namespace either as NS/NAME or with -n, not both' },
    { name: 'namespace on up', argv: ['up', '-n', 'x'], message: '--namespace applies to "why" only' },
    { name: 'extra argument', argv: ['up', 'now'], message: 'unexpected argument "now"' },
    { name: 'port not a number', argv: ['up', '--etcd-port', 'abc'], message: '--etcd-port must be a port number between 1 and 65535, got "abc"' },
    { name: 'port zero', argv: ['up', '--apiserver-port=0'], message: '--apiserver-port must be a port number between 1 and 65535, got "0"' },
    { name: 'port too big', argv: ['up', '--apiserver-port=65536'], message: '--apiserver-port must be a port number between 1 and 65535, got "65536"' },
    { name: 'up-only flag on down', argv: ['down', '--kubeconfig', 'x'], message: '--kubeconfig applies to "up" only' },
    { name: 'up-only flag on status', argv: ['status', '--etcd-port=1'], message: '--etcd-port applies to "up" only' },
    { name: 'nodes on down', argv: ['down', '--nodes=2'], message: '--nodes applies to "up" only' },
    { name: 'nodes negative', argv: ['up', '--nodes=-1'], message: '--nodes must be a whole number between 0 and 100, got "-1"' },
    { name: 'nodes not a number', argv: ['up', '--nodes', 'two'], message: '--nodes must be a whole number between 0 and 100, got "two"' },
    { name: 'too many nodes', argv: ['up', '--nodes=101'], message: '--nodes must be a whole number between 0 and 100, got "101"' },
  ];
  it.each(bad)('rejects $name', ({ argv, message }) => {
    expect(() => parseCommand(argv, ctx)).toThrow(new UsageError(message));
  });

  it('rejects an unknown flag', () => {
    expect(() => parseCommand(['up', '--workers=3'], ctx)).toThrow(UsageError);
  });
});
