-- Symbols and the five OHLCV tables (contract §6.2). Writes are upserts keyed on the primary key.

-- object: table symbols
CREATE TABLE symbols (
    symbol     VARCHAR(10) PRIMARY KEY,
    name       TEXT,
    sector     TEXT,
    universes  TEXT[] NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- object: table ohlcv_1min
CREATE TABLE ohlcv_1min (
    symbol      VARCHAR(10) NOT NULL,
    "timestamp" TIMESTAMPTZ NOT NULL,
    open        NUMERIC(10,2),
    high        NUMERIC(10,2),
    low         NUMERIC(10,2),
    close       NUMERIC(10,2),
    volume      BIGINT,
    PRIMARY KEY (symbol, "timestamp")
);

-- object: table ohlcv_hourly
CREATE TABLE ohlcv_hourly (
    symbol      VARCHAR(10) NOT NULL,
    "timestamp" TIMESTAMPTZ NOT NULL,
    open        NUMERIC(10,2),
    high        NUMERIC(10,2),
    low         NUMERIC(10,2),
    close       NUMERIC(10,2),
    volume      BIGINT,
    PRIMARY KEY (symbol, "timestamp")
);

-- object: table ohlcv_daily
CREATE TABLE ohlcv_daily (
    symbol VARCHAR(10) NOT NULL,
    date   DATE NOT NULL,
    open   NUMERIC(10,2),
    high   NUMERIC(10,2),
    low    NUMERIC(10,2),
    close  NUMERIC(10,2),
    volume BIGINT,
    PRIMARY KEY (symbol, date)
);

-- object: table ohlcv_weekly
CREATE TABLE ohlcv_weekly (
    symbol      VARCHAR(10) NOT NULL,
    week_ending DATE NOT NULL,
    open        NUMERIC(10,2),
    high        NUMERIC(10,2),
    low         NUMERIC(10,2),
    close       NUMERIC(10,2),
    volume      BIGINT,
    PRIMARY KEY (symbol, week_ending)
);

-- object: table ohlcv_monthly
CREATE TABLE ohlcv_monthly (
    symbol       VARCHAR(10) NOT NULL,
    month_ending DATE NOT NULL,
    open         NUMERIC(10,2),
    high         NUMERIC(10,2),
    low          NUMERIC(10,2),
    close        NUMERIC(10,2),
    volume       BIGINT,
    PRIMARY KEY (symbol, month_ending)
);

-- always
DO $grants$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_readwrite') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON symbols, ohlcv_1min, ohlcv_hourly, ohlcv_daily, ohlcv_weekly, ohlcv_monthly TO app_readwrite;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'market data grants skipped: not the owner';
END
$grants$;
