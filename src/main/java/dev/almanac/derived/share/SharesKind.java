package dev.almanac.derived.share;

import static dev.almanac.derived.TerminalView.percent;
import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.SingleTableKind;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.ChineseNumber;
import dev.almanac.observation.Period;
import java.util.Comparator;
import java.util.List;

/** {@code type: share_of_parent}: 100 × value(region) / value(parent) per indicator and period. */
public final class SharesKind {

    public static final DerivedTableKind<TableDefinition.Shares> KIND = new SingleTableKind<>(
            TableDefinition.Shares.class, ShareOfParent.class,
            "share of the parent region: 100 × value(region) / value(parent), per indicator and period",
            ShareTopology::addTo, ShareTopology::topic, ShareTopology::store,
            "Shares of parent", List.of("indicator", "region", "of", "period", "share", "region value", "parent value", "inputs"),
            Comparator.comparing(ShareOfParent::getBaseIndicator).thenComparing(ShareOfParent::getRegion)
                    .thenComparing(r -> Period.parse(r.getPeriod())),
            r -> List.of(r.getBaseIndicator(), r.getRegion(), r.getParent(), r.getPeriod(),
                    qualifier(r.getQualifier()) + percent(r.getValue()),
                    ChineseNumber.format(r.getRegionValue()) + " " + r.getBaseUnit(),
                    ChineseNumber.format(r.getParentValue()) + " " + r.getBaseUnit(), String.join(",", r.getInputIds())));

    private SharesKind() {
    }
}
