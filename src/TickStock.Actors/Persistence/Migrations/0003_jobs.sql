-- Historical data-load jobs (contract §6): the job as received and the progress of each symbol,
-- so a daemon killed mid-job resumes on restart. Bars themselves are upserts, so re-running a
-- symbol never duplicates rows.

-- object: table data_load_jobs
CREATE TABLE data_load_jobs (
    job_id        VARCHAR(200) PRIMARY KEY,
    job_type      VARCHAR(50) NOT NULL,
    message       TEXT NOT NULL,
    status        VARCHAR(30) NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at  TIMESTAMPTZ,
    cancelled     BOOLEAN NOT NULL DEFAULT FALSE,
    error_message TEXT,
    submitted_at  TEXT,
    description   TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- object: table data_load_job_symbols
CREATE TABLE data_load_job_symbols (
    job_id       VARCHAR(200) NOT NULL,
    symbol       VARCHAR(10) NOT NULL,
    status       VARCHAR(20) NOT NULL,
    error        TEXT,
    rows_1min    BIGINT NOT NULL DEFAULT 0,
    rows_hourly  BIGINT NOT NULL DEFAULT 0,
    rows_daily   BIGINT NOT NULL DEFAULT 0,
    rows_weekly  BIGINT NOT NULL DEFAULT 0,
    rows_monthly BIGINT NOT NULL DEFAULT 0,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (job_id, symbol)
);

-- always
DO $grants$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_readwrite') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON data_load_jobs, data_load_job_symbols TO app_readwrite;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'job table grants skipped: not the owner';
END
$grants$;
