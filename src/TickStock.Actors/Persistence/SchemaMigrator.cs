using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace TickStock.Actors.Persistence;

/// <summary>Raised when an existing object does not match what the contract (and our migration) expects.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);

/// <summary>What one migration run did.</summary>
public sealed record MigrationReport(string Schema, IReadOnlyList<int> Applied, IReadOnlyList<string> Created,
    IReadOnlyList<string> Adopted, int CurrentVersion);

/// <summary>
/// Applies the embedded migrations to the connection's current schema, once each, recorded in
/// <c>tickstock_schema_migrations</c>. Runs in one transaction under an advisory lock so two nodes
/// starting together do not race. An object that already exists (the consumer app may have created
/// it) is compared with the shape our own SQL would produce — built in a throw-away schema inside
/// the same transaction — and left alone when it matches; a difference stops the run with a message
/// naming it. Nothing the project did not create is dropped or replaced.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator>? logger = null)
{
    private const long AdvisoryLockKey = 0x7469636B73746BL; // "tickstk"
    private const string VersionTable = "tickstock_schema_migrations";
    private readonly ILogger _log = logger ?? NullLogger<SchemaMigrator>.Instance;

    public IReadOnlyList<MigrationScript> Migrations { get; init; } = MigrationScript.LoadEmbedded();

    public async Task<MigrationReport> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await SchemaInspector.ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct).ConfigureAwait(false);

        var schema = await SchemaInspector.ScalarAsync<string>(connection, tx, "SELECT current_schema()", ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("no current schema: check the search_path of the connection");

        await SchemaInspector.ExecuteAsync(connection, tx, $"""
            CREATE TABLE IF NOT EXISTS {VersionTable} (
                version         INTEGER PRIMARY KEY,
                name            TEXT NOT NULL,
                checksum        TEXT NOT NULL,
                applied_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
                created_objects TEXT[] NOT NULL,
                adopted_objects TEXT[] NOT NULL
            )
            """, ct).ConfigureAwait(false);

        var applied = await ReadAppliedAsync(connection, tx, ct).ConfigureAwait(false);
        foreach (var script in Migrations.Where(m => applied.ContainsKey(m.Version)))
        {
            if (applied[script.Version] != script.Checksum)
            {
                throw new SchemaMismatchException(
                    $"migration {script.Version:D4}_{script.Name} was changed after it was applied to schema '{schema}' (checksum differs); add a new migration instead");
            }
        }

        var pending = Migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
        var created = new List<string>();
        var adopted = new List<string>();
        Dictionary<string, SchemaShape>? expectedShapes = null;
        var applyLog = new List<(MigrationScript Script, List<string> Created, List<string> Adopted)>();

        foreach (var script in pending)
        {
            var createdHere = new List<string>();
            var adoptedHere = new List<string>();
            foreach (var obj in script.Objects)
            {
                var existing = await SchemaInspector.DescribeAsync(connection, tx, schema, obj.Name, ct).ConfigureAwait(false);
                if (existing is null)
                {
                    await SchemaInspector.ExecuteAsync(connection, tx, obj.CreateSql, ct).ConfigureAwait(false);
                    createdHere.Add(obj.Name);
                    continue;
                }

                expectedShapes ??= await BuildExpectedShapesAsync(connection, tx, ct).ConfigureAwait(false);
                var difference = expectedShapes[obj.Name].DifferenceFrom(existing);
                if (difference is not null)
                {
                    throw new SchemaMismatchException(
                        $"existing {obj.Kind.ToString().ToLowerInvariant()} {schema}.{obj.Name} does not match migration {script.Version:D4}_{script.Name}: {difference}. It was left untouched; fix or rename it, then migrate again.");
                }

                adoptedHere.Add(obj.Name);
            }

            if (script.AlwaysSql.Length > 0)
            {
                await SchemaInspector.ExecuteAsync(connection, tx, script.AlwaysSql, ct).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand(
                $"INSERT INTO {VersionTable} (version, name, checksum, created_objects, adopted_objects) VALUES ($1, $2, $3, $4, $5)", connection, tx))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Checksum });
                record.Parameters.Add(new NpgsqlParameter { Value = createdHere.ToArray() });
                record.Parameters.Add(new NpgsqlParameter { Value = adoptedHere.ToArray() });
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            applyLog.Add((script, createdHere, adoptedHere));
            created.AddRange(createdHere);
            adopted.AddRange(adoptedHere);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        foreach (var (script, createdHere, adoptedHere) in applyLog)
        {
            _log.LogInformation("Applied migration {Version:D4}_{Name} to schema {Schema} (created: {Created}; existing and matching: {Adopted})",
                script.Version, script.Name, schema, Join(createdHere), Join(adoptedHere));
        }

        var current = Migrations.Count == 0 ? 0 : Migrations.Max(m => m.Version);
        if (pending.Count == 0)
        {
            _log.LogInformation("Database schema {Schema} is up to date (version {Version})", schema, current);
        }

        return new MigrationReport(schema, pending.Select(p => p.Version).ToList(), created, adopted, current);
    }

    private static string Join(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var applied = new Dictionary<int, string>();
        await using var cmd = new NpgsqlCommand($"SELECT version, checksum FROM {VersionTable}", connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    /// <summary>
    /// Creates every migration object in a scratch schema (inside a savepoint that is rolled back)
    /// and reads their shapes: the expected shape is whatever our own SQL produces on this server,
    /// so there is no second hand-written description to drift from the SQL.
    /// </summary>
    private async Task<Dictionary<string, SchemaShape>> BuildExpectedShapesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var scratch = "tickstock_expected_" + Guid.NewGuid().ToString("N")[..12];
        var searchPath = await SchemaInspector.ScalarAsync<string>(connection, tx, "SELECT current_setting('search_path')", ct).ConfigureAwait(false);
        await tx.SaveAsync("expected_shapes", ct).ConfigureAwait(false);
        var shapes = new Dictionary<string, SchemaShape>();
        try
        {
            await SchemaInspector.ExecuteAsync(connection, tx, $"CREATE SCHEMA {scratch}; SET LOCAL search_path = {scratch}", ct).ConfigureAwait(false);
            foreach (var obj in Migrations.SelectMany(m => m.Objects))
            {
                await SchemaInspector.ExecuteAsync(connection, tx, obj.CreateSql, ct).ConfigureAwait(false);
                shapes[obj.Name] = (await SchemaInspector.DescribeAsync(connection, tx, scratch, obj.Name, ct).ConfigureAwait(false))!;
            }
        }
        finally
        {
            await tx.RollbackAsync("expected_shapes", ct).ConfigureAwait(false);
            await SchemaInspector.ScalarAsync<string>(connection, tx, "SELECT set_config('search_path', $1, true)", ct, searchPath ?? "public").ConfigureAwait(false);
        }

        _log.LogDebug("Built expected shapes for {Count} objects", shapes.Count);
        return shapes;
    }
}
