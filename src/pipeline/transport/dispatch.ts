import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/db.js';
import { markDispatched } from '../../store/repos/jobs.js';
import type { NatsLink } from './nats.js';

/** Hands newly committed items to the workers. */
export interface WorkDispatch {
  /** Called after the items and their jobs have committed. Never throws: an item not handed over is not lost. */
  dispatch(itemIds: readonly string[]): Promise<void>;
}

/**
 * Distributed mode: publishes each committed item to the JetStream work queue, then records that it did. If this
 * process dies between the commit and the publish, the job stays undispatched in the table, and a worker's stranded-job
 * sweep processes it; nothing is lost and nothing is processed twice (the job's lease decides who processes it).
 */
export class StreamDispatch implements WorkDispatch {
  constructor(
    private readonly link: NatsLink,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async dispatch(itemIds: readonly string[]): Promise<void> {
    if (itemIds.length === 0) return;
    try {
      await this.link.publishItems(itemIds);
      await markDispatched(this.store.db, itemIds, this.clock.now());
    } catch (e) {
      this.logger.warn({ err: e, items: itemIds.length }, 'items committed but not yet handed to the work stream; a worker will pick them up from the table');
    }
  }
}
