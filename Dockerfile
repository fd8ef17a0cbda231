# One image for both processes: `web` runs Next.js, `worker` runs the BullMQ worker.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npx prisma generate && npx next build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# A container listens on every interface of its own network namespace; publishing the port is
# the compose file's decision. (Outside a container the default is 127.0.0.1.)
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 VIGIL_HOST=0.0.0.0
RUN apt-get update && apt-get install -y --no-install-recommends openssl ca-certificates && rm -rf /var/lib/apt/lists/*
RUN groupadd --system vigil && useradd --system --gid vigil --home /app vigil
COPY --from=build --chown=vigil:vigil /app ./
USER vigil
EXPOSE 3000
# Applies pending migrations (through the bundled WebAssembly schema engine: nothing is downloaded at run
# time), then starts the web app. The worker service overrides the command with package.json's start:worker,
# `node --import tsx worker/index.ts` (not the tsx command, which SIGKILLs the worker ~30 ms after SIGTERM).
CMD ["sh", "-c", "npm run db:migrate && exec npx next start -p ${PORT} -H ${VIGIL_HOST} --keepAliveTimeout 65000"]
