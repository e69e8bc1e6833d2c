# syntax=docker/dockerfile:1
# chatwire container image: a Rust builder stage, then a small Debian runtime that runs the
# binary as a non-root user with its data in the /data volume.
#
#   docker build -t chatwire .
#   docker run -d --name chatwire -p 127.0.0.1:8080:8080 -v chatwire-data:/data chatwire serve --demo
#
# The demo account's passwords and feed key are published: publish the port on the host's
# loopback only (as above), never on a public address. Inside the container the server listens
# on 0.0.0.0, so `serve --demo` prints a warning at start.
#
# Settings come from CHATWIRE__SECTION__KEY variables (or a TOML file mounted and named with
# --config); the image sets the listen address and the data directory. See docs/deployment.md.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=trixie

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
# The image's own toolchain builds it: its RUST_VERSION variable names it (a 1.95 release, as
# rust-toolchain.toml pins), and naming it here keeps rustup from fetching rustfmt and
# clippy, which rust-toolchain.toml lists for development and a release build does not need.
ENV RUSTUP_TOOLCHAIN=${RUST_VERSION} CARGO_TERM_COLOR=never
# make: jemalloc, the server's allocator, is built with it (the slim image has only gcc).
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Cache mounts keep the registry and the build between image builds; the binary is copied out
# of the cached target folder because cache mounts are not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p chatwire \
    && install -D -m 0755 target/release/chatwire /out/chatwire

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# ca-certificates: TLS to SMTP and PostgreSQL servers; curl: the HEALTHCHECK below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 chatwire \
    && useradd --system --uid 10001 --gid chatwire --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin chatwire \
    && install -d -o chatwire -g chatwire -m 0750 /data
COPY --from=build /out/chatwire /usr/local/bin/chatwire
# Listen on every interface of the container (the default, 127.0.0.1, is unreachable from
# outside it) and keep the SQLite database in the volume.
ENV CHATWIRE__SERVER__LISTEN=0.0.0.0:8080 \
    CHATWIRE__DATABASE__DATA_DIR=/data
USER chatwire:chatwire
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# 200 while the node can reach its database, 503 otherwise (see README, Two nodes on PostgreSQL).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["chatwire"]
CMD ["serve"]
