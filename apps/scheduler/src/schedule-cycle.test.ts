import { describe, expect, it } from 'vitest';
import { BindingsInFlight } from './schedule-cycle.ts';

/** Whether `p` has settled by the time the microtasks queued so far have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('BindingsInFlight', () => {
  const signal = new AbortController().signal;

  it('lets the loop go on while fewer bindings than the limit run', async () => {
    const b = new BindingsInFlight(2);
    b.started();
    expect(await settled(b.room(signal))).toBe(true);
    expect(b.running).toBe(1);
  });

  it('holds the loop at the limit until a binding ends', async () => {
    const b = new BindingsInFlight(2);
    b.started();
    b.started();
    const room = b.room(signal);
    expect(await settled(room)).toBe(false);
    b.ended();
    expect(await settled(room)).toBe(true);
    expect(b.running).toBe(1);
  });

  it('lets the loop stop while it waits', async () => {
    const b = new BindingsInFlight(1);
    b.started();
    const ac = new AbortController();
    const room = b.room(ac.signal);
    expect(await settled(room)).toBe(false);
    ac.abort();
    expect(await settled(room)).toBe(true);
  });
});
