/**
 * Neutral grooming and sextortion indicators. Text rules tag their hits with one; conversation risk accumulates them
 * over time. Each alone is weak: what matters is how many distinct ones a conversation collects, and how fast.
 */
export const INDICATORS = [
  'age_probing', 'flattery', 'secrecy', 'isolation', 'platform_move', 'gift_offer', 'photo_request', 'meeting_request',
  'threat', 'payment_demand',
] as const;
export type Indicator = (typeof INDICATORS)[number];
