/** Polls `f` every 25 ms until it returns something truthy, and returns that; throws after `ms`. */
export async function until<T>(f: () => Promise<T | undefined | false>, ms = 20_000, what = 'a condition'): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
