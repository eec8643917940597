import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process, scraped at GET /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'haven_' });

export const metrics = {
  itemsIngested: new Counter({ name: 'haven_items_ingested_total', help: 'Items accepted, by duplicate or new', labelNames: ['result'], registers: [registry] }),
  itemsProcessed: new Counter({ name: 'haven_items_processed_total', help: 'Items run through the pipeline, by verdict', labelNames: ['verdict'], registers: [registry] }),
  itemsFailed: new Counter({ name: 'haven_items_failed_total', help: 'Processing attempts that failed', registers: [registry] }),
  signals: new Counter({ name: 'haven_signals_total', help: 'Signals raised, by detector and category', labelNames: ['detector', 'category'], registers: [registry] }),
  actions: new Counter({ name: 'haven_actions_total', help: 'Actions requested, by type', labelNames: ['type'], registers: [registry] }),
  deliveries: new Counter({ name: 'haven_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome', labelNames: ['outcome'], registers: [registry] }),
  ingestRefused: new Counter({
    name: 'haven_ingest_refused_total', help: 'Ingest requests answered 429 because the processing backlog was full (or the batch would overfill it)',
    labelNames: ['reason'], registers: [registry],
  }),
  ingestBacklog: new Gauge({ name: 'haven_ingest_backlog', help: 'Items waiting for processing, as last read by admission control', registers: [registry] }),
  rateLimited: new Counter({
    name: 'haven_http_rate_limited_total', help: 'Requests answered 429 by the per-caller rate limit, by kind of caller',
    labelNames: ['caller'], registers: [registry],
  }),
  httpDuration: new Histogram({
    name: 'haven_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  }),
};
