#!/usr/bin/env bash
# The broker itself: KAFKA_HEAP_OPTS (default -Xms256m -Xmx512m) sizes it.
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
