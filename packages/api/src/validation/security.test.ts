import { describe, expect, it } from 'vitest';
import { validateCreate } from './index.ts';
import { container, lines, podSpec } from './testutil.ts';

const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: podSpec(spec) });
const withContainer = (securityContext: Record<string, unknown>) => pod({ containers: [container({ securityContext })] });
const C = 'spec.containers[0].securityContext';

describe('security contexts', () => {
  it.each([
    { name: 'a typical restricted pod', obj: pod({
      securityContext: { runAsNonRoot: true, runAsUser: 101, fsGroup: 101, supplementalGroups: [1000], seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container({ securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })],
    }), want: [] },
    { name: 'negative runAsUser', obj: pod({ securityContext: { runAsUser: -1 } }),
      want: ['spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'] },
    { name: 'negative supplemental group', obj: pod({ securityContext: { supplementalGroups: [5, -2] } }),
      want: ['spec.securityContext.supplementalGroups[1]: Invalid value: -2: must be between 0 and 2147483647, inclusive'] },
    { name: 'unknown seccomp type', obj: pod({ securityContext: { seccompProfile: { type: 'Strict' } } }),
      want: ['spec.securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", "RuntimeDefault", "Unconfined"'] },
    { name: 'Localhost seccomp without a profile', obj: withContainer({ seccompProfile: { type: 'Localhost' } }),
      want: [`${C}.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost`] },
    { name: 'unknown fsGroupChangePolicy', obj: pod({ securityContext: { fsGroupChangePolicy: 'Sometimes' } }),
      want: ['spec.securityContext.fsGroupChangePolicy: Unsupported value: "Sometimes": supported values: "OnRootMismatch", "Always"'] },
  ])('$name', ({ obj, want }) => {
    expect(lines(validateCreate('Pod', obj))).toEqual(want);
  });

  it('refuses privilege escalation switched off for a privileged container', () => {
    const got = lines(validateCreate('Pod', withContainer({ privileged: true, allowPrivilegeEscalation: false })));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^spec\.containers\[0\]\.securityContext: Invalid value: .*: cannot set `allowPrivilegeEscalation` to false and `privileged` to true$/);
  });
});
