# The service image: the static binary alone, so it builds without pulling
# any base image (here, where no registry is reachable, and anywhere else).
# `make image` prepares the build context (bin/image/) and builds it:
#   customer-service   the binary, CGO_ENABLED=0
#   data/              an empty directory, the embedded store's volume
# The binary carries its own CA roots (x509roots/fallback) for TLS to a
# managed MongoDB, since scratch has none.
FROM scratch

COPY customer-service /customer-service
# scratch has no mkdir/chown: the mount point is copied in already owned by
# the runtime user, and Docker seeds new volumes with that ownership.
COPY --chown=65532:65532 data /data
VOLUME /data

ENV CUSTOMER_HTTP_ADDR=:3005 \
    CUSTOMER_DATA_DIR=/data
USER 65532:65532
EXPOSE 3005 9005
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["/customer-service", "healthcheck"]
ENTRYPOINT ["/customer-service"]
