import type { AgeBand } from '../../../core/types.js';
import type { DetectionInput } from '../../types.js';
import type { Range, RuleConditions } from './format.js';

const DAY_MS = 86_400_000;

/**
 * What a rule's `when:` conditions look at. A field left undefined is unknown, and a condition on an unknown field
 * does not hold: a rule that needs "account younger than 30 days" stays quiet when the account's age is unknown.
 */
export interface RuleContext {
  /** Surface of the item (direct_message, comment, public_post...). */
  surface?: string | undefined;
  /** Age band of the author; no author counts as 'unknown'. */
  authorAgeBand?: AgeBand | undefined;
  /** Age bands of the recipients; a recipient condition holds when any recipient is in one of its bands. */
  recipientAgeBands?: readonly AgeBand[] | undefined;
  /** Whole days between the author's account creation and the item. */
  authorAccountAgeDays?: number | undefined;
  /** Messages in the conversation up to and including this one (the first message is 1). */
  conversationMessageCount?: number | undefined;
}

/** The context from what the pipeline passes a detector; the message count comes from input.context.conversation. */
export function ruleContextFromInput(input: DetectionInput): RuleContext {
  const { item, author, recipients } = input;
  const conversation = input.context?.conversation;
  return {
    surface: item.surface,
    authorAgeBand: author?.ageBand ?? 'unknown',
    recipientAgeBands: recipients.map((r) => r.ageBand),
    authorAccountAgeDays: author ? accountAgeDays(author.createdAt, item.createdAt) : undefined,
    conversationMessageCount: conversation ? conversation.messagesBefore + 1 : undefined,
  };
}

export function accountAgeDays(accountCreatedAt: number, at: number): number {
  return Math.max(0, Math.floor((at - accountCreatedAt) / DAY_MS));
}

function inRange(value: number | undefined, range: Range | undefined): boolean {
  if (range === undefined) return true;
  if (value === undefined) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** True when every condition given holds for the context. */
export function conditionsHold(when: RuleConditions | undefined, ctx: RuleContext): boolean {
  if (!when) return true;
  if (when.authorAgeBands && !when.authorAgeBands.includes(ctx.authorAgeBand ?? 'unknown')) return false;
  if (when.recipientAgeBands && !(ctx.recipientAgeBands ?? []).some((b) => when.recipientAgeBands?.includes(b))) return false;
  if (when.surfaces && (ctx.surface === undefined || !when.surfaces.includes(ctx.surface))) return false;
  return inRange(ctx.authorAccountAgeDays, when.authorAccountAgeDays) && inRange(ctx.conversationMessageCount, when.conversationMessageCount);
}
