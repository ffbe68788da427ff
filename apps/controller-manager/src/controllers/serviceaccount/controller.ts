// The ServiceAccount controller: namespaces queue themselves when added or changed; a deleted
// managed account queues its namespace so that the account is created again.
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { ControllerContext } from '../../controller/context.ts';
import { unwrap } from '../endpoints/controller.ts';
import { ApiServiceAccountPort, ServiceAccountSync } from './sync.ts';

export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount-controller';
  readonly sync: ServiceAccountSync;
  readonly #workers: KeyedWorkers;

  constructor(ctx: ControllerContext) {
    const namespaces = ctx.informers.for<Namespace>('', 'v1', 'namespaces');
    const accounts = ctx.informers.for<ServiceAccount>('', 'v1', 'serviceaccounts');
    this.sync = new ServiceAccountSync({ namespaces: namespaces.lister, serviceAccounts: accounts.lister, port: new ApiServiceAccountPort(ctx.client) });
    this.#workers = new KeyedWorkers({
      name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (key) => this.sync.sync(key),
    });
    namespaces.addEventHandler({ onAdd: (ns) => this.#workers.enqueue(ns), onUpdate: (_o, ns) => this.#workers.enqueue(ns) });
    accounts.addEventHandler({
      onDelete: (x) => {
        const sa = unwrap(x);
        if (this.sync.accounts.includes(sa.metadata?.name ?? '')) this.#workers.enqueue(sa.metadata?.namespace ?? '');
      },
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
