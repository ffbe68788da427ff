import { describe, expect, it } from 'vitest';
import { componentDefaults, leaderElectionOf, parseComponentArgs, UsageError, type ComponentFlags } from './component.ts';

type Flags = ComponentFlags & { extra?: string };
const parse = (argv: string[]) => {
  const o: Flags = { ...componentDefaults({ port: 10259, leaseName: 'kube-scheduler', qps: 50, burst: 100 }), identity: 'me' };
  return parseComponentArgs(argv, o, 'usage: x', (flag, value) => {
    if (flag !== 'extra') return false;
    o.extra = value;
    return true;
  });
};

describe('parseComponentArgs', () => {
  it.each([
    { name: 'defaults', argv: ['--kubeconfig=/k'], want: { kubeconfig: '/k', port: 10259, leaderElect: true, leaseDurationSeconds: 15, leaseName: 'kube-scheduler', qps: 50 } },
    {
      name: 'shared flags and durations',
      argv: ['--kubeconfig=/k', '--port=0', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=500ms', '--kube-api-qps=7.5'],
      want: { port: 0, leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.5, qps: 7.5 },
    },
    { name: "the component's own flag", argv: ['--kubeconfig=/k', '--extra=yes'], want: { extra: 'yes' } },
    { name: 'leader election off', argv: ['--kubeconfig=/k', '--leader-elect=false', '--leader-elect-lease-duration=1s'], want: { leaderElect: false } },
  ])('$name', ({ argv, want }) => {
    expect(parse(argv)).toMatchObject(want);
  });

  it.each([
    { name: 'no kubeconfig', argv: [], message: '--kubeconfig is required\nusage: x' },
    { name: 'unknown flag', argv: ['--kubeconfig=/k', '--nope=1'], message: 'unknown flag --nope\nusage: x' },
    { name: 'not --name=value', argv: ['--kubeconfig'], message: 'unexpected argument --kubeconfig\nusage: x' },
    { name: 'bad duration', argv: ['--kubeconfig=/k', '--leader-elect-retry-period=soon'], message: '--leader-elect-retry-period: not a positive duration: soon' },
    { name: 'bad boolean', argv: ['--kubeconfig=/k', '--leader-elect=yes'], message: '--leader-elect must be true or false' },
    { name: 'bad port', argv: ['--kubeconfig=/k', '--port=70000'], message: '--port must be 0-65535' },
    { name: 'lease not longer than the deadline', argv: ['--kubeconfig=/k', '--leader-elect-lease-duration=5s', '--leader-elect-renew-deadline=5s'], message: '--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline' },
  ])('refuses $name', ({ argv, message }) => {
    expect(() => parse(argv)).toThrow(new UsageError(message));
  });

  it('turns the flags into a Lease configuration only when leader election is on', () => {
    expect(leaderElectionOf(parse(['--kubeconfig=/k']))).toEqual({
      namespace: 'kube-system', name: 'kube-scheduler', leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2,
    });
    expect(leaderElectionOf(parse(['--kubeconfig=/k', '--leader-elect=false']))).toBeUndefined();
  });
});
