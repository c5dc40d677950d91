using Npgsql;
using NpgsqlTypes;
using TickStock.Actors.Persistence;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Persistence;

/// <summary>
/// log_integration_event must accept both the consumer's style of call (psycopg2 interpolates
/// untyped literals) and ours (typed Npgsql parameters), and its rows must read back as one flow.
/// </summary>
public class IntegrationLogFunctionTests
{
    [Fact]
    public async Task Untyped_literal_and_typed_parameter_calls_form_one_flow_in_pattern_flow_analysis()
    {
        await using var schema = await ScratchSchema.CreateAsync("log");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var flowId = Guid.NewGuid();

        // Producer side: typed parameters.
        await using (var cmd = schema.DataSource.CreateCommand("SELECT log_integration_event($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = flowId, NpgsqlDbType = NpgsqlDbType.Uuid });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "pattern_detected", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "TickStockPL", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "PATTERN_PUBLISHED", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "tickstock.events.patterns", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "AAPL", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = "Volume_Spike", NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = 0.847m, NpgsqlDbType = NpgsqlDbType.Numeric });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(new NpgsqlParameter { Value = """{"tier":"daily","timestamp":1732812345.101}""", NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync();
        }

        await Task.Delay(20); // distinct timestamps make the flow's latency measurable

        // Consumer side: one SQL string with untyped literals, as psycopg2 sends it.
        await schema.ExecuteAsync($"""
            SELECT log_integration_event('{flowId}', 'pattern_detected', 'TickStockAppV2', 'EVENT_RECEIVED',
                                         'tickstock.events.patterns', 'AAPL', 'Volume_Spike', 0.85, 3, '{"{"}"delay_ms": 1.5{"}"}')
            """);
        // And the short form with defaults.
        await schema.ExecuteAsync($"SELECT log_integration_event('{Guid.NewGuid()}', 'heartbeat', 'TickStockAppV2', 'CONSUMER_ALIVE')");

        await using var read = schema.DataSource.CreateCommand(
            "SELECT symbol, pattern_name, confidence, users_notified, checkpoints_logged, flow_path, total_latency_ms FROM pattern_flow_analysis WHERE flow_id = $1");
        read.Parameters.Add(new NpgsqlParameter { Value = flowId });
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("AAPL", reader.GetString(0));
        Assert.Equal("Volume_Spike", reader.GetString(1));
        Assert.Equal(0.85m, reader.GetDecimal(2)); // 0.847 rounded to DECIMAL(3,2)
        Assert.Equal(3, reader.GetInt32(3));
        Assert.Equal(2L, reader.GetInt64(4));
        Assert.Equal(["PATTERN_PUBLISHED", "EVENT_RECEIVED"], reader.GetFieldValue<string[]>(5));
        Assert.True(reader.GetDecimal(6) >= 15m, $"latency {reader.GetDecimal(6)} ms should reflect the 20 ms gap");
        Assert.False(await reader.ReadAsync());

        Assert.Equal("TickStockPL", await schema.ScalarAsync<string>(
            $"SELECT source_system FROM integration_events WHERE flow_id = '{flowId}' AND checkpoint = 'PATTERN_PUBLISHED'"));
        Assert.Equal(1L, await schema.ScalarAsync<long>(
            "SELECT count(*) FROM integration_events WHERE checkpoint = 'CONSUMER_ALIVE' AND channel IS NULL AND symbol IS NULL AND details IS NULL AND latency_ms IS NULL AND created_at IS NOT NULL"));
    }
}
