package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChineseNumberTest {

    @ParameterizedTest
    @CsvSource({"52073.4亿, 5207340000000", "1.88万亿, 1880000000000", "3500万, 35000000", "5949亿, 594900000000",
        "2千亿, 200000000000", "132, 132", "'1,234.5', 1234.5", "-3.2, -3.2", "0.5万, 5000"})
    void shouldApplyMultiplierWhenTextHasOne(String text, double expected) {
        assertEquals(expected, ChineseNumber.parse(text), Math.abs(expected) * 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "亿", "约100", "100亿元", "1.2.3", "abc"})
    void shouldRejectWhenTextIsNotANumberWithMultiplier(String text) {
        assertThrows(NumberFormatException.class, () -> ChineseNumber.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"5207340000000, 5.20734万亿", "188000000000, 1880亿", "35000000, 3500万", "132, 132", "5.4, 5.4"})
    void shouldFormatWithLargestMultiplierWhenDisplaying(double value, String expected) {
        assertEquals(expected, ChineseNumber.format(value));
    }
}
