import { consoleLine, isInterrupted, type TelemetrySink } from '@starling/runner';
import { type Dashboard, startDashboard } from './dashboard-server.js';

/** The dashboard of one CLI run: where its telemetry goes and how it ends. */
export interface DashboardSession {
  readonly url: string;
  readonly telemetry: TelemetrySink;
  /** The run settled (`err` null: completed): sends the end if the run did not, closes the server. */
  finish(err: unknown): Promise<void>;
  /** `run`, settled after `finish` (with its error, or null) closed the dashboard. */
  follow<T>(run: Promise<T>): Promise<T>;
}

/**
 * Starts the dashboard of `starling run` / `starling server --dashboard [port]` and prints its URL on
 * the console (stderr): `dashboard: http://127.0.0.1:<port>/`. A port in use is a `usage` error, so it
 * fails before the run starts. Time on the page counts from here (the CLI's clock).
 */
export async function openDashboard(port: number): Promise<DashboardSession> {
  const t0 = performance.now();
  const dashboard: Dashboard = await startDashboard(port, () => (performance.now() - t0) / 1000);
  consoleLine('info', { dashboard: dashboard.url }, `dashboard: ${dashboard.url}`);
  const finish = (err: unknown) => {
    const reason = err === null ? null : err instanceof Error ? err.message : String(err);
    const status = err === null ? 'completed' : isInterrupted(err) ? 'interrupted' : 'failed';
    return dashboard.close({ status, reason });
  };
  return {
    url: dashboard.url,
    telemetry: dashboard.telemetry,
    finish,
    follow: (run) =>
      run.then(
        async (value) => {
          await finish(null);
          return value;
        },
        async (err: unknown) => {
          await finish(err);
          throw err;
        },
      ),
  };
}
