"""Operating the service: Prometheus metrics shared across processes, and JSON logs."""
