import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpikeAlert } from '../../../src/analytics/trends/service.js';
import { DEMO_SEEDED_KEY } from '../../../src/demo/seed.js';
import { PLANTED } from '../../../src/demo/planted.js';
import { startHaven } from '../../helpers/haven.js';

test('on the seeded demo world the planted spike is the top category-on-surface alert, naming its slice and items', async () => {
  const h = await startHaven({ demo: true });
  try {
    const login = await fetch(`${h.url}/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: h.analystEmail, password: h.password }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const seeded = await h.haven.store.db.selectFrom('settings').select('value').where('key', '=', DEMO_SEEDED_KEY).executeTakeFirstOrThrow();
    const demoNow = (JSON.parse(seeded.value) as { at: number }).at;

    const res = await fetch(`${h.url}/v1/analytics/spikes?bucket=day&until=${demoNow}`, { headers: { cookie } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { method: string; alerts: SpikeAlert[] };
    assert.equal(body.method, 'same_weekday_previous_weeks', 'the demo has four weeks of history');
    const slices = body.alerts.filter((a) => a.slice.kind === 'category_surface');
    const top = slices[0];
    assert.ok(top, `alerts: ${JSON.stringify(body.alerts.map((a) => a.label))}`);
    assert.deepEqual(top.slice, { kind: 'category_surface', category: PLANTED.spike.category, surface: PLANTED.spike.surface });
    assert.equal(top.label, `${PLANTED.spike.category} on ${PLANTED.spike.surface}`);
    assert.ok(top.value >= PLANTED.spike.count, `value ${top.value}`);
    assert.ok(top.score >= 3.5 && top.value > top.baseline.median);

    // The items behind the alert are the planted comments.
    const planted = await h.haven.store.db.selectFrom('items').select('id')
      .where('external_id', 'like', `${PLANTED.spike.externalIdPrefix}%`).execute();
    assert.equal(planted.length, PLANTED.spike.count);
    const ids = new Set(planted.map((p) => p.id));
    assert.ok(top.items.length >= PLANTED.spike.count && top.items.filter((i) => ids.has(i)).length === PLANTED.spike.count);

    // A day without the burst raises no alert for that slice.
    const before = (await (await fetch(`${h.url}/v1/analytics/spikes?bucket=day&until=${demoNow - 86_400_000}`, { headers: { cookie } })).json()) as { alerts: SpikeAlert[] };
    assert.ok(!before.alerts.some((a) => a.label === top.label), JSON.stringify(before.alerts.map((a) => a.label)));
  } finally {
    await h.close();
  }
});
