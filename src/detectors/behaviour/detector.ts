import type { Signal } from '../../core/types.js';
import type { Detector, DetectionInput, SignalDraft } from '../types.js';
import type { BehaviourConfig } from './config.js';
import {
  BEHAVIOUR_SIGNALS_VERSION, evaluateConvergence, evaluateFriendRequestBurst, evaluateMinorOutreach,
  evaluateNewAccountOutreach,
} from './evaluate.js';

/**
 * Contact patterns around minors, judged on the windowed counts the pipeline loads into the item's context
 * (this item's contacts included). Each rule fires on the item that takes its count to the threshold.
 */
export class BehaviourDetector implements Detector {
  readonly id = 'behaviour.contacts';
  readonly inputs = ['contact'] as const;
  readonly cost = 1;

  constructor(private readonly config: BehaviourConfig, private readonly configVersion: number) {}

  versions() {
    return { [this.id]: BEHAVIOUR_SIGNALS_VERSION, behaviour: this.configVersion };
  }

  detect({ item, author, context }: DetectionInput, _prior: readonly Signal[]): SignalDraft[] {
    const b = context?.behaviour;
    if (!b || !author) return [];
    const at = item.createdAt;
    const base = { authorId: author.id, authorBand: author.ageBand, at };
    const v = this.configVersion;
    return [
      ...evaluateMinorOutreach({ ...base, minorRecipients: b.minorRecipients }, this.config, v),
      ...evaluateNewAccountOutreach({ ...base, minorRecipients: b.newAccountMinorRecipients, accountCreatedAt: author.createdAt }, this.config, v),
      ...(item.surface === 'friend_request'
        ? evaluateFriendRequestBurst({ ...base, minorFriendRequests: b.minorFriendRequests }, this.config, v)
        : []),
      ...b.adultSenders.flatMap((r) =>
        evaluateConvergence({ recipientId: r.recipientId, recipientBand: r.recipientBand, at, adultSenders: r.senders }, this.config, v),
      ),
    ];
  }
}
