using Npgsql;
using TickStock.Actors.Persistence;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Persistence;

/// <summary>Migrations against the real local PostgreSQL, each test in its own scratch schema.</summary>
public class SchemaMigratorTests
{
    // The contract's tables, column for column (contract §3.1 and §6.2), as information_schema reports them.
    private static readonly string[] IntegrationEventsColumns =
    [
        "id integer NO", "flow_id uuid YES", "timestamp timestamp with time zone YES", "event_type character varying(50) NO",
        "source_system character varying(50) NO", "checkpoint character varying(100) NO", "channel character varying(100) YES",
        "symbol character varying(20) YES", "pattern_name character varying(50) YES", "confidence numeric(3,2) YES",
        "user_count integer YES", "details jsonb YES", "latency_ms numeric(10,2) YES", "created_at timestamp with time zone YES",
    ];

    private static readonly string[] FlowViewColumns =
    [
        "flow_id", "start_time", "end_time", "total_latency_ms", "symbol", "pattern_name", "confidence",
        "users_notified", "checkpoints_logged", "flow_path",
    ];

    [Fact]
    public async Task Migrating_twice_creates_everything_once_and_then_does_nothing()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        var migrator = new SchemaMigrator(schema.DataSource);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(schema.Name, first.Schema);
        Assert.Equal(migrator.Migrations.Select(m => m.Version), first.Applied);
        Assert.Contains("integration_events", first.Created);
        Assert.Empty(first.Adopted);
        Assert.Empty(second.Applied);
        Assert.Empty(second.Created);
        Assert.Equal(migrator.Migrations.Count, await schema.ScalarAsync<long>("SELECT count(*) FROM tickstock_schema_migrations"));
    }

    [Fact]
    public async Task Objects_match_the_contract_column_for_column()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();

        Assert.Equal(IntegrationEventsColumns, await ColumnsAsync(schema, "integration_events"));
        Assert.Equal(FlowViewColumns, (await ColumnsAsync(schema, "pattern_flow_analysis")).Select(c => c.Split(' ')[0]));

        foreach (var (table, key, keyType) in new[]
                 {
                     ("ohlcv_1min", "timestamp", "timestamp with time zone"), ("ohlcv_hourly", "timestamp", "timestamp with time zone"),
                     ("ohlcv_daily", "date", "date"), ("ohlcv_weekly", "week_ending", "date"), ("ohlcv_monthly", "month_ending", "date"),
                 })
        {
            Assert.Equal(
                [
                    "symbol character varying(10) NO", $"{key} {keyType} NO", "open numeric(10,2) YES", "high numeric(10,2) YES",
                    "low numeric(10,2) YES", "close numeric(10,2) YES", "volume bigint YES",
                ],
                await ColumnsAsync(schema, table));
            Assert.Equal($"symbol,{key}", await schema.ScalarAsync<string>(
                $"SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum)) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{schema.Name}.{table}'::regclass AND i.indisprimary"));
        }

        var indexes = await schema.ScalarAsync<string>(
            $"SELECT string_agg(indexdef, ' | ') FROM pg_indexes WHERE schemaname = '{schema.Name}' AND tablename = 'integration_events'");
        Assert.Contains("(flow_id)", indexes, StringComparison.Ordinal);
        Assert.Contains("\"timestamp\" DESC", indexes, StringComparison.Ordinal);
        Assert.Contains("(symbol)", indexes, StringComparison.Ordinal);
        Assert.Contains("(pattern_name)", indexes, StringComparison.Ordinal);

        Assert.Equal(
            "p_flow_id uuid, p_event_type character varying, p_source character varying, p_checkpoint character varying, p_channel character varying DEFAULT NULL::character varying, p_symbol character varying DEFAULT NULL::character varying, p_pattern character varying DEFAULT NULL::character varying, p_confidence numeric DEFAULT NULL::numeric, p_user_count integer DEFAULT NULL::integer, p_details jsonb DEFAULT NULL::jsonb",
            await schema.ScalarAsync<string>($"SELECT pg_get_function_arguments('{schema.Name}.log_integration_event'::regproc)"));
    }

    [Fact]
    public async Task An_existing_matching_table_is_adopted_and_its_rows_kept()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        // Written the way the consumer app's own set-up might: other spellings, other column order.
        await schema.ExecuteAsync("""
            CREATE TABLE integration_events (
                id serial primary key, flow_id uuid, event_type varchar(50) not null, "timestamp" timestamptz default now(),
                source_system varchar(50) not null, checkpoint varchar(100) not null, channel varchar(100), symbol varchar(20),
                pattern_name varchar(50), confidence numeric(3,2), user_count int, details jsonb, latency_ms numeric(10,2),
                created_at timestamptz default now());
            INSERT INTO integration_events (event_type, source_system, checkpoint) VALUES ('heartbeat', 'TickStockAppV2', 'CONSUMER_ROW');
            """);

        var report = await new SchemaMigrator(schema.DataSource).MigrateAsync();

        Assert.Contains("integration_events", report.Adopted);
        Assert.DoesNotContain("integration_events", report.Created);
        Assert.Contains("log_integration_event", report.Created);
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'CONSUMER_ROW'"));
        Assert.Equal("{integration_events}", await schema.ScalarAsync<string>("SELECT adopted_objects::text FROM tickstock_schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task An_existing_differing_table_stops_the_migration_naming_the_difference_and_is_left_untouched()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        await schema.ExecuteAsync("""
            CREATE TABLE integration_events (
                id serial primary key, flow_id uuid, "timestamp" timestamptz default now(), event_type varchar(50) not null,
                source_system varchar(50) not null, checkpoint varchar(100) not null, channel varchar(100), symbol varchar(20),
                pattern_name varchar(50), confidence numeric(5,2), user_count int, details jsonb, latency_ms numeric(10,2),
                created_at timestamptz default now());
            """);

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(schema.DataSource).MigrateAsync());

        Assert.Contains($"{schema.Name}.integration_events", ex.Message, StringComparison.Ordinal);
        Assert.Contains("column confidence numeric(5,2)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("numeric(3,2)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("numeric(5,2)", await schema.ScalarAsync<string>(
            $"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{schema.Name}.integration_events'::regclass AND attname = 'confidence'"));
        // The whole run rolled back: no version recorded, nothing else created.
        Assert.Null(await schema.ScalarAsync<string>($"SELECT to_regclass('{schema.Name}.tickstock_schema_migrations')::text"));
        Assert.Null(await schema.ScalarAsync<string>($"SELECT to_regclass('{schema.Name}.ohlcv_daily')::text"));
    }

    [Fact]
    public async Task An_existing_function_with_another_signature_is_not_replaced()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        await schema.ExecuteAsync("""
            CREATE FUNCTION log_integration_event(p_flow_id uuid, p_event_type text) RETURNS void
            LANGUAGE sql AS $$ SELECT $$;
            """);

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(schema.DataSource).MigrateAsync());

        Assert.Contains("function", ex.Message, StringComparison.Ordinal);
        Assert.Contains("log_integration_event", ex.Message, StringComparison.Ordinal);
        Assert.Contains("p_event_type text", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await schema.ScalarAsync<long>($"SELECT count(*) FROM pg_proc WHERE proname = 'log_integration_event' AND pronamespace = '{schema.Name}'::regnamespace"));
    }

    [Fact]
    public async Task A_view_in_place_of_a_contract_table_is_reported()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        await schema.ExecuteAsync("CREATE VIEW ohlcv_weekly AS SELECT 'X'::varchar(10) AS symbol");

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(schema.DataSource).MigrateAsync());

        Assert.Contains("ohlcv_weekly exists as a view, expected a table", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        await schema.ExecuteAsync("UPDATE tickstock_schema_migrations SET checksum = 'edited' WHERE version = 1");

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(schema.DataSource).MigrateAsync());

        Assert.Contains("0001_integration_log was changed after it was applied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_nodes_migrating_at_once_apply_each_migration_once()
    {
        await using var schema = await ScratchSchema.CreateAsync("mig");
        var reports = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new SchemaMigrator(schema.DataSource).MigrateAsync()));

        Assert.Equal(1, reports.Count(r => r.Applied.Count > 0));
        Assert.Equal(reports[0].CurrentVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM tickstock_schema_migrations"));
    }

    private static async Task<List<string>> ColumnsAsync(ScratchSchema schema, string relation)
    {
        var columns = new List<string>();
        await using var cmd = schema.DataSource.CreateCommand(
            """
            SELECT column_name, CASE WHEN data_type IN ('character varying') THEN 'character varying(' || character_maximum_length || ')'
                                     WHEN data_type = 'numeric' AND numeric_precision IS NOT NULL THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
                                     ELSE data_type END, is_nullable
            FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = relation });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}");
        }

        return columns;
    }
}
