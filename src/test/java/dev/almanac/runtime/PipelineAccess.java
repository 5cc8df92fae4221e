package dev.almanac.runtime;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/** Test access to the pipeline's package-private policy. */
public final class PipelineAccess {

    private PipelineAccess() {
    }

    public static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable e) {
        return Pipeline.onUncaught(e);
    }
}
