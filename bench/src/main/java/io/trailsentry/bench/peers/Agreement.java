package io.trailsentry.bench.peers;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How an implementation's alerts compare with the reference's (TrailSentry's), as sets of keys.
 *
 * @param matched    keys both emitted
 * @param missing    keys only the reference emitted
 * @param extra      keys only this implementation emitted
 * @param duplicates alerts this implementation emitted more than once (a key counts once in the sets)
 */
record Agreement(int matched, List<AlertKey> missing, List<AlertKey> extra, int duplicates) {

    static Agreement of(Collection<AlertKey> reference, List<AlertKey> actual) {
        Set<AlertKey> expected = new TreeSet<>(reference);
        Set<AlertKey> got = new TreeSet<>(actual);
        TreeSet<AlertKey> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        TreeSet<AlertKey> extra = new TreeSet<>(got);
        extra.removeAll(expected);
        return new Agreement(expected.size() - missing.size(), List.copyOf(missing), List.copyOf(extra), actual.size() - got.size());
    }

    boolean agrees() {
        return missing.isEmpty() && extra.isEmpty() && duplicates == 0;
    }

    @Override
    public String toString() {
        return matched + " matched, " + missing.size() + " missing, " + extra.size() + " extra"
                + (duplicates > 0 ? ", " + duplicates + " duplicates" : "");
    }
}
