# Build: docker build -t clausewatch .
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin clausewatch

FROM debian:bookworm-slim
# Chromium renders the pages built by scripts (declarations with executeClientScripts).
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git chromium \
    && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build /src/target/release/clausewatch /usr/local/bin/clausewatch
COPY catalog ./catalog
COPY static ./static
ENV CATALOG_DIR=/app/catalog
EXPOSE 8080
CMD ["clausewatch", "serve"]
