// Progress lines, one when a step starts and one when it ends with its duration
// (`✓ etcd ready (0.9s)`). Plain lines only, so logs and non-TTY output stay readable.
export interface Progress {
  /** `• <start> <name>`, then `✓ <name> <verb> (1.2s)` or `✗ <name> failed after …: <why>` */
  step<T>(name: string, verb: string, fn: () => Promise<T>, start?: string): Promise<T>;
  line(text: string): void;
}

export function progress(out: (line: string) => void, now: () => number = () => performance.now()): Progress {
  const secs = (t0: number) => `${((now() - t0) / 1000).toFixed(1)}s`;
  return {
    async step(name, verb, fn, start = 'starting') {
      out(`• ${start} ${name}`);
      const t0 = now();
      try {
        const result = await fn();
        out(`✓ ${name} ${verb} (${secs(t0)})`);
        return result;
      } catch (err) {
        out(`✗ ${name} failed after ${secs(t0)}: ${(err as Error).message}`);
        throw err;
      }
    },
    line: out,
  };
}
