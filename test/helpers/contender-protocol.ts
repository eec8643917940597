// What the parent of test/helpers/contender.ts passes to it and reads back: options as one JSON argument, and one
// JSON line per claim, completion or release on stdout. A contender reports 'ready', then waits for a line on stdin.
import { z } from 'zod';

const common = { databaseUrl: z.string(), owner: z.string() };

export const contenderOptionsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('jobs'), ...common, batch: z.number().int().positive(), leaseMs: z.number().int().positive(),
    /** Take one batch, report it, then hang holding the leases until killed. */
    crash: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('outbox'), ...common, batch: z.number().int().positive(), leaseMs: z.number().int().positive(),
    url: z.string(), secret: z.string(), crash: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('review'), ...common, userId: z.string(), roles: z.array(z.string()),
    /** Every claim whose (task, reviewer) hash lands here is given back once, so tasks change hands under contention. */
    releaseOneIn: z.number().int().positive(),
  }),
]);
export type ContenderOptions = z.input<typeof contenderOptionsSchema>;
export type ParsedContenderOptions = z.infer<typeof contenderOptionsSchema>;

export const contenderLineSchema = z.discriminatedUnion('event', [
  /** `now`: the clock the claim used (a lease runs to now + leaseMs); `at`: after the claim committed. */
  z.strictObject({ event: z.literal('claimed'), owner: z.string(), ids: z.array(z.string()), now: z.number(), at: z.number() }),
  /** `before`: just before the completing (or releasing) statement ran; `ids`: what it actually finished. */
  z.strictObject({ event: z.literal('completed'), owner: z.string(), ids: z.array(z.string()), before: z.number(), at: z.number() }),
  z.strictObject({ event: z.literal('released'), owner: z.string(), ids: z.array(z.string()), before: z.number(), at: z.number() }),
  z.strictObject({ event: z.literal('delivered'), owner: z.string(), count: z.number().int(), at: z.number() }),
  z.strictObject({ event: z.literal('ready'), owner: z.string(), at: z.number() }),
  z.strictObject({ event: z.literal('finished'), owner: z.string(), at: z.number() }),
]);
export type ContenderLine = z.infer<typeof contenderLineSchema>;
