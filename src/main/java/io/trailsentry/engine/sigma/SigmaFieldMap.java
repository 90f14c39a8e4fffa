package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one declaration of how Sigma's CloudTrail field names read the normalised event
 * ({@link io.trailsentry.ingest.CloudTrailEvent}): each field once, with its EPL property, type and
 * description (docs/rules.md's field table is generated from {@link #fields()} and {@link #prefixes()}).
 * A field not declared here is refused with its name, never guessed.
 */
public final class SigmaFieldMap {

    /** How a field's values compare. */
    public enum Type { TEXT, BOOLEAN }

    /**
     * A field mapped to an event property.
     *
     * @param property  the EPL property of {@code CloudTrailEvent}
     * @param nullable  false when every event has the field (its negations need no null guard)
     * @param canonical values AWS spells one way only, or null: a Sigma value of this shape compares
     *                  exactly ({@code eventName = 'X'}), which Esper's filter index shares with the EPL rules
     */
    public record Field(String sigmaName, String property, Type type, boolean nullable, Pattern canonical, String description) {
    }

    /**
     * Every Sigma field under a prefix maps to one getter taking the rest of the path:
     * {@code requestParameters.userName} → {@code requestParameter('userName')}.
     */
    public record Prefix(String sigmaPrefix, String getter, String description) {
    }

    /** A resolved field: how to read it in EPL from a stream alias (or from the filtered event when alias is null). */
    public record Mapped(String sigmaName, String property, String mappedKey, Type type, boolean nullable, Pattern canonical) {

        public String epl(String alias) {
            String read = mappedKey == null ? property : property + "(" + SigmaEpl.literal(mappedKey) + ")";
            return alias == null ? read : alias + "." + read;
        }
    }

    private static final Pattern EVENT_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");
    private static final Pattern EVENT_SOURCE = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private static final List<Field> FIELDS = List.of(
            new Field("eventName", "eventName", Type.TEXT, false, EVENT_NAME, "the API call, e.g. CreateAccessKey"),
            new Field("eventSource", "eventSource", Type.TEXT, true, EVENT_SOURCE, "the service endpoint, e.g. iam.amazonaws.com"),
            new Field("eventType", "eventType", Type.TEXT, true, null, "AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, …"),
            new Field("eventID", "eventID", Type.TEXT, true, null, "the record's unique id"),
            new Field("awsRegion", "awsRegion", Type.TEXT, true, null, "the region the call was made in"),
            new Field("sourceIPAddress", "sourceIPAddress", Type.TEXT, true, null, "caller IP, or a service name such as ec2.amazonaws.com"),
            new Field("userAgent", "userAgent", Type.TEXT, true, null, "the caller's user agent"),
            new Field("errorCode", "errorCode", Type.TEXT, true, null, "the error of a failed call; absent when the call succeeded"),
            new Field("errorMessage", "errorMessage", Type.TEXT, true, null, "the error message of a failed call"),
            new Field("readOnly", "readOnly", Type.BOOLEAN, true, null, "true for calls that only read"),
            new Field("recipientAccountId", "recipientAccountId", Type.TEXT, true, null, "the account that received the call"),
            new Field("userIdentity.type", "userIdentityType", Type.TEXT, true, null, "IAMUser, AssumedRole, Root, AWSService, FederatedUser, …"),
            new Field("userIdentity.arn", "arn", Type.TEXT, true, null, "the caller's ARN"),
            new Field("userIdentity.principalId", "principalId", Type.TEXT, true, null, "the caller's principal id"),
            new Field("userIdentity.accountId", "accountId", Type.TEXT, true, null, "the caller's account"),
            new Field("userIdentity.accessKeyId", "accessKeyId", Type.TEXT, true, null, "the access key the call was signed with"),
            new Field("userIdentity.userName", "userName", Type.TEXT, true, null, "the IAM user's name"),
            new Field("userIdentity.invokedBy", "invokedBy", Type.TEXT, true, null, "the AWS service that made the call for the caller"),
            new Field("userIdentity.sessionContext.sessionIssuer.arn", "sessionIssuerArn", Type.TEXT, true, null, "the role a session was issued by"),
            new Field("userIdentity.sessionContext.sessionIssuer.userName", "sessionIssuerUserName", Type.TEXT, true, null, "the issuing role's name"),
            new Field("requestParameters", "requestParameters", Type.TEXT, true, null, "the whole request, as compact JSON text"),
            new Field("responseElements", "responseElements", Type.TEXT, true, null, "the whole response, as compact JSON text"),
            new Field("additionalEventData", "additionalEventData", Type.TEXT, true, null, "the whole additionalEventData, as compact JSON text"));

    private static final List<Prefix> PREFIXES = List.of(
            new Prefix("requestParameters.", "requestParameter", "a request field by dotted path (arrays by index: ipPermissions.items.0.fromPort):"
                    + " a scalar as text, an object or array as compact JSON text"),
            new Prefix("responseElements.", "responseElement", "a response field by path, likewise"),
            new Prefix("additionalEventData.", "additionalEventDatum", "a field of additionalEventData by path, likewise (e.g. MFAUsed)"));

    private SigmaFieldMap() {
    }

    public static List<Field> fields() {
        return FIELDS;
    }

    public static List<Prefix> prefixes() {
        return PREFIXES;
    }

    /** The field map as the Markdown table docs/rules.md carries. */
    public static List<String> markdownTable() {
        List<String> lines = new ArrayList<>();
        lines.add("| Sigma field | EPL property | what it holds |");
        lines.add("|---|---|---|");
        FIELDS.forEach(f -> lines.add("| `" + f.sigmaName() + "` | `" + f.property() + "` | " + f.description() + " |"));
        PREFIXES.forEach(p -> lines.add("| `" + p.sigmaPrefix() + "…` | `" + p.getter() + "('…')` | " + p.description() + " |"));
        return lines;
    }

    /** @return the field's mapping, or empty when the normalised event does not carry it */
    public static Optional<Mapped> resolve(String sigmaName) {
        for (Field f : FIELDS) {
            if (f.sigmaName().equals(sigmaName)) {
                return Optional.of(new Mapped(sigmaName, f.property(), null, f.type(), f.nullable(), f.canonical()));
            }
        }
        for (Prefix p : PREFIXES) {
            if (sigmaName.startsWith(p.sigmaPrefix()) && sigmaName.length() > p.sigmaPrefix().length()) {
                return Optional.of(new Mapped(sigmaName, p.getter(), sigmaName.substring(p.sigmaPrefix().length()), Type.TEXT, true, null));
            }
        }
        return Optional.empty();
    }

    /** For refusals: the names a rule may use. */
    static String known() {
        List<String> names = new ArrayList<>();
        FIELDS.forEach(f -> names.add(f.sigmaName()));
        PREFIXES.forEach(p -> names.add(p.sigmaPrefix() + "…"));
        return String.join(", ", names);
    }
}
