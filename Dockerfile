# audience-graph: build with `docker build -t audience-graph .`; run with compose.yaml (PostgreSQL)
# or alone on the embedded database: docker run -p 4000:4000 -v ag-data:/data audience-graph
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# GraphiQL's page script and styles are read from the package root at run time.
COPY --from=build /app/src/http/static ./src/http/static
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# serve drains requests on SIGTERM for SHUTDOWN_GRACE_MS (10 s): give `docker stop -t 15`.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js", "serve"]
