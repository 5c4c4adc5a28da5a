# The yiyun image: one image, many roles (`serve`, `run log-audit`, `run bastion`, `run db-audit`, `run kms`).
# Build: docker build -t registry.liangcheng.local/yiyun/yiyun:0.1.0 .  (then pin the pushed digest in the stack files)
# Base pinned to the Node release the project is tested on; pin its digest too when mirroring it.
# infra/k8s/dockerfile.test.ts holds the invariants below (build order, user, data dir, health check).
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root `prepare` script builds the console, whose sources are not here yet. Dependency
# scripts are skipped with it: ssh2 and cpu-features fall back to JavaScript, @pulumi/kubernetes's only fetches a
# Pulumi plugin; esbuild's (tsx runs on it) is the one worth running, so it runs alone.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild
COPY . .
# The console (react-admin SPA) is built here so the runtime image needs no dev dependencies.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    YIYUN_DATA_DIR=/var/lib/yiyun
WORKDIR /app
# The CJK font the PDF reports (bastion, DB audit) embed; without it they answer 503 report.pdf_font_missing.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
# The data dir holds the zone keys, the embedded database when DATABASE_URL is unset, bastion recordings and
# log archives: owned by the service user, private, and a volume so it outlives the container.
RUN groupadd --system --gid 10001 yiyun \
 && useradd --system --uid 10001 --gid yiyun --home-dir /app --shell /usr/sbin/nologin yiyun \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/yiyun
COPY --from=build --chown=root:root /app /app
# Code is owned by root and read-only for the service user; state lives in the data dir or PostgreSQL (DATABASE_URL).
VOLUME ["/var/lib/yiyun"]
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Garbage collection for a request-scoped heap (docs/cloud.md): a larger young generation, and no allocation-site
# pretenuring, which once a bulk read had marked the database driver's row objects long-lived kept every later
# row and its strings alive until the next full collection.
ENTRYPOINT ["node", "--max-semi-space-size=64", "--no-allocation-site-pretenuring", "bin/yiyun.js"]
CMD ["serve"]
