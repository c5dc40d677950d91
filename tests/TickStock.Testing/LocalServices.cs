using Npgsql;

namespace TickStock.Testing;

/// <summary>
/// Where the tests' Redis and PostgreSQL are: the environment (TICKSTOCK_REDIS, TICKSTOCK_PG,
/// PGPASSFILE) when set, otherwise the file deploy/services.sh writes (.local/services.env).
/// Tests never skip when a service is missing: they fail and say how to start it.
/// </summary>
public static class LocalServices
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Settings = new(Load);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string RedisConfiguration => Get("TICKSTOCK_REDIS");

    public static string PostgresConnectionString => Get("TICKSTOCK_PG");

    public static string? PasswordFile => Settings.Value.TryGetValue("PGPASSFILE", out var f) ? f : null;

    /// <summary>Environment for a child process (the CLI / daemon) pointing at the same services.</summary>
    public static IReadOnlyDictionary<string, string> ChildEnvironment => Settings.Value;

    /// <summary>Port of the local Redis (for proxies in fault tests).</summary>
    public static int RedisPort => int.Parse(RedisConfiguration.Split(',')[0].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Port of the local PostgreSQL (for proxies in fault tests).</summary>
    public static int PostgresPort => new NpgsqlConnectionStringBuilder(PostgresConnectionString).Port;

    public static NpgsqlDataSource CreateDataSource(string? connectionString = null) =>
        new NpgsqlDataSourceBuilder(connectionString ?? PostgresConnectionString).Build();

    private static string Get(string key) =>
        Settings.Value.TryGetValue(key, out var value)
            ? value
            : throw new InvalidOperationException(
                $"{key} is not set and {Path.Combine(RepositoryRoot, ".local", "services.env")} does not define it: run `deploy/services.sh up` (deploy/test.sh does it for you)");

    private static Dictionary<string, string> Load()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = Path.Combine(RepositoryRoot, ".local", "services.env");
        if (File.Exists(file))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                var text = line.Trim();
                if (!text.StartsWith("export ", StringComparison.Ordinal)) continue;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) continue;
                values[text[7..eq]] = text[(eq + 1)..].Trim('"');
            }
        }

        foreach (var key in new[] { "TICKSTOCK_REDIS", "TICKSTOCK_PG", "PGPASSFILE" })
        {
            if (Environment.GetEnvironmentVariable(key) is { Length: > 0 } fromEnv)
            {
                values[key] = fromEnv;
            }
        }

        // Npgsql reads the password file named by PGPASSFILE from the process environment.
        if (values.TryGetValue("PGPASSFILE", out var passfile) && Environment.GetEnvironmentVariable("PGPASSFILE") is null)
        {
            Environment.SetEnvironmentVariable("PGPASSFILE", passfile);
        }

        return values;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TickStock.Actors.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find TickStock.Actors.sln above " + AppContext.BaseDirectory);
    }
}
