// Cluster IPs and node ports. What is allocated is read from the services themselves (the watch
// cache, made fresh first), so allocations survive restarts and are released by deleting or
// changing the service; a short-lived reservation covers the moment between choosing a value
// and the write reaching the cache.
import { randomInt } from 'node:crypto';

export class RangeAllocator {
  private readonly reserved = new Map<number, number>();

  constructor(
    readonly first: number,
    readonly last: number,
    private readonly reservationMs = 30_000,
  ) {}

  get size() {
    return this.last - this.first + 1;
  }

  inRange(v: number) {
    return v >= this.first && v <= this.last;
  }

  private reservedNow(v: number, now: number) {
    const until = this.reserved.get(v);
    if (until === undefined) return false;
    if (until < now) {
      this.reserved.delete(v);
      return false;
    }
    return true;
  }

  /** Reserves `v` unless it is used or reserved; returns a function that gives it back. */
  claim(v: number, used: ReadonlySet<number>, now = Date.now()): (() => void) | undefined {
    if (!this.inRange(v) || used.has(v) || this.reservedNow(v, now)) return undefined;
    this.reserved.set(v, now + this.reservationMs);
    return () => this.reserved.delete(v);
  }

  /** A random free value, probing upwards from a random start as upstream's bitmap allocator. */
  allocate(used: ReadonlySet<number>, now = Date.now()): { value: number; release: () => void } | undefined {
    const start = randomInt(this.size);
    for (let i = 0; i < this.size; i++) {
      const v = this.first + ((start + i) % this.size);
      const release = this.claim(v, used, now);
      if (release) return { value: v, release };
    }
    return undefined;
  }
}

export const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
export const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
export const isIPv4 = (s: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((o) => Number(o) <= 255);

/** `10.96.0.0/16` → the usable addresses (network and broadcast excluded). */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const base = ipToInt(ip!) - (ipToInt(ip!) % size);
  return { first: base + 1, last: base + size - 2 };
}
