import { conflict } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import { makePod } from '../../framework/testing.ts';
import { CycleState, type Handle, type Pod } from '../../framework/types.ts';
import { DefaultBinder, factory, NAME } from './index.ts';

/** A handle whose bindPod records each call and fails with `error` when one is given. */
function recordingHandle(error?: Error): { handle: Handle; binds: { pod: string; node: string }[] } {
  const binds: { pod: string; node: string }[] = [];
  const handle = {
    bindPod: async (pod: Pod, node: string) => {
      binds.push({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, node });
      if (error) throw error;
    },
  } as Partial<Handle> as Handle;
  return { handle, binds };
}

describe('DefaultBinder', () => {
  const cases: { name: string; error?: Error; want: unknown }[] = [
    { name: 'binding accepted', want: { code: 'Success' } },
    {
      name: 'binding refused by the API becomes an Error naming the plugin',
      error: conflict({ resource: 'pods' }, 'p', 'pod p is already assigned to node "n2"'),
      want: { code: 'Error', plugin: NAME, error: expect.objectContaining({ message: expect.stringContaining('already assigned') }) },
    },
    {
      name: 'a non-Error rejection is wrapped',
      error: 'boom' as unknown as Error,
      want: { code: 'Error', plugin: NAME, error: new Error('boom') },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { handle, binds } = recordingHandle(c.error);
      const plugin = factory(undefined, handle);
      expect(plugin.name).toBe('DefaultBinder');
      const status = await (plugin as DefaultBinder).bind(new CycleState(), makePod('p', { namespace: 'ns' }), 'n1');
      expect(status).toEqual(c.want);
      expect(binds).toEqual([{ pod: 'ns/p', node: 'n1' }]);
    });
  }
});
