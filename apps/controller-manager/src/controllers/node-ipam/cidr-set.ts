// The pod address ranges a cluster CIDR is cut into (upstream nodeipam/ipam/cidrset): every node
// gets one subnet of `maskSize` bits. Allocation goes round-robin from the last subnet handed out,
// so a subnet just released is not reused at once while stale routes may still point at it.
// IPv4 only.

const toInt = (ip: string): number => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address ${ip}`);
  return parts.reduce((n, p) => n * 256 + p, 0);
};

const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export class CidrSet {
  readonly #base: number;
  readonly #size: number;
  readonly #step: number;
  readonly #used = new Set<number>();
  #next = 0;

  constructor(readonly clusterCIDR: string, readonly maskSize: number) {
    const [ip = '', bits = ''] = clusterCIDR.split('/');
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR ${clusterCIDR}`);
    if (!Number.isInteger(maskSize) || maskSize < prefix || maskSize > 32) throw new Error(`node CIDR mask size ${maskSize} does not fit in ${clusterCIDR}`);
    this.#step = 2 ** (32 - maskSize);
    this.#base = toInt(ip) - (toInt(ip) % 2 ** (32 - prefix));
    this.#size = 2 ** (maskSize - prefix);
  }

  get free(): number {
    return this.#size - this.#used.size;
  }

  /** The next free subnet, or undefined when every one is taken. */
  allocate(): string | undefined {
    for (let i = 0; i < this.#size; i++) {
      const idx = (this.#next + i) % this.#size;
      if (this.#used.has(idx)) continue;
      this.#used.add(idx);
      this.#next = (idx + 1) % this.#size;
      return `${toIp(this.#base + idx * this.#step)}/${this.maskSize}`;
    }
    return undefined;
  }

  /** Marks a subnet as taken; false if it is not one of this set's subnets. */
  occupy(cidr: string): boolean {
    const idx = this.#index(cidr);
    if (idx === undefined) return false;
    this.#used.add(idx);
    return true;
  }

  release(cidr: string): void {
    const idx = this.#index(cidr);
    if (idx !== undefined) this.#used.delete(idx);
  }

  #index(cidr: string): number | undefined {
    const [ip = '', bits = ''] = cidr.split('/');
    if (Number(bits) !== this.maskSize || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
    const off = toInt(ip) - this.#base;
    if (off < 0 || off % this.#step !== 0 || off / this.#step >= this.#size) return undefined;
    return off / this.#step;
  }
}
