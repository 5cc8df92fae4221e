package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per (indicator, region, frequency): the latest vintage of the newest reference period. Fed by the
 * latest table's changes, which only ever move a period to a newer vintage, so the result is the same
 * for any arrival order.
 */
final class CurrentProcessor implements Processor<ObservationKey, IndicatorObservation, SeriesKey, IndicatorObservation> {

    /** A series as the cache of newest periods keys it: a record's hash and equality cost less than an Avro key's. */
    private record Series(String indicator, String region, Frequency frequency) {
    }

    private final int cachedSeries;
    private ProcessorContext<SeriesKey, IndicatorObservation> context;
    private KeyValueStore<SeriesKey, IndicatorObservation> current;
    /** The newest period of recently seen series, least recently used first; null when there is no cache. */
    private Map<Series, Period> newest;

    /** @param cachedSeries how many series' newest periods the processor keeps in memory (0: read each from the store) */
    CurrentProcessor(int cachedSeries) {
        this.cachedSeries = cachedSeries;
    }

    /**
     * A new cache on every initialisation: Kafka Streams initialises a task's processors again after it wiped or
     * restored the task's store, and the cache must hold only what the store holds. Reading a series' newest
     * period from the cached store (its key encoded, a lookup in the record cache's tree, the whole
     * observation decoded) took 8 % of the foundation thread (async-profiler, 2026-12-03 23:43).
     */
    @Override
    public void init(ProcessorContext<SeriesKey, IndicatorObservation> context) {
        this.context = context;
        this.current = context.getStateStore(FoundationTopology.CURRENT_STORE);
        this.newest = cachedSeries <= 0 ? null : new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Series, Period> eldest) {
                return size() > cachedSeries;
            }
        };
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        ObservationKey key = record.key();
        Period period = Period.parse(key.getPeriod());
        Series series = new Series(key.getIndicator(), key.getRegion(), period.frequency());
        Period newestPeriod = newest == null ? null : newest.get(series);
        if (newestPeriod == null) {
            IndicatorObservation existing = current.get(seriesKey(series));
            newestPeriod = existing == null ? null : Period.parse(existing.getPeriod());
        }
        if (newestPeriod == null || period.compareTo(newestPeriod) >= 0) {
            SeriesKey k = seriesKey(series);
            current.put(k, record.value());
            context.forward(new Record<>(k, record.value(), record.timestamp()));
            newestPeriod = period;
        }
        if (newest != null) {
            newest.put(series, newestPeriod);
        }
    }

    private static SeriesKey seriesKey(Series s) {
        return new SeriesKey(s.indicator(), s.region(), s.frequency().name());
    }
}
