/** Wall and process CPU time of a span of work, for the scenarios' phases. */
export interface Span {
  seconds: number;
  cpuSeconds: number;
}

/** Starts timing now; the returned function stops and reports the span. */
export function startSpan(): () => Span {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}
