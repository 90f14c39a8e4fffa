package io.trailsentry.sample;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Generated records grouped the way they travel: newline-delimited payloads of a fixed number of records. */
public final class Payloads {

    /** One CloudTrail delivery file's worth: what the benchmarks hand the reader at a time. */
    public static final int DELIVERY_FILE_RECORDS = 1000;

    private Payloads() {
    }

    /** The records, each followed by a newline, {@code recordsPerPayload} to a payload (the last may hold fewer). */
    public static List<byte[]> newlineDelimited(List<byte[]> records, int recordsPerPayload) {
        if (recordsPerPayload < 1) {
            throw new IllegalArgumentException("recordsPerPayload must be positive: " + recordsPerPayload);
        }
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int n = 0;
        for (byte[] record : records) {
            payload.writeBytes(record);
            payload.write('\n');
            if (++n == recordsPerPayload) {
                payloads.add(payload.toByteArray());
                payload.reset();
                n = 0;
            }
        }
        if (n > 0) {
            payloads.add(payload.toByteArray());
        }
        return payloads;
    }
}
