import { describe, expect, it } from 'vitest';
import type { Container } from 'kubernetes-types/core/v1';
import { expandStatic, probeTiming, resolveContainerPort } from './spec.ts';

const container: Container = {
  name: 'app',
  ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
  env: [
    { name: 'DIR', value: '/srv' },
    { name: 'FROM_FIELD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ],
};

describe('resolveContainerPort', () => {
  it.each([
    { name: 'number', port: 80, want: { port: 80 } },
    { name: 'named container port', port: 'metrics', want: { port: 9090 } },
    { name: 'number written as a string', port: '8081', want: { port: 8081 } },
    { name: 'unknown name', port: 'admin', want: { error: 'strconv.Atoi: parsing "admin": invalid syntax' } },
    { name: 'zero', port: 0, want: { error: 'invalid port number: 0' } },
    { name: 'too large', port: '70000', want: { error: 'invalid port number: 70000' } },
  ])('$name', ({ port, want }) => {
    expect(resolveContainerPort(port, container)).toEqual(want);
  });
});

describe('expandStatic', () => {
  it.each([
    { name: 'literal env value', arg: 'cat $(DIR)/ok', want: 'cat /srv/ok' },
    { name: 'valueFrom is not known to probes', arg: '$(FROM_FIELD)', want: '$(FROM_FIELD)' },
    { name: 'unknown name kept', arg: '$(NOPE)', want: '$(NOPE)' },
    { name: 'escaped dollar', arg: '$$(DIR)', want: '$(DIR)' },
    { name: 'plain shell variable untouched', arg: 'echo $HOME', want: 'echo $HOME' },
    { name: 'unterminated reference', arg: 'x$(DIR', want: 'x$(DIR' },
    { name: 'trailing dollar', arg: 'cost$', want: 'cost$' },
  ])('$name', ({ arg, want }) => {
    expect(expandStatic([arg], container)).toEqual([want]);
  });
});

describe('probeTiming', () => {
  it.each([
    { name: 'API defaults for missing fields', probe: {}, want: { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } },
    {
      name: 'explicit values kept',
      probe: { initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 3, successThreshold: 2, failureThreshold: 1 },
      want: { initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 3, successThreshold: 2, failureThreshold: 1 },
    },
  ])('$name', ({ probe, want }) => {
    expect(probeTiming(probe)).toEqual(want);
  });
});
