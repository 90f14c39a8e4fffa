package io.trailsentry.sample;

import java.time.Instant;
import java.util.Map;

/**
 * One planned CloudTrail record before it is rendered: what happened, by whom, from where. Ids, TLS
 * details and other fields that follow from these are filled in when the record is written.
 *
 * @param requestParameters null, or a map of String / Number / Boolean / List / Map values
 * @param managementEvent   false for data events (S3 object calls, Lambda Invoke)
 */
public record ApiCall(Instant eventTime, Principal principal, String eventSource, String eventName, String awsRegion,
                      String sourceIPAddress, String userAgent, Map<String, Object> requestParameters,
                      Map<String, Object> responseElements, String errorCode, String errorMessage,
                      boolean readOnly, boolean managementEvent) {

    public ApiCall withResponse(Map<String, Object> response) {
        return new ApiCall(eventTime, principal, eventSource, eventName, awsRegion, sourceIPAddress, userAgent,
                requestParameters, response, errorCode, errorMessage, readOnly, managementEvent);
    }

    /** A failed call: CloudTrail records the error and no response elements. */
    public ApiCall withError(String code, String message) {
        return new ApiCall(eventTime, principal, eventSource, eventName, awsRegion, sourceIPAddress, userAgent,
                requestParameters, null, code, message, readOnly, managementEvent);
    }

    /** The service prefix IAM uses in actions and error messages ({@code iam}, {@code s3}, …). */
    public String servicePrefix() {
        String prefix = eventSource.substring(0, eventSource.indexOf('.'));
        return prefix.equals("monitoring") ? "cloudwatch" : prefix;
    }
}
