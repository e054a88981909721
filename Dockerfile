# One image for every qrm service; the command picks the service (`run --services ingest`, `migrate`,
# `simulate`, ...). No secret is baked in: configuration comes from the environment at run time
# (docker-compose.yml, README "Deployment").
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
# npm install rather than npm ci: see README, "Why not npm ci".
# The chDB engine (@chdb/*, about 540 MB) is only loaded in embedded mode, which a container does not
# use: a deployment talks to a ClickHouse server (CLICKHOUSE_URL). Build with
# --build-arg KEEP_EMBEDDED_ENGINE=1 to keep it, e.g. for `qrm backtest` inside the image.
ARG KEEP_EMBEDDED_ENGINE=0
RUN npm install --omit=dev --no-audit --no-fund \
 && if [ "$KEEP_EMBEDDED_ENGINE" != "1" ]; then rm -rf node_modules/@chdb; fi \
 && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY services ./services
# The routing file qrm falls back to when QRM_ROUTES is unset (docker-compose.yml mounts a real one).
COPY infra/routes.example.yaml ./infra/routes.example.yaml

USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/qrm.js"]
CMD ["run"]
