// The summary's arithmetic: CPU rates from cumulative counters, and the node's figures from /proc.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuRates, nodeMemory, readHost } from './stats.ts';

describe('CpuRates', () => {
  it('needs two samples, then gives nanocores over the interval; forgets keys not seen in a sweep', () => {
    const r = new CpuRates();
    expect(r.rate('c', 1_000_000_000n, 10_000_000_000n)).toBeUndefined();
    // 0.5 core-seconds over 2 s = a quarter core
    expect(r.rate('c', 1_500_000_000n, 12_000_000_000n)).toBe(250_000_000);
    // a counter that went back (a restarted container) starts over
    expect(r.rate('c', 10n, 13_000_000_000n)).toBeUndefined();
    r.sweep();
    r.sweep(); // 'c' was not sampled since the last sweep
    expect(r.rate('c', 20n, 14_000_000_000n)).toBeUndefined();
  });
});

describe('the node from /proc', () => {
  it('reads busy CPU time, boot time, memory and page faults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-proc-'));
    try {
      await mkdir(dir, { recursive: true });
      // user nice system idle iowait irq softirq steal guest guest_nice, in 1/100 s
      await writeFile(join(dir, 'stat'), 'cpu  100 20 30 5000 40 5 5 0 0 0\ncpu0 100 20 30 5000 40 5 5 0 0 0\nbtime 1790000000\n');
      await writeFile(join(dir, 'meminfo'), 'MemTotal:       8000 kB\nMemFree:        3000 kB\nMemAvailable:   4500 kB\nInactive(file):  1000 kB\nAnonPages:       2000 kB\n');
      await writeFile(join(dir, 'vmstat'), 'pgfault 77\npgmajfault 3\n');
      const h = await readHost(dir);
      expect(h.cpuUsageNs).toBe(1_600_000_000n); // (100+20+30+5+5+0) ticks of 10 ms
      expect(h.bootTime).toEqual(new Date(1_790_000_000_000));
      expect(nodeMemory(h, 't')).toEqual({
        time: 't', usageBytes: 5000 * 1024, workingSetBytes: 4000 * 1024, availableBytes: 4000 * 1024, rssBytes: 2000 * 1024, pageFaults: 77, majorPageFaults: 3,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
