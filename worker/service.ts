/**
 * Names this process "worker" in its logs (lib/logger.ts reads VIGIL_SERVICE when it loads) when
 * it was started without VIGIL_SERVICE, as `npm run start:worker` does. Imported first by
 * worker/index.ts, so it runs before anything that loads the logger.
 */
process.env.VIGIL_SERVICE ??= "worker";
