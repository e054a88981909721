# One image for every qrm service; the command picks the service (qrm run --services ...).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# npm install rather than npm ci: see README, "Why not npm ci".
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY services ./services
COPY schemas ./schemas
COPY tsconfig.json ./
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/qrm.js"]
CMD ["run"]
