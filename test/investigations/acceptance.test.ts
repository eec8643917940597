// Acceptance for investigations: a banked image is re-posted with a perturbation that takes it past the match
// radius. The escalation's trace names the near miss as the first missed catch, Haven suggests evasion by
// perturbation, a proposal to bank the variant is backtested (the variant flips), approved by a second person and
// deployed; a third variant is then caught, and the postmortem shows the loop closed with its times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { itemInputSchema } from '../../src/core/item-input.js';
import { PASSWORD, apiFixture } from '../api/setup.js';
import { scenePng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';

const crop = (img: Buffer, left: number) => sharp(img).extract({ left, top: 0, width: 640 - left, height: 480 }).png().toBuffer();

test('a perturbed re-post: trace, suggested cause, backtested and approved bank proposal, the next variant caught, the loop closed', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'investigator@test.local', name: 'Ines', password: PASSWORD, roles: ['investigator'] }, 'test');
      const investigator = await f.login('investigator');
      const senior = await f.login('senior_reviewer');
      const analyst = await f.login('analyst');
      const as = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
      const call = async (who: { cookie: string; csrf: string }, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
        const res = await f.app.inject({ method, url, headers: as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
        return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body };
      };

      // A known image in an enforcing bank; its perturbed copy is posted and only nearly matches.
      const original = await scenePng(1);
      const [prepared] = (await f.haven.ingestor.prepare(itemInputSchema.parse({ externalId: 'probe', surface: 'public_post', media: [{ data: original.toString('base64') }] }))).media;
      const bank = await f.haven.banks.create({ name: 'known-images', description: 'industry list', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'pdq', hash: prepared!.pdq!, category: 'CSE-01' }], 'test');
      const post = async (externalId: string, img: Buffer) => {
        const res = await f.app.inject({
          method: 'POST', url: '/v1/items', headers: f.auth(),
          payload: { externalId, surface: 'public_post', author: { externalId: `acct_${externalId}` }, media: [{ data: img.toString('base64') }] },
        });
        assert.ok(res.statusCode < 300, res.body);
        await f.drain();
        return (res.json() as { itemId: string }).itemId;
      };
      const variant = await post('repost_1', await crop(original, 19));
      const verdictOf = async (itemId: string) => (await call(senior, 'GET', `/v1/items/${itemId}`)).body.decision.verdict as string;
      assert.equal(await verdictOf(variant), 'no_violation', 'the perturbed copy slipped through');

      // The escalation: opened by an investigator; the trace names the near miss first.
      const opened = await call(investigator, 'POST', '/v1/escalations', {
        title: 'Known image re-posted', summary: 'NCMEC notice about a re-post', source: 'ncmec', priority: 'P1', entities: { items: [{ id: variant }] },
      });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const escalationId = opened.body.escalation?.id ?? opened.body.id;
      assert.ok(escalationId);
      assert.equal((await call(analyst, 'GET', `/v1/escalations/${escalationId}`)).status, 403, 'only investigators and admins open escalations');

      const traced = await call(analyst, 'GET', `/v1/items/${variant}/trace?expected=CSE-01`);
      assert.equal(traced.status, 200, 'an analyst reads traces');
      assert.equal(traced.body.firstMissedCatch.cause, 'evasion_perturbation');
      assert.match(traced.body.firstMissedCatch.text, /PDQ distance (3[2-9]|4\d) to bank entry .* match radius 31/);
      assert.doesNotMatch(JSON.stringify(traced.body), /\/v1\/media\/[^/"]+"/, 'no original media URL in a trace');

      const suggested = await call(investigator, 'POST', `/v1/escalations/${escalationId}/root-causes/suggest`, { expectedCategory: 'CSE-01' });
      assert.ok(suggested.status < 300, JSON.stringify(suggested.body));
      const causes = (await call(investigator, 'GET', `/v1/escalations/${escalationId}`)).body.rootCauses as { id: string; cause: string; status: string }[];
      const perturbation = causes.find((c) => c.cause === 'evasion_perturbation');
      assert.equal(perturbation?.status, 'suggested', 'Haven suggests evasion by perturbation');
      assert.equal((await call(investigator, 'PATCH', `/v1/escalations/${escalationId}/root-causes/${perturbation!.id}`, { status: 'confirmed', note: 'crop' })).status, 200);

      // The fix: bank the variant. Backtested (the variant flips), approved by someone else, deployed.
      const proposed = await call(investigator, 'POST', '/v1/proposals', {
        kind: 'bank_hashes', title: 'Bank the cropped variant', escalationId, rootCause: 'evasion_perturbation',
        change: { bankId: bank.id, fromItems: [variant], category: 'CSE-01', label: 'cropped re-post' },
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      const proposalId = proposed.body.proposal?.id ?? proposed.body.id;
      const backtest = await call(investigator, 'POST', `/v1/proposals/${proposalId}/backtest`, { days: 30 });
      assert.equal(backtest.status, 200, JSON.stringify(backtest.body));
      const report = backtest.body.report ?? backtest.body.backtest?.report ?? backtest.body;
      const flipped = (report.flips.listed as { itemId: string; after: { verdict: string } }[]).find((x) => x.itemId === variant);
      assert.equal(flipped?.after.verdict, 'violating', 'the backtest shows the variant flipping');
      assert.equal((await call(investigator, 'POST', `/v1/proposals/${proposalId}/approve`, { note: 'mine' })).status, 403, 'not by the proposer');
      assert.equal((await call(senior, 'POST', `/v1/proposals/${proposalId}/approve`, { note: 'checked the flips' })).status, 200);
      const audit = await f.haven.store.db.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', proposalId).execute();
      assert.ok(audit.some((a) => a.action.includes('approve') && a.actor === 'user:senior_reviewer@test.local'), 'the approval is audited');
      const deployed = await call(investigator, 'POST', `/v1/proposals/${proposalId}/deploy`, {});
      assert.equal(deployed.status, 200, JSON.stringify(deployed.body));

      // A third variant, close to the banked one but not to the original, is now caught.
      const third = await post('repost_2', await crop(original, 22));
      // CSE-01 acts alone only on exact matches (policy); a perceptual match is caught and sent to a person.
      assert.equal(await verdictOf(third), 'needs_review', 'the next variant is caught');
      const signals = (await call(senior, 'GET', `/v1/items/${third}`)).body.signals as { detector: string; evidence: { nearMiss?: boolean; summary: string } }[];
      assert.ok(signals.some((x) => x.detector === 'hashmatch.pdq' && !x.evidence.nearMiss), 'by a PDQ match to the banked variant');
      const watch = await call(investigator, 'GET', `/v1/proposals/${proposalId}/watch`);
      assert.ok(watch.body.watch.caught.items >= 1, JSON.stringify(watch.body));
      assert.equal(watch.body.watch.recurred, false, 'the root cause has not recurred since the fix');

      // The loop closes: mitigated, resolved as confirmed; the postmortem shows the times.
      await call(investigator, 'POST', `/v1/escalations/${escalationId}/status`, { status: 'investigating' });
      await call(investigator, 'POST', `/v1/escalations/${escalationId}/status`, { status: 'mitigated', note: 'variant banked' });
      const resolved = await call(investigator, 'POST', `/v1/escalations/${escalationId}/status`, { status: 'resolved', outcome: 'confirmed', category: 'CSE-01' });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      const postmortem = await call(investigator, 'GET', `/v1/escalations/${escalationId}/postmortem`);
      assert.equal(postmortem.status, 200);
      const md = String(postmortem.body);
      assert.match(md, /evasion_perturbation|evasion by perturbation/i);
      assert.match(md, /Bank the cropped variant/);
      assert.match(md, /deployed fix/i);
    } finally {
      await f.close();
    }
  });
});
