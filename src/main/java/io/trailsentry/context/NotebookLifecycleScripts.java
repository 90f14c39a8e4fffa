package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a SageMaker notebook lifecycle script does, read from a
 * {@code Create/UpdateNotebookInstanceLifecycleConfig} request: {@code onCreate[].content} and
 * {@code onStart[].content}, each a base64 shell script that runs as root on the notebook with the
 * notebook's execution role. A script that opens a shell to somewhere else, reads the instance
 * metadata service (the role's credentials), downloads and runs code, mines or plants an SSH key is how a notebook becomes a foothold with its role's rights.
 *
 * <p>Plain-text indicators only: an obfuscated script passes, so the rules keep a building block
 * for every lifecycle change beside this one. Total: null, junk, bad base64 give no finding.
 */
public final class NotebookLifecycleScripts {

    /** An indicator category and its pattern over the lower-cased script. */
    private record Indicator(String category, Pattern pattern) {
    }

    /** In a fixed order, so findings read the same every time. */
    private static final List<Indicator> INDICATORS = List.of(
            new Indicator("reverse shell", Pattern.compile(
                    "/dev/(tcp|udp)/|\\b(ba)?sh -i\\b|\\bnc(at)? (.* )?-e |\\bsocat |mkfifo|import socket|pty\\.spawn|-rsocket|fsockopen")),
            new Indicator("instance metadata", Pattern.compile("169\\.254\\.169\\.254|/latest/(meta-data|api/token)|fd00:ec2::254")),
            new Indicator("download and run", Pattern.compile("\\|\\s*(sudo\\s+)?(ba|z)?sh\\b|base64 (-d|--decode)")),
            new Indicator("miner", Pattern.compile("xmrig|minerd|stratum\\+(tcp|ssl)|cryptonight")),
            // Not cron: AWS's own auto-stop-idle sample installs a crontab entry, the most common script there is.
            new Indicator("ssh key", Pattern.compile("authorized_keys")));

    private NotebookLifecycleScripts() {
    }

    /** At least one indicator in the request's scripts; see {@link #findings}. */
    public static boolean suspicious(String requestParameters) {
        return findings(requestParameters) != null;
    }

    /**
     * The categories found in the request's scripts, comma-separated in a fixed order
     * ({@code reverse shell, instance metadata}); null when none (or no script).
     */
    public static String findings(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        StringBuilder scripts = new StringBuilder();
        for (String hook : List.of("onCreate", "onStart")) {
            for (JsonNode entry : RequestJson.list(RequestJson.field(request, hook))) {
                String decoded = decode(RequestJson.text(RequestJson.field(entry, "content")));
                if (decoded != null) {
                    scripts.append(decoded.toLowerCase(Locale.ROOT)).append('\n');
                }
            }
        }
        if (scripts.isEmpty()) {
            return null;
        }
        List<String> found = new ArrayList<>();
        for (Indicator indicator : INDICATORS) {
            if (indicator.pattern().matcher(scripts).find()) {
                found.add(indicator.category());
            }
        }
        return found.isEmpty() ? null : String.join(", ", found);
    }

    /** Base64 (standard, padded or not, line breaks allowed) to UTF-8 text; null when it is not base64. */
    private static String decode(String content) {
        if (content == null || content.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getMimeDecoder().decode(content.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
