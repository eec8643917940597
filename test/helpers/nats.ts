import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const NATS_URL = process.env.HAVEN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const CI = process.env.CI === 'true';

let reachable: Promise<boolean> | null = null;
function natsReachable(): Promise<boolean> {
  reachable ??= (async () => {
    try {
      const nc = await connect({ servers: NATS_URL, timeout: 2000, reconnect: false });
      await jetstreamManager(nc); // JetStream must be enabled (nats-server -js), not just core NATS
      await nc.close();
      return true;
    } catch {
      return false;
    }
  })();
  return reachable;
}

/**
 * True when NATS with JetStream is reachable; otherwise skips the test, or fails it under CI=true, where the
 * distributed-mode tests must run.
 */
export async function requireNats(t: TestContext): Promise<boolean> {
  if (await natsReachable()) return true;
  if (CI) throw new Error(`NATS with JetStream is required under CI=true but ${NATS_URL} is not reachable`);
  t.skip(`NATS with JetStream not reachable at ${NATS_URL}`);
  return false;
}

/** A stream/subject prefix of its own for one test, so tests sharing the NATS server never see each other's work. */
export function natsPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}
