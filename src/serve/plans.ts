/** The hosted service's plans, apart from the key store so that the CLI can list them without loading SQLite. */
export const PLANS = ['pro', 'enterprise', 'admin', 'free'] as const;
export type Plan = (typeof PLANS)[number];
/** Plans with API access, as on the hosted service (free has none → 403). */
export const API_PLANS: readonly Plan[] = ['pro', 'enterprise', 'admin'];
