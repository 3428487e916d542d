# Build stage: the same `make build` a developer runs, so the image carries
# exactly the binary the Makefile describes (static, stripped, zoneinfo embedded).
FROM golang:1.26-bookworm AS builder
# The CJK font the charts draw Chinese with; the runtime stage copies it.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build BIN=/out/salesbot

# Runtime stage: distroless static has CA certificates (Slack's HTTPS),
# /usr/share/zoneinfo and a nonroot user (65532), and no shell or curl,
# which is why the health check is a subcommand of the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /out/salesbot /salesbot
COPY --from=builder /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
USER nonroot:nonroot
ENV LISTEN_ADDR=:3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["/salesbot","healthcheck"]
ENTRYPOINT ["/salesbot"]
CMD ["serve"]
