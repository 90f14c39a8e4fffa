package io.trailsentry.ingest;

/**
 * What the context stage works out about an event (see {@code io.trailsentry.context}); carried on
 * the event as plain fields so rules read them like any other.
 *
 * @param actorKey    correlation key of the actor, null for AWS service calls
 * @param actorName   the actor as a person reads it
 * @param serviceCall AWS acting on its own (AWSService identity, service-linked role): no actor
 * @param stages      attack stages of the call
 * @param externalIp  the source is a public IP
 * @param createdBy   the actor that created this call's identity, when lineage knows one
 */
public record EventContext(String actorKey, String actorName, boolean serviceCall, String[] stages, boolean externalIp,
                           String createdBy, boolean unknownIp, boolean offHours, boolean nonAdmin, boolean allowlisted) {
}
