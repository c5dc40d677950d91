-- Integration log shared with the consumer app (contract §3.1).
-- Sections: an "object: <kind> <name>" marker creates one object when absent and compares it
-- with an existing one otherwise (never replaced); the "always" section runs after the objects.

-- object: table integration_events
CREATE TABLE integration_events (
    id            SERIAL PRIMARY KEY,
    flow_id       UUID,
    "timestamp"   TIMESTAMPTZ DEFAULT NOW(),
    event_type    VARCHAR(50) NOT NULL,
    source_system VARCHAR(50) NOT NULL,
    checkpoint    VARCHAR(100) NOT NULL,
    channel       VARCHAR(100),
    symbol        VARCHAR(20),
    pattern_name  VARCHAR(50),
    confidence    DECIMAL(3,2),
    user_count    INTEGER,
    details       JSONB,
    latency_ms    DECIMAL(10,2),
    created_at    TIMESTAMPTZ DEFAULT NOW()
);

-- object: function log_integration_event
CREATE FUNCTION log_integration_event(
    p_flow_id    UUID,
    p_event_type VARCHAR(50),
    p_source     VARCHAR(50),
    p_checkpoint VARCHAR(100),
    p_channel    VARCHAR(100) DEFAULT NULL,
    p_symbol     VARCHAR(20)  DEFAULT NULL,
    p_pattern    VARCHAR(50)  DEFAULT NULL,
    p_confidence DECIMAL(3,2) DEFAULT NULL,
    p_user_count INTEGER      DEFAULT NULL,
    p_details    JSONB        DEFAULT NULL
) RETURNS VOID
LANGUAGE plpgsql
AS $fn$
BEGIN
    INSERT INTO integration_events
        (flow_id, event_type, source_system, checkpoint, channel, symbol, pattern_name,
         confidence, user_count, details)
    VALUES
        (p_flow_id, p_event_type, p_source, p_checkpoint, p_channel, p_symbol, p_pattern,
         p_confidence, p_user_count, p_details);
END;
$fn$;

-- object: view pattern_flow_analysis
CREATE VIEW pattern_flow_analysis AS
SELECT flow_id,
       MIN("timestamp") AS start_time,
       MAX("timestamp") AS end_time,
       EXTRACT(EPOCH FROM (MAX("timestamp") - MIN("timestamp"))) * 1000 AS total_latency_ms,
       symbol,
       pattern_name,
       MAX(confidence) AS confidence,
       MAX(user_count) AS users_notified,
       COUNT(*) AS checkpoints_logged,
       ARRAY_AGG(checkpoint ORDER BY "timestamp") AS flow_path
FROM integration_events
WHERE flow_id IS NOT NULL
GROUP BY flow_id, symbol, pattern_name;

-- always
-- Indexes and grants are best effort on a table the consumer created and we do not own.
DO $extras$
BEGIN
    CREATE INDEX IF NOT EXISTS idx_integration_events_flow_id ON integration_events (flow_id);
    CREATE INDEX IF NOT EXISTS idx_integration_events_timestamp ON integration_events ("timestamp" DESC);
    CREATE INDEX IF NOT EXISTS idx_integration_events_symbol ON integration_events (symbol);
    CREATE INDEX IF NOT EXISTS idx_integration_events_pattern ON integration_events (pattern_name);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'integration_events indexes not created: not the owner';
END
$extras$;
DO $grants$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_readwrite') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON integration_events TO app_readwrite;
        GRANT USAGE, SELECT ON SEQUENCE integration_events_id_seq TO app_readwrite;
        GRANT SELECT ON pattern_flow_analysis TO app_readwrite;
        GRANT EXECUTE ON FUNCTION log_integration_event(UUID, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DECIMAL, INTEGER, JSONB) TO app_readwrite;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'integration log grants skipped: not the owner';
END
$grants$;
