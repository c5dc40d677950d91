using Npgsql;

namespace TickStock.Actors.Persistence;

/// <summary>Reads object shapes from the PostgreSQL catalog (current schema unless told otherwise).</summary>
internal static class SchemaInspector
{
    public static async Task<SchemaShape?> DescribeAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        string schema, string name, CancellationToken ct)
    {
        var relKind = await ScalarAsync<char?>(connection, tx,
            "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m')",
            ct, schema, name).ConfigureAwait(false);
        if (relKind is { } kind)
        {
            var isView = kind is 'v' or 'm';
            var parts = new List<string>();
            await using (var cmd = new NpgsqlCommand(
                """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, connection, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
                cmd.Parameters.Add(new NpgsqlParameter { Value = name });
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var column = $"column {reader.GetString(0)} {reader.GetString(1)}";
                    if (!isView)
                    {
                        if (reader.GetBoolean(2)) column += " not null";
                        if (!reader.IsDBNull(3)) column += " default " + NormaliseDefault(reader.GetString(3));
                    }

                    parts.Add(column);
                }
            }

            if (!isView)
            {
                var pk = await ScalarAsync<string>(connection, tx,
                    """
                    SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                    FROM pg_index i
                    JOIN pg_class c ON c.oid = i.indrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                    WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
                    """, ct, schema, name).ConfigureAwait(false);
                parts.Add($"primary key ({pk ?? "none"})");
            }

            return new SchemaShape(isView ? SchemaObjectKind.View : SchemaObjectKind.Table, name, parts);
        }

        var functions = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT 'arguments (' || pg_get_function_arguments(p.oid) || ') returns ' || pg_get_function_result(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = $1 AND p.proname = $2
            ORDER BY p.oid
            """, connection, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            cmd.Parameters.Add(new NpgsqlParameter { Value = name });
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                functions.Add(reader.GetString(0));
            }
        }

        return functions.Count == 0 ? null : new SchemaShape(SchemaObjectKind.Function, name, functions);
    }

    /// <summary>
    /// A serial column's default names its sequence, which is schema-qualified differently in a
    /// scratch schema; only "it is a sequence" matters for compatibility.
    /// </summary>
    private static string NormaliseDefault(string expression) =>
        expression.StartsWith("nextval(", StringComparison.Ordinal) ? "nextval(sequence)" : expression;

    public static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql,
        CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var arg in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        var result = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return result is null or DBNull ? default : (T)result;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
