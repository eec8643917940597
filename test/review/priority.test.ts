import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overduePoints, priorityOf } from '../../src/review/priority.js';

const HOUR = 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

test('severity orders fresh tasks and ongoing harm outranks every severity', () => {
  const fresh = (severity: string, ongoingHarm = false) => priorityOf({ severity, ongoingHarm, slaDueAt: NOW + HOUR, createdAt: NOW }, NOW);
  assert.ok(fresh('S0') > fresh('S1') && fresh('S1') > fresh('S2') && fresh('S2') > fresh('S3') && fresh('S3') > fresh('NONE'));
  assert.ok(fresh('S3', true) > fresh('S0'));
});

test('overdue points start at the SLA, grow per window overdue and are capped', () => {
  assert.equal(overduePoints(null, NOW - HOUR, NOW), 0);
  assert.equal(overduePoints(NOW + 1, NOW - HOUR, NOW), 0);
  assert.equal(overduePoints(NOW, NOW - HOUR, NOW), 50);
  assert.equal(overduePoints(NOW - HOUR, NOW - 2 * HOUR, NOW), 100);
  assert.equal(overduePoints(NOW - 100 * HOUR, NOW - 101 * HOUR, NOW), 150);
});

test('no overdue S1 passes a fresh S0, but a long-overdue S3 climbs past a fresh S2', () => {
  const s1VeryLate = priorityOf({ severity: 'S1', ongoingHarm: false, slaDueAt: NOW - 100 * HOUR, createdAt: NOW - 104 * HOUR }, NOW);
  const s0Fresh = priorityOf({ severity: 'S0', ongoingHarm: false, slaDueAt: NOW + HOUR, createdAt: NOW }, NOW);
  assert.ok(s0Fresh > s1VeryLate);
  const s3Late = priorityOf({ severity: 'S3', ongoingHarm: false, slaDueAt: NOW - 150 * HOUR, createdAt: NOW - 222 * HOUR }, NOW);
  const s2Fresh = priorityOf({ severity: 'S2', ongoingHarm: false, slaDueAt: NOW + HOUR, createdAt: NOW }, NOW);
  assert.ok(s3Late > s2Fresh);
});
