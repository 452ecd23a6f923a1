# OpsWatch: one image for every role (opswatch start --role http|slack|worker).
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's prepare step runs scripts/build.mjs, which skips the bundle while the sources are not copied yet.
COPY scripts/build.mjs ./scripts/
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY blocks ./blocks
COPY migrations ./migrations
COPY tsconfig.json slack-app-manifest.yml ./
# The bundle bin/opswatch.js runs (dist/): less memory and a faster start than compiling the sources.
RUN node scripts/build.mjs
# The embedded database refuses to run as root; run as an unprivileged user.
RUN useradd --system --create-home opswatch && mkdir -p /app/data && chown opswatch /app/data
USER opswatch
ENV OPSWATCH_DATA_DIR=/app/data PORT=3000
EXPOSE 3000
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "bin/opswatch.js"]
CMD ["start"]
