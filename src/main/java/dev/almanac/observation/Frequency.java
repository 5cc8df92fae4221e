package dev.almanac.observation;

/** The frequency of a reference period: what kind of time span a figure describes. */
public enum Frequency {
    /** A calendar year: {@code 2025}. */
    A,
    /** A calendar quarter: {@code 2025-Q3}. */
    Q,
    /** A half year: {@code 2025-H1}. */
    H,
    /** A calendar month: {@code 2025-11}. */
    M,
    /** Cumulative from the start of the year: {@code 2025-Q1..Q3}, {@code 2025-01..11}. */
    YTD,
    /** Several whole years: {@code 2021..2025}. */
    SPAN,
    /** A stock measured at a point in time: {@code asof:2025-12-31}, {@code asof:2025-12}. */
    STOCK
}
