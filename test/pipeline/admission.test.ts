import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AdmissionPolicy, type BacklogSample, DEFAULT_POLICY, decide, drainRate, retryAfterSeconds } from '../../src/pipeline/admission.js';

const policy: AdmissionPolicy = { ...DEFAULT_POLICY, limit: 1000 };
const at = (backlog: number, refusing: boolean, incoming = 1, samples: BacklogSample[] = [], now = 0) =>
  decide({ backlog, incoming, refusing, policy, samples, now });

test('below the limit ingest is accepted; at the limit it is refused as backlog_full and the state turns to refusing', () => {
  assert.deepEqual(at(0, false), { accept: true, refusing: false });
  assert.deepEqual(at(999, false), { accept: true, refusing: false }, 'the last free place is taken');
  const full = at(1000, false);
  assert.equal(full.accept, false);
  assert.equal(full.refusing, true);
  assert.equal(!full.accept && full.reason, 'backlog_full');
});

test('hysteresis: once full, refused until the backlog falls below 90% of the limit', () => {
  for (const backlog of [999, 950, 901, 900]) {
    const d = at(backlog, true);
    assert.equal(d.accept, false, `still refusing at ${backlog}`);
    assert.equal(d.refusing, true);
  }
  assert.deepEqual(at(899, true), { accept: true, refusing: false });
  // Without the refusing state the same backlog is admitted: the state is what holds clients back.
  assert.deepEqual(at(950, false), { accept: true, refusing: false });
});

test('a batch that would overfill the backlog is refused whole, without refusing the smaller requests after it', () => {
  const batch = at(900, false, 200);
  assert.equal(batch.accept, false);
  assert.equal(!batch.accept && batch.reason, 'batch_too_large');
  assert.equal(batch.refusing, false);
  assert.deepEqual(at(900, false, 100), { accept: true, refusing: false }, 'exactly filling the backlog is allowed');
  assert.deepEqual(at(0, false, 5000), { accept: true, refusing: false }, 'a batch larger than the limit fits into an empty backlog');
  assert.equal(at(1, false, 5000).accept, false);
});

test('drain rate: the backlog fall plus what was admitted meanwhile, per second, over the window only', () => {
  const samples: BacklogSample[] = [
    { at: 0, backlog: 5000, admittedTotal: 0 }, // outside a 30 s window ending at 40 s
    { at: 20_000, backlog: 1000, admittedTotal: 100 },
    { at: 30_000, backlog: 800, admittedTotal: 400 },
  ];
  // 1000 + 300 admitted - 800 = 500 drained over 10 s.
  assert.equal(drainRate(samples, 40_000, 30_000), 50);
  assert.equal(drainRate(samples.slice(2), 40_000, 30_000), null, 'one reading says nothing about a rate');
  assert.equal(drainRate([{ at: 0, backlog: 10, admittedTotal: 0 }, { at: 1000, backlog: 30, admittedTotal: 0 }], 1000, 30_000), 0, 'a growing backlog with nothing admitted here drains at 0, never below');
});

test('Retry-After: excess over the drain rate, at least 1 s, at most the cap; the fallback without history; the cap when nothing drains', () => {
  assert.equal(retryAfterSeconds(500, 50, policy), 10);
  assert.equal(retryAfterSeconds(1, 1000, policy), 1);
  assert.equal(retryAfterSeconds(1_000_000, 1, policy), 60);
  assert.equal(retryAfterSeconds(500, null, policy), 5);
  assert.equal(retryAfterSeconds(500, 0, policy), 60);
  // While refusing, the wait is until the backlog is below the resume level: 1000 - 900 + 1 = 101 items at 50/s.
  const samples: BacklogSample[] = [{ at: 0, backlog: 1500, admittedTotal: 0 }, { at: 10_000, backlog: 1000, admittedTotal: 0 }];
  const d = at(1000, true, 1, samples, 10_000);
  assert.equal(!d.accept && d.retryAfterSeconds, 3);
});

test('property: whatever the history, an accepted request never takes a non-empty backlog over the limit, and Retry-After is an integer in [1, 60]', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 10_000 }),
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 1, max: 500 }),
    fc.boolean(),
    fc.array(fc.record({ at: fc.integer({ min: 0, max: 60_000 }), backlog: fc.integer({ min: 0, max: 20_000 }), admittedTotal: fc.integer({ min: 0, max: 50_000 }) }), { maxLength: 6 }),
    (limit, backlog, incoming, refusing, raw) => {
      const samples = [...raw].sort((a, b) => a.at - b.at);
      const d = decide({ backlog, incoming, refusing, policy: { ...policy, limit }, samples, now: 60_000 });
      if (d.accept) {
        assert.ok(backlog === 0 || backlog + incoming <= limit);
        assert.ok(!refusing || backlog < Math.floor(limit * 0.9), 'a refusing gate reopens only below the resume level');
      } else {
        assert.ok(Number.isInteger(d.retryAfterSeconds) && d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60);
        if (backlog >= limit) assert.equal(d.refusing, true);
      }
    },
  ));
});
