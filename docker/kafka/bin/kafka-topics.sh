#!/usr/bin/env bash
export KAFKA_HEAP_OPTS="${KAFKA_TOOL_HEAP_OPTS:--Xmx128m}" KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_TOOL_JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.TopicCommand "$@"
