import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReportContent, missingFields } from '../../../src/enforcement/ncmec/content.js';
import { escapeXml, fileDetailsXml, reportXml } from '../../../src/enforcement/ncmec/xml.js';
import { parseXml, validate } from '../../helpers/ncmec-server.js';

const content = (over: Partial<Parameters<typeof buildReportContent>[0]> = {}) => buildReportContent({
  account: { externalId: 'u<1>&' },
  items: [{ itemId: 'i1', surface: 'direct_message', createdAt: 1_700_000_000_000, category: 'CSE-06', metadata: { ip: '192.0.2.7', email: 'u@example.org' } }],
  files: [{ id: 'f1', mediaId: 'm1', itemId: 'i1', name: 'a.png', mime: 'image/png', md5: 'a'.repeat(32), sha256: 'b'.repeat(64), retained: false, classification: 'B1', annotations: [], publiclyAvailable: false }],
  viewedMediaIds: new Set(),
  reporter: { platform: 'Haven', email: 'safety@example.org' },
  ...over,
});

test('the report XML escapes every value and follows the schema order the test server enforces', () => {
  const c = content();
  assert.equal(c.incidentType, 'Online Enticement of Children for Sexual Acts');
  assert.deepEqual(c.annotations, ['sextortion']);
  assert.equal(c.files.length, 0, 'a file known by hash only is not uploaded');
  assert.match(c.additionalInfo ?? '', /not retained by the platform/);
  const xml = reportXml(c);
  assert.ok(xml.includes('<espIdentifier>u&lt;1&gt;&amp;</espIdentifier>'));
  assert.ok(xml.includes('<reportAnnotations><sextortion/></reportAnnotations>'));
  assert.deepEqual(validate(parseXml(xml)), []);
  assert.equal(parseXml(xml).children.find((n) => n.name === 'personOrUserReported')?.children[1]?.text, 'u<1>&');
  assert.equal(escapeXml('a\u0000b"\''), 'ab&quot;&apos;');
});

test('the test server refuses out-of-order and missing elements, naming them', () => {
  const outOfOrder = '<report><reporter><reportingPerson><email>x</email></reportingPerson></reporter><incidentSummary><incidentType>Child Sex Trafficking</incidentType><incidentDateTime>t</incidentDateTime></incidentSummary></report>';
  assert.match(validate(parseXml(outOfOrder)).join('; '), /missing required element incidentSummary|incidentSummary is unexpected or out of order/);
  const missing = '<fileDetails><reportId>1</reportId><fileId>f</fileId><publiclyAvailable>false</publiclyAvailable></fileDetails>';
  assert.match(validate(parseXml(missing)).join('; '), /missing required element fileViewedByEsp/);
  const file = { ...content().unretainedFiles[0]!, viewedByPlatform: true };
  assert.deepEqual(validate(parseXml(fileDetailsXml('1', 'f', file))), []);
});

test('missing required fields are all named', () => {
  const c = content({ account: null, items: [], files: [], reporter: { platform: null, email: null } });
  assert.deepEqual(missingFields(c).map((m) => m.split(' ')[0]), [
    'incidentSummary.incidentType', 'incidentSummary.incidentDateTime', 'reporter.reportingPerson.email', 'personOrUserReported.espIdentifier', 'files',
  ]);
});
