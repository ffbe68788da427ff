// The only code that talks to etcd. It knows keys, bytes and revisions — nothing about kinds.
// Every write is one transaction guarded on the key's revision, so a write either happens whole
// or answers 409 and leaves etcd untouched.
import { Etcd3, type IKeyValue } from 'etcd3';
import { etcdError } from './errors.ts';
import type { StorageMetrics } from './metrics.ts';

export interface StoredValue {
  key: string;
  value: Buffer;
  /** mod revision: the object's resourceVersion */
  rev: number;
  createRev: number;
}

export interface RangeResult {
  kvs: StoredValue[];
  /** the store revision the range was read at */
  revision: number;
  more: boolean;
  count: number;
}

export type WriteResult = { ok: true; rev: number } | { ok: false; current: StoredValue | undefined };

export interface EtcdStoreOptions {
  endpoints: string[];
  /** per-call deadline; etcd is on loopback, so a slow call means it is gone */
  callTimeoutMs?: number;
  metrics?: StorageMetrics;
}

const toStored = (kv: IKeyValue): StoredValue => ({
  key: kv.key.toString(),
  value: kv.value,
  rev: Number(kv.mod_revision),
  createRev: Number(kv.create_revision),
});

/** The first key after every key that starts with `prefix`. */
export const prefixEnd = (prefix: string) => {
  const b = Buffer.from(prefix);
  b[b.length - 1]! += 1;
  return b;
};

export class EtcdStore {
  readonly client: Etcd3;
  private readonly metrics: StorageMetrics | undefined;

  constructor(opts: EtcdStoreOptions) {
    const deadline = opts.callTimeoutMs ?? 10_000;
    this.metrics = opts.metrics;
    this.client = new Etcd3({
      hosts: opts.endpoints,
      dialTimeout: 2_000,
      // grpc-js' default 4 MiB limit fails on large ranges (RUNTIME.md); pages are bounded anyway.
      grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 16 * 1024 * 1024 },
      // Unary calls only: a deadline on the watch stream would cut it every `deadline` ms.
      defaultCallOptions: (call) => (call.isStream ? {} : { deadline: Date.now() + deadline }),
    });
  }

  private async timed<T>(op: string, f: () => Promise<T>): Promise<T> {
    const end = this.metrics?.etcdLatency.startTimer({ operation: op });
    try {
      return await f();
    } catch (e) {
      throw etcdError(e, op);
    } finally {
      end?.();
    }
  }

  get(key: string): Promise<StoredValue | undefined> {
    return this.timed('get', async () => {
      const res = await this.client.kv.range({ key: Buffer.from(key) });
      return res.kvs[0] ? toStored(res.kvs[0]) : undefined;
    });
  }

  /** The current store revision (a consistent read, one round trip). */
  revision(): Promise<number> {
    return this.timed('revision', async () => {
      const res = await this.client.kv.range({ key: Buffer.from('\0'), keys_only: true, limit: 1 });
      return Number(res.header.revision);
    });
  }

  /** Keys from `start` (inclusive) up to the end of `prefix`, at `revision` (0 = now). */
  range(prefix: string, opts: { start?: string; limit?: number; revision?: number } = {}): Promise<RangeResult> {
    return this.timed('list', async () => {
      const res = await this.client.kv.range({
        key: Buffer.from(opts.start ?? prefix),
        range_end: prefixEnd(prefix),
        limit: opts.limit ?? 0,
        revision: opts.revision ?? 0,
      });
      return {
        kvs: res.kvs.map(toStored),
        revision: Number(res.header.revision),
        more: res.more,
        count: Number(res.count),
      };
    });
  }

  /**
   * Everything under `prefix` at `revision` (0 = now), read in pages so a large resource never
   * needs one huge gRPC message; returns the revision the read was made at.
   */
  async rangeAll(prefix: string, revision = 0): Promise<{ kvs: StoredValue[]; revision: number }> {
    const kvs: StoredValue[] = [];
    let start: string | undefined;
    for (;;) {
      const page = await this.range(prefix, { start, limit: 2_000, revision });
      revision = page.revision;
      kvs.push(...page.kvs);
      const last = page.kvs.at(-1);
      if (!page.more || !last) return { kvs, revision };
      start = `${last.key}\0`;
    }
  }

  /** Create iff the key does not exist. */
  create(key: string, value: Buffer | string, lease?: string): Promise<WriteResult> {
    return this.guardedPut('create', key, { target: 'Create', create_revision: 0 }, value, lease);
  }

  /** Replace iff the key is still at `rev`. */
  update(key: string, value: Buffer | string, rev: number, lease?: string): Promise<WriteResult> {
    return this.guardedPut('update', key, { target: 'Mod', mod_revision: rev }, value, lease);
  }

  /** Delete iff the key is still at `rev`. */
  delete(key: string, rev: number): Promise<WriteResult> {
    return this.timed('delete', async () => {
      const k = Buffer.from(key);
      const res = await this.client.kv.txn({
        compare: [{ key: k, result: 'Equal', target: 'Mod', mod_revision: rev }],
        success: [{ request_delete_range: { key: k } }],
        failure: [{ request_range: { key: k } }],
      });
      if (res.succeeded) return { ok: true, rev: Number(res.header.revision) };
      const kv = res.responses[0]?.response_range?.kvs[0];
      return { ok: false, current: kv ? toStored(kv) : undefined };
    });
  }

  /** A lease for objects that expire (Events keep upstream's one-hour TTL). */
  grantLease(ttlSeconds: number): Promise<string> {
    return this.timed('lease', async () => String((await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds })).ID));
  }

  private guardedPut(
    op: string,
    key: string,
    cmp: { target: 'Create'; create_revision: number } | { target: 'Mod'; mod_revision: number },
    value: Buffer | string,
    lease?: string,
  ): Promise<WriteResult> {
    return this.timed(op, async () => {
      const k = Buffer.from(key);
      const res = await this.client.kv.txn({
        compare: [{ key: k, result: 'Equal', ...cmp }],
        success: [{ request_put: { key: k, value: Buffer.from(value), ...(lease ? { lease } : {}) } }],
        failure: [{ request_range: { key: k } }],
      });
      if (res.succeeded) return { ok: true, rev: Number(res.header.revision) };
      const kv = res.responses[0]?.response_range?.kvs[0];
      return { ok: false, current: kv ? toStored(kv) : undefined };
    });
  }

  close() {
    this.client.close();
  }
}
