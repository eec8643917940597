/**
 * Who may call each route, written by hand as a security review, not generated from the code. The server is checked
 * against it (authorization-matrix.test.ts) for every route and every caller, and a route the server exposes without
 * a line here fails that test: a new route ships with a reviewed line.
 *
 * Callers: `anonymous` (no credentials), the eight roles (a session of a user with that single role), and `platform`
 * (an API key with scopes items:write, items:read, appeals:write: a platform's servers).
 * Shorthands: `staff` = the eight roles; `anyone` = anonymous, the eight roles and platform.
 * "May call" means passing the route's permission check; the handler may still refuse with 400/404/409, or with a
 * 403 of its own (someone else's task, the proposer approving their own proposal, a proposal kind needing another
 * permission).
 *
 * Review notes (least privilege, and where the code looked wrong):
 * - Original media bytes (GET /v1/media/:id) and evidence snapshots only for the roles whose work is to look at them:
 *   reviewers, investigators, legal (evidence: investigators and legal). Admin, ops manager, analyst, policy and
 *   platform keys never: they get the server-blurred greyscale preview at most, and no route they may call returns
 *   the bytes (media-access-matrix.test.ts sweeps them). Every original view is audited and on the item's trace.
 * - Reports: read by investigators and legal; only legal approves, retracts or classifies report files.
 * - Audit: there is no route that lists the audit log; GET /v1/audit/verify (counts and broken seqs only) is for
 *   admin, ops manager, investigator and legal. Reviewers, analysts and policy staff cannot read it.
 * - FIXED: POST /v1/proposals/:id/approve, /reject and /deploy were open to any authenticated caller (a platform
 *   key or an analyst reached the handler and learnt whether a proposal id exists); they now need one of the deciding
 *   permissions (proposals:approve, banks:write, proposals:write). The handler still checks the one the kind needs.
 * - FIXED: POST /v1/review/bulk needed review:lead, so an ops manager, who may not decide a single task nor see its
 *   media, could decide hundreds at once. It now needs review:senior (senior reviewers).
 * - FIXED: an admin (users:manage) could create an API key with any scope, media:view or evidence:read included,
 *   and read what the admin role withholds. Keys may now carry only API_KEY_SCOPES (roles.ts); older keys lose any
 *   other scope when used. Admins can still create a *user* with any role (that is user management); it is audited.
 * - Left as designed, worth knowing: reviewers hold media:view for any media id, not only for tasks they hold (the
 *   item page's audited "reveal"); /v1/review/media/:mediaId is the task-bound route. Everyone with items:read gets
 *   the blurred preview, analysts included. A refused request for media or evidence bytes is audited too
 *   (RouteSpec.auditRefusal: media.view.refused, evidence.view.refused, review.media.refused). POST /v1/review/tasks/:id/assign needs review:decide, so an ops manager (review:lead)
 *   cannot assign work although the service and README say leads may. GET /v1/labels needs only items:read (platform
 *   keys and analysts read investigative labels) while GET /v1/rule-snoozes needs investigations:read.
 */
export const CALLERS = [
  'anonymous', 'admin', 'ops_manager', 'reviewer', 'senior_reviewer', 'investigator', 'analyst', 'legal', 'policy', 'platform',
] as const;
export type Caller = (typeof CALLERS)[number];

/** Routes served outside the RouteTable, so absent from /openapi.json. */
export const OUTSIDE_ROUTE_TABLE = ['GET /openapi.json'];

// biome-ignore format: one line per route is the point of this table
export const MATRIX: Record<string, string> = {
  // operations and administration
  'GET /healthz':                                          'anyone',
  'GET /readyz':                                           'anyone',
  'GET /metrics':                                          'anyone', // counts only, no content
  'GET /openapi.json':                                     'anyone',
  'GET /v1/users':                                         'admin',
  'POST /v1/users':                                        'admin',
  'GET /v1/api-keys':                                      'admin',
  'POST /v1/api-keys':                                     'admin',
  'GET /v1/audit/verify':                                  'admin ops_manager investigator legal',
  // sessions (a platform key passes the check of /me but is answered 400: keys have no session)
  'POST /v1/auth/login':                                   'anyone',
  'GET /v1/auth/me':                                       'staff platform',
  'POST /v1/auth/logout':                                  'staff platform',
  // items and media
  'POST /v1/items/batch':                                  'platform',
  'POST /v1/items':                                        'platform',
  'GET /v1/items':                                         'staff platform',
  'GET /v1/items/:id':                                     'staff platform',
  'GET /v1/media/:id/preview':                             'staff platform', // blurred, greyscale, low resolution
  'GET /v1/media/:id':                                     'reviewer senior_reviewer investigator legal', // original bytes, audited
  'POST /v1/classify':                                     'senior_reviewer investigator policy',
  'POST /v1/genai/check':                                  'senior_reviewer investigator policy',
  // evidence and legal holds
  'GET /v1/evidence':                                      'investigator legal',
  'GET /v1/evidence/:id':                                  'investigator legal', // decrypted snapshot, audited
  'GET /v1/items/:id/holds':                               'staff platform',
  'POST /v1/items/:id/legal-hold':                         'legal',
  'DELETE /v1/items/:id/legal-hold':                       'legal',
  'POST /v1/accounts/:id/legal-hold':                      'legal',
  'DELETE /v1/holds/:id':                                  'legal',
  // hash banks (hashes only, never bytes)
  'GET /v1/banks':                                         'staff',
  'POST /v1/banks':                                        'admin senior_reviewer',
  'GET /v1/banks/:id/entries':                             'staff',
  'POST /v1/banks/:id/entries':                            'admin senior_reviewer',
  'PATCH /v1/banks/:id':                                   'admin senior_reviewer',
  'PATCH /v1/banks/:id/entries/:entryId':                  'admin senior_reviewer',
  'POST /v1/banks/from-item':                              'admin senior_reviewer',
  // versioned configuration: every member of staff reads it; its owners deploy it
  'GET /v1/taxonomy':                                      'staff',
  'GET /v1/taxonomy/versions':                             'staff',
  'PUT /v1/taxonomy':                                      'policy',
  'GET /v1/policy':                                        'staff',
  'GET /v1/policy/versions':                               'staff',
  'PUT /v1/policy':                                        'policy',
  'GET /v1/conversation-risk':                             'staff',
  'GET /v1/conversation-risk/versions':                    'staff',
  'PUT /v1/conversation-risk':                             'policy',
  'GET /v1/behaviour':                                     'staff',
  'GET /v1/behaviour/versions':                            'staff',
  'PUT /v1/behaviour':                                     'policy',
  'GET /v1/llm-policy':                                    'staff',
  'GET /v1/llm-policy/versions':                           'staff',
  'PUT /v1/llm-policy':                                    'policy',
  'GET /v1/cascade':                                       'staff',
  'GET /v1/cascade/versions':                              'staff',
  'PUT /v1/cascade':                                       'policy',
  'GET /v1/review/config':                                 'staff',
  'GET /v1/review/config/versions':                        'staff',
  'PUT /v1/review/config':                                 'ops_manager',
  'GET /v1/ops/targets':                                   'staff',
  'GET /v1/ops/targets/versions':                          'staff',
  'PUT /v1/ops/targets':                                   'ops_manager',
  'GET /v1/rules':                                         'staff',
  'GET /v1/rules/versions':                                'staff',
  'POST /v1/rules':                                        'policy',
  'POST /v1/rules/test':                                   'policy',
  // CyberTipline reports: only legal approves
  'GET /v1/reports':                                       'investigator legal',
  'GET /v1/reports/:id':                                   'investigator legal',
  'POST /v1/reports/:id/approve':                          'legal',
  'POST /v1/reports/:id/retract':                          'legal',
  'PATCH /v1/reports/:id/files/:fileId':                   'legal',
  // appeals: the platform files them, senior reviewers decide them
  'POST /v1/items/:id/appeals':                            'platform',
  'GET /v1/items/:id/appeals':                             'staff platform',
  'GET /v1/appeals':                                       'staff platform',
  'GET /v1/appeals/:id':                                   'staff platform',
  'POST /v1/appeals/:id/resolve':                          'senior_reviewer',
  'GET /v1/stats/precision':                               'staff platform',
  // review work, wellness, calibration, operations
  'GET /v1/ops/metrics':                                   'ops_manager',
  'GET /v1/review/queues':                                 'reviewer senior_reviewer',
  'POST /v1/review/claim':                                 'reviewer senior_reviewer',
  'GET /v1/review/tasks':                                  'reviewer senior_reviewer ops_manager', // others' work: leads only (handler)
  'GET /v1/review/tasks/:id':                              'reviewer senior_reviewer ops_manager',
  'POST /v1/review/tasks/:id/decision':                    'reviewer senior_reviewer',
  'POST /v1/review/tasks/:id/renew':                       'reviewer senior_reviewer',
  'POST /v1/review/tasks/:id/release':                     'reviewer senior_reviewer',
  'POST /v1/review/tasks/:id/hold':                        'reviewer senior_reviewer',
  'POST /v1/review/tasks/:id/assign':                      'reviewer senior_reviewer',
  'POST /v1/review/tasks/:id/escalate':                    'reviewer senior_reviewer',
  'GET /v1/review/clusters':                               'reviewer senior_reviewer ops_manager',
  'POST /v1/review/bulk':                                  'senior_reviewer', // was ops_manager too: see the notes
  'GET /v1/review/items/:id/decisions':                    'ops_manager',
  'GET /v1/review/media/:mediaId':                         'reviewer senior_reviewer', // and only for a task the caller holds
  'GET /v1/review/wellness':                               'reviewer senior_reviewer',
  'PUT /v1/review/wellness':                               'reviewer senior_reviewer',
  'GET /v1/review/exposure':                               'ops_manager',
  'GET /v1/review/reviewers':                              'ops_manager',
  'PUT /v1/review/reviewers/:userId':                      'ops_manager',
  'POST /v1/calibration/sessions':                         'senior_reviewer ops_manager',
  'GET /v1/calibration/sessions':                          'reviewer senior_reviewer ops_manager',
  'GET /v1/calibration/sessions/:id':                      'reviewer senior_reviewer ops_manager',
  'PUT /v1/calibration/sessions/:id/answers/:itemId':      'reviewer senior_reviewer',
  'PUT /v1/calibration/sessions/:id/answer-key':           'senior_reviewer ops_manager',
  'POST /v1/calibration/sessions/:id/close':               'senior_reviewer ops_manager',
  // traces, labels and rule snoozes
  'GET /v1/items/:id/trace':                               'staff platform',
  'GET /v1/accounts/:id/trace':                            'staff platform',
  'GET /v1/labels':                                        'staff platform',
  'POST /v1/labels':                                       'admin investigator',
  'DELETE /v1/labels/:id':                                 'admin investigator',
  'GET /v1/rule-snoozes':                                  'admin investigator',
  'POST /v1/rule-snoozes':                                 'admin investigator',
  'DELETE /v1/rule-snoozes/:id':                           'admin investigator',
  // escalations and remediation
  'POST /v1/escalations':                                  'admin investigator',
  'GET /v1/escalations':                                   'admin investigator',
  'GET /v1/escalations/:id':                               'admin investigator',
  'POST /v1/escalations/:id/notes':                        'admin investigator',
  'POST /v1/escalations/:id/status':                       'admin investigator',
  'POST /v1/escalations/:id/owner':                        'admin investigator',
  'POST /v1/escalations/:id/entities':                     'admin investigator',
  'GET /v1/escalations/:id/related':                       'admin investigator',
  'POST /v1/escalations/:id/related':                      'admin investigator',
  'POST /v1/escalations/:id/root-causes/suggest':          'admin investigator',
  'POST /v1/escalations/:id/root-causes':                  'admin investigator',
  'PATCH /v1/escalations/:id/root-causes/:causeId':        'admin investigator',
  'POST /v1/escalations/:id/remediation':                  'admin investigator',
  'GET /v1/escalations/:id/postmortem':                    'admin investigator',
  'GET /v1/remediation':                                   'admin investigator',
  'PATCH /v1/remediation/:id':                             'admin investigator',
  // proposals: propose, backtest, a second person approves, deploy, watch
  'POST /v1/proposals':                                    'admin investigator policy',
  'GET /v1/proposals':                                     'admin senior_reviewer investigator policy',
  'GET /v1/proposals/:id':                                 'admin senior_reviewer investigator policy',
  'POST /v1/proposals/:id/backtest':                       'admin investigator policy',
  'POST /v1/proposals/:id/approve':                        'admin senior_reviewer investigator policy', // the kind decides (handler)
  'POST /v1/proposals/:id/reject':                         'admin senior_reviewer investigator policy',
  'POST /v1/proposals/:id/deploy':                         'admin senior_reviewer investigator policy',
  'GET /v1/proposals/:id/watch':                           'admin senior_reviewer investigator policy',
  'GET /v1/loop/figures':                                  'admin senior_reviewer investigator policy',
  'POST /v1/what-if':                                      'admin investigator policy',
  // analytics: aggregates and item ids, never bytes; the SQL console for analysts
  'GET /v1/analytics/volumes':                             'ops_manager investigator analyst',
  'GET /v1/analytics/volumes/items':                       'ops_manager investigator analyst',
  'GET /v1/analytics/prevalence':                          'ops_manager investigator analyst',
  'GET /v1/analytics/spikes':                              'ops_manager investigator analyst',
  'GET /v1/analytics/tactics':                             'ops_manager investigator analyst',
  'GET /v1/analytics/emerging-terms':                      'ops_manager investigator analyst',
  'GET /v1/analytics/hash-evasion':                        'ops_manager investigator analyst',
  'GET /v1/analytics/networks':                            'ops_manager investigator analyst',
  'GET /v1/analytics/networks/accounts/:accountId':        'ops_manager investigator analyst',
  'GET /v1/analytics/networks/:communityId':               'ops_manager investigator analyst',
  'GET /v1/analytics/repeat-offenders':                    'ops_manager investigator analyst',
  'GET /v1/analytics/ban-evasion':                         'ops_manager investigator analyst',
  'POST /v1/analytics/sql':                                'analyst',
  'GET /v1/analytics/views':                               'analyst',
};

const STAFF: readonly Caller[] = CALLERS.filter((c) => c !== 'anonymous' && c !== 'platform');

/** The callers a matrix line allows, with its shorthands expanded; an unknown name is an error in the table. */
export function allowedCallers(route: string): Set<Caller> {
  const line = MATRIX[route];
  if (line === undefined) throw new Error(`no matrix line for ${route}`);
  const out = new Set<Caller>();
  for (const word of line.split(/\s+/).filter(Boolean)) {
    if (word === 'anyone') for (const c of CALLERS) out.add(c);
    else if (word === 'staff') for (const c of STAFF) out.add(c);
    else if ((CALLERS as readonly string[]).includes(word)) out.add(word as Caller);
    else throw new Error(`matrix line ${route}: unknown caller "${word}"`);
  }
  return out;
}
