// Periodic etcd compaction, as upstream's apiserver does (--etcd-compaction-interval, 5 minutes):
// each interval compacts to the revision seen one interval earlier, so watches and continue
// tokens up to one interval old still work and etcd's history stays bounded. The `compact_rev_key`
// transaction lets several API servers share the job: only the one whose view of the key's
// version is current compacts.
import type { Logger } from 'pino';
import type { EtcdStore } from './etcd-store.ts';

const KEY = Buffer.from('compact_rev_key');

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  /** The key's version after our last round (0: not seen yet), and the revision then. */
  private version = 0;
  private lastRevision = 0;

  constructor(private readonly etcd: EtcdStore, private readonly intervalMs: number, private readonly log: Logger) {}

  start() {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.round().catch((e) => this.log.warn({ err: (e as Error).message }, 'etcd compaction failed')), this.intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** One round: claim the round in etcd, then compact to where the previous round was. */
  async round(): Promise<void> {
    const res = await this.etcd.client.kv.txn({
      compare: [{ key: KEY, result: 'Equal', target: 'Version', version: this.version }],
      success: [{ request_put: { key: KEY, value: Buffer.from('') } }],
      failure: [{ request_range: { key: KEY } }],
    });
    const revision = Number(res.header.revision);
    if (!res.succeeded) {
      // Someone else compacted (or this is our first round): adopt their view, try next time.
      this.version = Number(res.responses[0]?.response_range?.kvs[0]?.version ?? 0);
      this.lastRevision = revision;
      return;
    }
    this.version += 1;
    const target = this.lastRevision;
    this.lastRevision = revision;
    if (target > 0) {
      await this.etcd.client.kv.compact({ revision: target, physical: false });
      this.log.info({ revision: target }, 'etcd compacted');
    }
  }
}
