# syntax=docker/dockerfile:1
#
# monitor in a container: `docker compose up -d` (see docker-compose.yml), or by hand:
#   docker build -t monitor .
#   docker run --rm -v "$PWD/config:/etc/monitor:ro" -v monitor-state:/var/lib/monitor \
#     -v /srv/backups:/srv/backups monitor apply
#   docker run -d -p 127.0.0.1:8080:8080 --env-file .env -v "$PWD/config:/etc/monitor:ro" \
#     -v monitor-state:/var/lib/monitor -v /srv/backups:/srv/backups monitor

# --- build: the official Swift toolchain image (Debian 12 "bookworm") ------------------------
FROM swift:6.3-bookworm AS build
# Headers of the two C libraries monitor links: libcurl (SMTP, webhooks) and SQLite (the state).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libcurl4-openssl-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that editing a source file does not download them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# The Swift runtime and Foundation are linked into the binary; what remains dynamic is glibc,
# libstdc++, libcurl and libsqlite3 (ldd of a release build), installed in the stage below.
RUN swift build -c release --product monitor --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/monitor" /out/monitor

# --- run: a slim Debian with the runtime libraries only --------------------------------------
FROM debian:bookworm-slim
# ca-certificates: TLS to SMTP servers and webhooks; tzdata: job timezones (Europe/Paris...);
# curl: the HEALTHCHECK below.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates curl libcurl4 libsqlite3-0 libstdc++6 tzdata \
    && rm -rf /var/lib/apt/lists/*
# A dedicated user; give it the backups with `chown -R 10001:10001` on the host, or a group.
RUN groupadd --system --gid 10001 monitor \
    && useradd --system --uid 10001 --gid monitor --home-dir /var/lib/monitor --shell /usr/sbin/nologin monitor \
    && install -d -o monitor -g monitor -m 0750 /var/lib/monitor /srv/backups \
    && install -d -m 0755 /etc/monitor
COPY --from=build /out/monitor /usr/local/bin/monitor

# The configuration (a file or a folder of YAML files), mounted read-only; the state, in its
# own volume; the backups, where producers write and monitor promotes.
ENV MONITOR_CONFIG=/etc/monitor \
    MONITOR_STATE=/var/lib/monitor/state.sqlite
VOLUME ["/var/lib/monitor", "/srv/backups"]
USER monitor
WORKDIR /var/lib/monitor
EXPOSE 8080
# /healthz answers 503 when the last scan is older than 2 × scan_interval, or before the first.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["monitor"]
CMD ["run", "--listen", "0.0.0.0:8080"]
