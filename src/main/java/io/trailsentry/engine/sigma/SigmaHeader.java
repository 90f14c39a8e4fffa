package io.trailsentry.engine.sigma;

import java.util.List;

/**
 * The descriptive part every Sigma document (detection or correlation) may carry.
 *
 * @param name  the optional unique name correlations may refer to instead of the id
 * @param level informational, low, medium, high or critical; null when absent
 * @param line  where the document starts
 */
public record SigmaHeader(String title, String id, String name, String description, String status, String level,
                          List<String> tags, List<String> falsepositives, List<String> references, String author,
                          String date, String modified, int line) {

    public SigmaHeader {
        tags = List.copyOf(tags);
        falsepositives = List.copyOf(falsepositives);
        references = List.copyOf(references);
    }

    /** What a person reads to recognise the rule: its title, else name, else id. */
    public String label() {
        return title != null ? title : name != null ? name : id != null ? id : "(untitled)";
    }
}
