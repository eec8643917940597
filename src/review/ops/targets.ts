import { z } from 'zod';

/**
 * The figures the operations dashboard tracks, and the target the manager sets for each (config kind
 * 'ops_targets'). `at_least` targets are breached below the value, `at_most` ones above it.
 */
export const OPS_METRICS = {
  sla_compliance: { label: 'SLA compliance', unit: 'ratio', direction: 'at_least' },
  time_to_action_p50_minutes: { label: 'Time to action, p50', unit: 'minutes', direction: 'at_most' },
  time_to_action_p90_minutes: { label: 'Time to action, p90', unit: 'minutes', direction: 'at_most' },
  oldest_open_task_minutes: { label: 'Oldest open task', unit: 'minutes', direction: 'at_most' },
  throughput_per_reviewer_hour: { label: 'Decisions per reviewer-hour', unit: 'per hour', direction: 'at_least' },
  automation_rate: { label: 'Automation rate', unit: 'ratio', direction: 'at_least' },
  automation_precision: { label: 'Precision of automatic actions', unit: 'ratio', direction: 'at_least' },
  reviewer_accuracy: { label: 'Reviewer accuracy', unit: 'ratio', direction: 'at_least' },
  time_to_report_hours: { label: 'Time to report, p90', unit: 'hours', direction: 'at_most' },
} as const satisfies Record<string, { label: string; unit: string; direction: 'at_least' | 'at_most' }>;
export type OpsMetricKey = keyof typeof OPS_METRICS;
export const OPS_METRIC_KEYS = Object.keys(OPS_METRICS) as OpsMetricKey[];

export const opsTargetsSchema = z.strictObject(
  Object.fromEntries(OPS_METRIC_KEYS.map((k) => [k, z.number().nonnegative().optional()])) as Record<OpsMetricKey, z.ZodOptional<z.ZodNumber>>,
);
export type OpsTargets = z.infer<typeof opsTargetsSchema>;

export const DEFAULT_OPS_TARGETS: OpsTargets = {
  sla_compliance: 0.95,
  time_to_action_p50_minutes: 30,
  time_to_action_p90_minutes: 240,
  oldest_open_task_minutes: 24 * 60,
  throughput_per_reviewer_hour: 30,
  automation_rate: 0.5,
  automation_precision: 0.98,
  reviewer_accuracy: 0.95,
  time_to_report_hours: 24,
};
