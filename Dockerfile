# The production image: the same steps as the tested production start (test/http/production-start.test.ts
# reads this file and runs its install command, entrypoint and health check). Not built on the machines
# this project is developed on, which cannot pull base images; see README, "Deploying".

# 1. Build: every dependency, then TypeScript to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies alone (no TypeScript, test or build tools). better-sqlite3 is a native module:
#    its prebuilt binary is used when one matches, else it compiles here, where the compilers are.
FROM node:20-bookworm-slim AS dependencies
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# 3. Run: Node, the production dependencies and dist/, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The SQLite file and the development key live in DATA_DIR; with PostgreSQL nothing is written here.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (drain, close, exit): no shell in between to swallow it.
ENTRYPOINT ["node", "dist/index.js"]
