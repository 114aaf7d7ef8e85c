# reach: one static binary on a minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/reach ./cmd/reach

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reach /reach
EXPOSE 8080
ENTRYPOINT ["/reach"]
CMD ["serve"]
