# reach: one static binary on a minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/reach ./cmd/reach
RUN mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reach /reach
# Where REACH_PROJECTION_SNAPSHOT points in docker-compose.yml, owned by the image's user so that a
# new volume mounted there is too.
COPY --from=build --chown=65532:65532 /out/state /var/lib/reach
EXPOSE 8080
ENTRYPOINT ["/reach"]
CMD ["serve"]
