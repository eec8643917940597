import type { Haven } from '../../app.js';
import { TrendsParamError } from '../../analytics/trends/params.js';
import {
  prevalenceQuerySchema, spikesQuerySchema, volumeItemsQuerySchema, volumesQuerySchema,
} from '../../analytics/trends/params.js';
import { prevalence, spikes, volumeItems, volumes } from '../../analytics/trends/service.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

/** Parameter problems found after zod (a dimension the metric lacks, a malformed time) become 400s naming them. */
async function asBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof TrendsParamError) throw new HttpError(400, 'invalid_request', `query.${e.message}`);
    throw e;
  }
}

/** Trends, prevalence and spike alerts over items, signals, decisions, actions and reports. */
export function analyticsTrendsRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/v1/analytics/volumes', tag: 'analytics', access: 'analytics:read',
    summary: 'Volumes of items, signals, decisions, actions or reports per day or hour, broken down by category, surface, detector ' +
      '(and verdict, kind, type, status where the metric has them); each point links to the items behind it',
    query: volumesQuerySchema,
    handler: ({ query }) => asBadRequest(() => volumes(haven.store.db, query, haven.clock.now())),
  });
  routes.add({
    method: 'GET', url: '/v1/analytics/volumes/items', tag: 'analytics', access: 'analytics:read',
    summary: 'The items behind one point of a volume chart (the same metric, window and filters), newest first',
    query: volumeItemsQuerySchema,
    handler: ({ query }) => asBadRequest(() => volumeItems(haven.store.db, query, haven.clock.now())),
  });
  routes.add({
    method: 'GET', url: '/v1/analytics/prevalence', tag: 'analytics', access: 'analytics:read',
    summary: 'Prevalence estimated from human labels (review and QA decisions): share violating per category and surface with a Wilson 95% interval',
    query: prevalenceQuerySchema,
    handler: ({ query }) => asBadRequest(() => prevalence(haven.store.db, query, haven.clock.now())),
  });
  routes.add({
    method: 'GET', url: '/v1/analytics/spikes', tag: 'analytics', access: 'analytics:read',
    summary: 'Spike alerts: slices (category on a surface, or a detector) whose count in the last complete hour or day stands out ' +
      'against the same bucket in previous weeks (or days), by robust z-score; each names the slice, value, baseline, score and items',
    query: spikesQuerySchema,
    handler: ({ query }) => asBadRequest(() => spikes(haven.store.db, query, haven.clock.now())),
  });
}
