# stemmen: one image for the bot (`start`, the default) and the media workers (`worker`).
# Node 22 LTS; ffmpeg from Debian; runtime dependencies only; the TypeScript built once at image
# build time (scripts/build.mjs), since the running user may not write /app.
#   docker build -t stemmen .        (or `docker compose up -d --build`, see compose.yaml)

FROM node:22-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 12 downloads a prebuilt binary; without internet it compiles from source,
# with these tools and the image's own Node headers (no download from nodejs.org).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
# ffmpeg/ffprobe: the media pipeline probes and converts every voice note and video.
# tini: forwards SIGTERM so a stop drains the queues and closes the database cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node scripts/build.mjs
# DATA_DIR holds the pseudonym secret, media (MEDIA_DIR) and, without DATABASE_URL, the SQLite file.
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
USER node
VOLUME ["/data"]
EXPOSE 3000
# GET /healthz answers {"ok":true} once the web server is up (bot/web/server.ts). The worker
# serves no HTTP: compose.yaml turns this check off for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "scripts/stemmen.mjs"]
CMD ["start"]
