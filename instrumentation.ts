/** Runs once when the web server starts; the Node-only work lives in lib/server/startup.ts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startWebServer } = await import("@/lib/server/startup");
  await startWebServer();
}
