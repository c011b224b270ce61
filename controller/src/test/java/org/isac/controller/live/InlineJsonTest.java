package org.isac.controller.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snapshot inlined into the live page cannot close its script element, and parses to the same value. */
class InlineJsonTest {
    @Test
    void noAngleBracketSurvivesAndTheValueIsUnchanged() {
        String hostile = "{\"radio_id\":\"</script><script>alert(1)</script><!--\"}";
        String inline = LiveView.inlineJson(hostile);
        assertFalse(inline.contains("<"), inline);
        assertEquals(MiniJson.parse(hostile), MiniJson.parse(inline));
        assertEquals(Map.of("radio_id", "</script><script>alert(1)</script><!--"), MiniJson.parse(inline));
    }
}
