/** Fixed demo settings: one seed, so every install shows the same reproducible demo. */
export const DEMO_SEED = 20260301;
/** History written at seed time, so the detector is warm before the first live point. */
export const DEMO_HISTORY_MS = 3 * 3_600_000;
/** The runner pushes every 5 s; after a longer stop it catches up at most this far back. */
export const DEMO_PUSH_EVERY_MS = 5_000;
export const DEMO_MAX_CATCH_UP_MS = 3_600_000;
