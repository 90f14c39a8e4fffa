-- The incident detail page reads an incident's escalations (the opening one, the latest) and its most
-- recently recorded alerts. With only (incident_id, detected_at), each of those walks every alert of
-- the incident, and a long-lived incident gathers tens of thousands of building-block signals.
-- (incident_id, kind, detected_at, seq): the escalations alone, newest first; the writer's count of
-- an incident's signals when the incident opens uses its (incident_id, kind) prefix.
CREATE INDEX ts_incident_alert_incident_kind ON ts_incident_alert (incident_id, kind, detected_at, seq);
-- (incident_id, seq): the detail's most recent raw alerts without sorting all of them.
CREATE INDEX ts_incident_alert_incident_seq ON ts_incident_alert (incident_id, seq);
