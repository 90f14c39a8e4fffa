package io.trailsentry.incident;

/**
 * A source IP of an incident with the context stage's mark.
 *
 * @param unknown true when the IP was unknown for the actor (context {@code unknown_ip}) in at least
 *                one event; false when it was known, AWS-internal or in a configured known network
 */
public record SourceIp(String address, boolean unknown) {
}
