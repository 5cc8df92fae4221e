package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlOutputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode rows(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    @Test
    void shouldQuoteCsvFieldsWithCommasQuotesAndLineBreaksAndLeaveNullsEmpty() throws Exception {
        String csv = SqlOutput.csv.render(List.of("region", "value", "note"),
                rows("[[\"CN-BJ\", 5.2073E12, \"a, \\\"b\\\"\"], [\"CN-SH\", null, \"two\\nlines\"]]"));
        assertEquals("region,value,note\r\nCN-BJ,5207300000000,\"a, \"\"b\"\"\"\r\nCN-SH,,\"two\nlines\"\r\n", csv);
    }

    @Test
    void shouldPrintOneJsonObjectPerRowKeepingJsonTypes() throws Exception {
        String json = SqlOutput.json.render(List.of("region", "value"), rows("[[\"CN-BJ\", 209], [\"CN-SH\", null]]"));
        assertEquals("{\"region\":\"CN-BJ\",\"value\":209}\n{\"region\":\"CN-SH\",\"value\":null}\n", json);
    }

    @Test
    void shouldSplitAScriptAtSemicolonsOutsideQuotesAndComments() {
        assertEquals(List.of("SELECT 'a;b' FROM latest", "SELECT \"x;\" FROM current\n WHERE region = 'CN-BJ'"),
                SqlOutput.statements("-- first; not a statement\nSELECT 'a;b' FROM latest;\n\nSELECT \"x;\" FROM current\n WHERE region = 'CN-BJ';\n;\n"));
    }
}
