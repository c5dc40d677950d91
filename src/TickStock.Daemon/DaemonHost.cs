using System.Reflection;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog;
using TickStock.Actors.Backtesting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Loading;
using TickStock.Actors.MarketData;
using TickStock.Actors.Publishing;
using TickStock.Actors.Symbols;
using TickStock.Core.Contracts;
using TickStock.Daemon.Configuration;
using TickStock.Daemon.Management;
using TickStock.Daemon.Startup;

namespace TickStock.Daemon;

/// <summary>
/// Composes a TickStock node: configuration, Serilog, typed options, the Akka.NET actor system
/// (single-node cluster by default) and the start-up connectivity checks. Each actor module
/// contributes one AkkaConfigurationBuilder extension; this class only composes them.
/// </summary>
public static class DaemonHost
{
    public static string Version =>
        typeof(DaemonHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static IHost Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddTickStockSources(builder.Environment.EnvironmentName);

        var options = TickStockConfiguration.Bind(builder.Configuration);
        Log.Logger = CreateLogger(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        // Coordinated shutdown (feed stop, pipeline flush, shard hand-off, cluster leave) fits in this; systemd's
        // TimeoutStopSec and Kubernetes' terminationGracePeriodSeconds (deploy/) are 90 s, above it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => new ProducerStats());
        builder.Services.AddSingleton(_ => PostgresDataSource.Create(options.Postgres));
        builder.Services.AddSingleton(_ => new RedisConnectionProvider(options.Redis, "tickstock-" + Environment.MachineName));
        builder.Services.AddHostedService<ServiceConnectivityMonitor>();
        builder.Services.AddHostedService<LifecycleLogger>();

        var embeddedStub = EmbeddedPolygonStub.Starter(options);
        builder.Services.AddAkka(ClusterHostingExtensions.ActorSystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<SerilogLogger>();
                })
                .AddTickStockCluster(options.Cluster)
                .AddSymbolSharding(options.Cluster)
                .AddPatternPipeline(options, node => StartupDetails(options, node))
                .AddHistoricalLoading(options, embeddedStub)
                .AddBacktesting(options)
                .AddMarketData(options, embeddedStub)
                .WithTickStockHealthChecks();
        });

        builder.Services.AddTickStockServiceChecks();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tickstock", serviceVersion: Version))
            .WithMetrics(metrics => metrics
            // The TickStock instruments, the runtime's own meter (GC, JIT, thread pool, CPU, memory) and Npgsql's.
            .AddMeter(TickStockMetrics.MeterName, "System.Runtime", "Npgsql")
            .AddPrometheusExporter(prometheus =>
            {
                prometheus.ScopeInfoEnabled = false;
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        // Registered after AddAkka: hosted services start in order, so the actor system runs before the endpoint
        // answers, and the endpoint stops before the actor system does.
        if (ManagementBinding.From(options.Management) is { } management)
        {
            builder.Services.AddSingleton(management);
            builder.Services.AddHostedService<ManagementEndpoint>();
        }

        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// Exit code of a node the cluster removed (downed by the split brain resolver or an operator, or unable to join):
    /// non-zero, so its supervisor (systemd Restart=on-failure, Kubernetes) starts it again. README's exit-code table.
    /// </summary>
    public const int ExitRemovedFromCluster = 10;

    /// <summary>The process exit code for a node that stopped for <paramref name="reason"/>.</summary>
    public static int ExitCodeFor(NodeStopReason reason) => reason == NodeStopReason.RemovedFromCluster ? ExitRemovedFromCluster : 0;

    /// <summary>Runs the daemon until SIGINT/SIGTERM (or until the cluster removes it); returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        IHost host;
        try
        {
            host = Build(args);
        }
        catch (OptionsException ex)
        {
            await Console.Error.WriteLineAsync($"tickstock: configuration error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            // Not host.RunAsync(): it disposes the host, and the actor system is asked afterwards why the node stopped.
            await host.StartAsync().ConfigureAwait(false);
            var system = host.Services.GetRequiredService<Akka.Actor.ActorSystem>();
            await host.WaitForShutdownAsync().ConfigureAwait(false);
            // A downed node's actor system runs coordinated shutdown by itself (run-coordinated-shutdown-when-down) and
            // Akka.Hosting then stops the host: the same clean stop as SIGTERM, but it must not look like one.
            var reason = NodeStop.ReasonOf(system);
            if (reason == NodeStopReason.RemovedFromCluster)
            {
                Log.Warning("TickStock daemon stopped because the cluster removed this node; exit code {ExitCode} so its supervisor restarts it", ExitRemovedFromCluster);
            }

            return ExitCodeFor(reason);
        }
        catch (OperationCanceledException)
        {
            // SIGINT/SIGTERM while the host was still starting: a requested stop, not a failure.
            Log.Information("TickStock daemon stopped before it finished starting");
            return 0;
        }
#pragma warning disable CA1031 // last-chance handler of the process: log and exit non-zero
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Fatal(ex, "TickStock daemon stopped after a fatal error");
            return 1;
        }
        finally
        {
            host.Dispose();
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>details of the PRODUCER_STARTED row: where and how this node runs, never a secret.</summary>
    private static string StartupDetails(TickStockOptions options, string node) => WireFormat.Object(w =>
    {
        // The node's remoting address names it in a cluster (two nodes may share a machine); the host name says where.
        w.WriteString("node", node);
        w.WriteString("host", Environment.MachineName);
        w.WriteString("version", Version);
        w.WriteString("market_data", options.MarketData.Source.Name());
        w.WriteString("redis", ServiceEndpoints.DescribeRedis(options.Redis.Configuration));
        w.WriteString("postgres", ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString));
        w.WriteString("provider", options.Polygon.UsesEmbeddedStub ? "embedded stub" : "polygon api");
        w.WriteString("roles", string.Join(",", options.Cluster.EffectiveRoles));
        // Whether audit rows wait for the WAL flush before their events are published (README).
        w.WriteString("audit_commit", options.Pipeline.AuditCommit == AuditCommitMode.Deferred ? "deferred" : "synchronous");
    });

    private static Serilog.ILogger CreateLogger(IConfiguration configuration) =>
        new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
}

/// <summary>The daemon's first and last log lines, so operators (and tests) can see it start and stop.</summary>
internal sealed class LifecycleLogger(TickStockOptions options, IHostApplicationLifetime lifetime, ILogger<LifecycleLogger> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        log.LogInformation(
            "TickStock daemon {Version} starting: market data {Source}, Redis {Redis}, PostgreSQL {Postgres}, provider {Provider}",
            DaemonHost.Version, options.MarketData.Describe(),
            ServiceEndpoints.DescribeRedis(options.Redis.Configuration),
            ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString),
            options.Polygon.UsesEmbeddedStub ? "embedded local stub (POLYGON_API_KEY not set)" : options.Polygon.BaseUrl ?? PolygonSettings.PublicBaseUrl);
        lifetime.ApplicationStarted.Register(() => log.LogInformation("TickStock daemon started; press Ctrl+C to stop"));
        lifetime.ApplicationStopping.Register(() => log.LogInformation("TickStock daemon stopping (coordinated shutdown)"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("TickStock daemon stopped");
        return Task.CompletedTask;
    }
}
