package dev.almanac.observation;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a number written with a Chinese multiplier: {@code 52073.4亿} (1e8), {@code 1.88万亿} (1e12),
 * {@code 3500万} (1e4), {@code 2千亿} (1e11); plain numbers pass through. Thousands separators are allowed.
 */
public final class ChineseNumber {

    private static final Pattern FORM = Pattern.compile("([+-]?[0-9][0-9,]*(?:\\.[0-9]+)?)\\s*(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)?");

    private ChineseNumber() {
    }

    /**
     * @return the value in base units
     * @throws NumberFormatException naming the text when it is not a number with an optional multiplier
     */
    public static double parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new NumberFormatException("'" + text + "' is not a number with an optional multiplier (亿, 万亿, 万, 千亿)");
        }
        BigDecimal number = new BigDecimal(m.group(1).replace(",", ""));
        String multiplier = m.group(2);
        return multiplier == null ? number.doubleValue() : number.multiply(multiplier(multiplier)).doubleValue();
    }

    /** The factor a Chinese multiplier stands for. */
    static BigDecimal multiplier(String word) {
        return switch (word) {
            case "万亿" -> new BigDecimal("1e12");
            case "千亿" -> new BigDecimal("1e11");
            case "百亿" -> new BigDecimal("1e10");
            case "十亿" -> new BigDecimal("1e9");
            case "亿" -> new BigDecimal("1e8");
            case "千万" -> new BigDecimal("1e7");
            case "百万" -> new BigDecimal("1e6");
            case "十万" -> new BigDecimal("1e5");
            case "万" -> new BigDecimal("1e4");
            case "千" -> new BigDecimal("1e3");
            case "百" -> new BigDecimal("1e2");
            default -> throw new NumberFormatException("unknown multiplier " + word);
        };
    }

    /** Formats a base-unit value with the largest fitting Chinese multiplier, for display: 5.20734e12 → 5.20734万亿. */
    public static String format(double value) {
        double abs = Math.abs(value);
        if (abs >= 1e12) {
            return trim(value / 1e12) + "万亿";
        }
        if (abs >= 1e8) {
            return trim(value / 1e8) + "亿";
        }
        if (abs >= 1e4 && value == Math.rint(value) && abs >= 1e5) {
            return trim(value / 1e4) + "万";
        }
        return trim(value);
    }

    private static String trim(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        if (d.scale() > 6) {
            d = d.setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        }
        return d.toPlainString();
    }
}
