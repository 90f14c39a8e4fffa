package io.trailsentry.context;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which actor created which identity: a user made with {@code CreateUser}, a key made with
 * {@code CreateAccessKey}. When the new user or key acts, its events carry the creator
 * ({@link CloudTrailEvent#getCreatedBy()}), so the scorer joins them to the creator's incident.
 * Links older than the horizon are forgotten; the map is bounded.
 */
final class IdentityLineage {

    private record Link(String creator, long at) {
    }

    private final long horizonMillis;
    private final int maxLinks;
    private long evicted;
    private final Map<String, Link> links = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Link> eldest) {
            boolean over = size() > maxLinks;
            if (over) {
                evicted++;
            }
            return over;
        }
    };

    IdentityLineage(long horizonMillis, int maxLinks) {
        this.horizonMillis = horizonMillis;
        this.maxLinks = maxLinks;
    }

    int size() {
        return links.size();
    }

    int maxLinks() {
        return maxLinks;
    }

    /** Links forgotten before their horizon because the cap was reached. */
    long evicted() {
        return evicted;
    }

    /** The creator of this event's identity, if one is known within the horizon. */
    String creatorOf(CloudTrailEvent e) {
        if (links.isEmpty()) {
            return null;
        }
        long now = e.getEventTimeMillis();
        String creator = live(e.getAccessKeyId(), now);
        if (creator == null && "IAMUser".equals(e.getUserIdentityType())) {
            creator = live(e.getArn(), now);
        }
        return creator;
    }

    /** Remembers identities a successful CreateUser / CreateAccessKey by {@code actorKey} made. */
    void learn(CloudTrailEvent e, String actorKey) {
        if (actorKey == null || e.getErrorCode() != null || !"iam.amazonaws.com".equals(e.getEventSource())) {
            return;
        }
        String name = e.getEventName();
        if (!name.equals("CreateUser") && !name.equals("CreateAccessKey")) {
            return;
        }
        // Through the event's parsed fields: what is parsed here is parsed once for the rules too.
        long now = e.getEventTimeMillis();
        if (name.equals("CreateUser")) {
            String arn = e.getResponseElement("user.arn");
            String userName = e.getRequestParameter("userName");
            if (arn == null && userName != null && e.getRecipientAccountId() != null) {
                arn = "arn:aws:iam::" + e.getRecipientAccountId() + ":user/" + userName;
            }
            put(arn, actorKey, now);
        } else {
            put(e.getResponseElement("accessKey.accessKeyId"), actorKey, now);
            String userName = e.getResponseElement("accessKey.userName");
            if (userName == null) {
                userName = e.getRequestParameter("userName");
            }
            if (userName != null && e.getRecipientAccountId() != null) {
                String userArn = "arn:aws:iam::" + e.getRecipientAccountId() + ":user/" + userName;
                // A key made for someone else's user links that user too, unless it already has a creator.
                if (!userArn.equals(e.getArn()) && live(userArn, now) == null) {
                    put(userArn, actorKey, now);
                }
            }
        }
    }

    private void put(String identity, String creator, long now) {
        if (identity != null && !identity.isEmpty()) {
            links.put(identity, new Link(creator, now));
        }
    }

    private String live(String identity, long now) {
        if (identity == null) {
            return null;
        }
        Link link = links.get(identity);
        return link != null && now - link.at() <= horizonMillis ? link.creator() : null;
    }
}
