using Microsoft.Extensions.Configuration;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Daemon.Configuration;

/// <summary>
/// The one configuration pipeline every entry point uses (daemon, `db migrate`, CLI tools):
/// appsettings.json → appsettings.{Environment}.json → short environment variables.
/// Akka's own settings come from hocon/ and are overlaid by these typed options.
/// </summary>
public static class TickStockConfiguration
{
    public static IConfigurationBuilder AddTickStockSources(this IConfigurationBuilder builder, string environmentName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var baseDirectory = AppContext.BaseDirectory;
        return builder
            .AddJsonFile(Path.Combine(baseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(baseDirectory, $"appsettings.{environmentName}.json"), optional: true, reloadOnChange: false)
            .AddTickStockEnvironment();
    }

    /// <summary>Configuration + typed options without a host (for one-shot CLI commands).</summary>
    public static TickStockOptions LoadOptions()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder().AddTickStockSources(environment).Build();
        return Bind(configuration);
    }

    public static TickStockOptions Bind(IConfiguration configuration)
    {
        var options = new TickStockOptions();
        RequireName<MarketDataSource>(configuration, "TickStock:MarketData:Source", "TICKSTOCK_MARKET_DATA");
        RequireName<SyntheticPace>(configuration, "TickStock:MarketData:SyntheticPace", "TICKSTOCK_SYNTHETIC_PACE");

        // TICKSTOCK_NOW is parsed here, once, with "no offset means UTC" (the binder would read
        // such a value in the host's zone); everything else uses the typed value.
        var nowKey = TickStockOptions.Section + ":" + nameof(TickStockOptions.Now);
        var nowText = configuration[nowKey];
        DateTimeOffset? now = null;
        if (!string.IsNullOrWhiteSpace(nowText))
        {
            now = TickStockOptions.ParseNow(nowText) ?? throw new OptionsException($"TICKSTOCK_NOW='{nowText}' is not an ISO-8601 instant");
        }

        try
        {
            configuration.GetSection(TickStockOptions.Section).Bind(options);
            options.Now = now;
        }
        catch (InvalidOperationException ex)
        {
            // e.g. POLYGON_RATE_PER_MIN=off: the binder names the key and the value it could not
            // convert; name the environment variable too when one feeds that key.
            var variable = ShortEnvironmentVariables.Map.FirstOrDefault(p => ex.Message.Contains($"'{p.Value}'", StringComparison.OrdinalIgnoreCase)).Key;
            throw new OptionsException(variable is null ? ex.Message : $"{variable}: {ex.Message}");
        }
        Validate(options);
        return options;
    }

    private static void ValidateRemoting(NodeClusterSettings cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster.Hostname))
        {
            throw new OptionsException("TICKSTOCK_AKKA_HOST must not be empty (the address remoting binds, e.g. 127.0.0.1)");
        }

        // A wildcard bind cannot be advertised: peers would be told to connect to 0.0.0.0.
        if (System.Net.IPAddress.TryParse(cluster.Hostname, out var bind)
            && (bind.Equals(System.Net.IPAddress.Any) || bind.Equals(System.Net.IPAddress.IPv6Any))
            && string.IsNullOrWhiteSpace(cluster.PublicHostname))
        {
            throw new OptionsException($"TICKSTOCK_AKKA_HOST={cluster.Hostname} binds every interface: set TICKSTOCK_AKKA_PUBLIC_HOST to the address other nodes reach this one at");
        }

        if (cluster.Port is < 0 or > 65535)
        {
            throw new OptionsException($"TICKSTOCK_AKKA_PORT must be 0-65535, got {cluster.Port}");
        }

        if (cluster.Tls.Enabled)
        {
            try
            {
                using var certificate = RemotingTls.LoadCertificate(cluster.Tls);
            }
            catch (InvalidOperationException ex)
            {
                throw new OptionsException(ex.Message);
            }
        }
        else if (!string.IsNullOrWhiteSpace(cluster.Tls.PasswordFile))
        {
            throw new OptionsException("TICKSTOCK_AKKA_TLS_PASSWORD_FILE is set but TICKSTOCK_AKKA_TLS_CERT is not");
        }
    }

    /// <summary>
    /// An enum setting must be one of its names, in any case. Checked before binding: the binder would also take a
    /// number ("3") or a flag list ("replay, redis") and name no choices when it fails.
    /// </summary>
    private static void RequireName<TEnum>(IConfiguration configuration, string key, string variable)
        where TEnum : struct, Enum
    {
        string? value = configuration[key];
        string[] names = Enum.GetNames<TEnum>();
        if (value is not null && !names.Any(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            throw new OptionsException($"{variable}='{value}' is not one of {string.Join(", ", names.Select(n => n.ToLowerInvariant()))}");
        }
    }

    private static void Validate(TickStockOptions options)
    {
        // The one check of the speed: the market data sources take it as given.
        if (!double.IsFinite(options.MarketData.Speed) || options.MarketData.Speed <= 0)
        {
            throw new OptionsException(
                $"TICKSTOCK_MARKET_SPEED must be a positive number (synthetic: bars per second per symbol; replay: multiple of real time), got {options.MarketData.Speed.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (options.Polygon.Feed?.Trim().ToLowerInvariant() is not ("realtime" or "delayed"))
        {
            throw new OptionsException($"POLYGON_FEED='{options.Polygon.Feed}' is not one of realtime, delayed");
        }

        if (!string.IsNullOrWhiteSpace(options.Polygon.WebSocketUrl)
            && (!Uri.TryCreate(options.Polygon.WebSocketUrl.Trim(), UriKind.Absolute, out var ws) || ws.Scheme is not ("ws" or "wss")))
        {
            throw new OptionsException($"POLYGON_WS_URL='{options.Polygon.WebSocketUrl}' is not a ws:// or wss:// URL");
        }

        if (options.Polygon.RatePerMinute <= 0)
        {
            throw new OptionsException($"POLYGON_RATE_PER_MIN must be a positive number, got {options.Polygon.RatePerMinute}");
        }

        if (options.Polygon.RequestTimeout <= TimeSpan.Zero)
        {
            throw new OptionsException($"TickStock:Polygon:RequestTimeout must be positive, got {options.Polygon.RequestTimeout}");
        }

        if (!(options.Jobs.IntradayCapYears > 0) || options.Jobs.IntradayCapYears > 30)
        {
            throw new OptionsException($"TICKSTOCK_INTRADAY_CAP_YEARS must be a number of years in (0, 30], got {options.Jobs.IntradayCapYears}");
        }

        if (options.Backtest.MaxConcurrentJobs is < 1 or > 64)
        {
            throw new OptionsException($"TICKSTOCK_BACKTEST_MAX_JOBS must be 1..64, got {options.Backtest.MaxConcurrentJobs}");
        }

        IReadOnlyList<string> roles;
        try
        {
            roles = options.Cluster.EffectiveRoles;
        }
        catch (FormatException ex)
        {
            throw new OptionsException($"{ShortEnvironmentVariables.RolesVariable}: {ex.Message}");
        }

        if (options.MarketData.Source == MarketDataSource.None)
        {
            // The oldest feed node hosts the cluster's feed; a node with no source must not be that node.
            if (options.Cluster.Roles.Count > 0 && roles.Contains(NodeRoles.Feed))
            {
                throw new OptionsException($"{ShortEnvironmentVariables.RolesVariable} includes {NodeRoles.Feed} but TICKSTOCK_MARKET_DATA=none: drop the role or name a source");
            }

            options.Cluster.Roles = roles.Where(r => r != NodeRoles.Feed).ToList();
        }

        ValidateRemoting(options.Cluster);

        // TICKSTOCK_HTTP parses and, off loopback, comes with TICKSTOCK_CTL_TOKEN: the node refuses to start otherwise.
        _ = Management.ManagementBinding.From(options.Management);

        foreach (var (variable, value) in new[]
                 {
                     ("TICKSTOCK_JOBS_CHANNEL", options.Jobs.DataLoadChannel),
                     ("TICKSTOCK_JOBS_CONTROL_CHANNEL", options.Jobs.ControlChannel),
                     ("TICKSTOCK_JOBS_STATUS_PREFIX", options.Jobs.StatusKeyPrefix),
                     ("TICKSTOCK_BACKTEST_CHANNEL", options.Backtest.JobChannel),
                     ("TICKSTOCK_BACKTEST_CANCEL_CHANNEL", options.Backtest.CancelChannel),
                     ("TICKSTOCK_BACKTEST_PROGRESS_CHANNEL", options.Backtest.ProgressChannel),
                     ("TICKSTOCK_BACKTEST_RESULTS_CHANNEL", options.Backtest.ResultsChannel),
                     ("TICKSTOCK_BACKTEST_LEDGER_KEY", options.Backtest.LedgerKey),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new OptionsException($"{variable} must not be empty");
            }
        }
    }
}

/// <summary>A configuration value is unusable; the message says which and why.</summary>
public sealed class OptionsException(string message) : Exception(message);
