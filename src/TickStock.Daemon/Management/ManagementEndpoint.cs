using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Serilog;
using TickStock.Actors.Configuration;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Publishing;

namespace TickStock.Daemon.Management;

/// <summary>
/// The node's HTTP management endpoint (TICKSTOCK_HTTP): <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. A small
/// Kestrel application of its own, started after the actor system by the daemon's generic host and stopped before it,
/// so the node's services (health checks, actor system) are shared but its middleware and routes stay apart.
/// </summary>
internal sealed class ManagementEndpoint(
    ManagementBinding binding,
    HealthCheckService health,
    ActorSystem system,
    ProducerStats stats,
    MeterProvider meters,
    TickStockOptions options,
    RedisConnectionProvider redis,
    ILogger<ManagementEndpoint> log) : IHostedService
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TickStockMetrics.Observe(stats, Cluster.Get(system));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        // The daemon's host owns the process's signals; a second console lifetime would act on SIGTERM too.
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(binding.Address, binding.Port));
        var app = builder.Build();
        Map(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Cannot listen on {binding} for the management endpoint ({ex.Message}); set TICKSTOCK_HTTP to a free host:port, or off", ex);
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? binding.ToString();
        log.LogInformation("Management endpoint listening on {Address} (/healthz, /readyz, /metrics, /v1/)", address);
    }

    // Stopped and disposed here: the daemon's host disposes its services synchronously, and the web application is
    // async-disposable only.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not { } app) return;
        _app = null;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private void Map(WebApplication app)
    {
        // Liveness: the process answers and its actor system has not terminated. Nothing external, so a probe never
        // restarts a node because Redis, PostgreSQL or the other nodes are out of reach.
        app.MapGet("/healthz", async (HttpContext http) =>
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(ReadinessChecks.Live), http.RequestAborted).ConfigureAwait(false);
            await WriteReportAsync(http, report).ConfigureAwait(false);
        });

        // Readiness: Up in the cluster, Redis and PostgreSQL answering.
        app.MapGet("/readyz", async (HttpContext http) =>
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(ReadinessChecks.Ready), http.RequestAborted).ConfigureAwait(false);
            await WriteReportAsync(http, report).ConfigureAwait(false);
        });

        ManagementApi.Map(app, binding, options, system, stats, redis);

        // The daemon's meter provider (its DI, not this application's), exported in the Prometheus text format.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
    }

    /// <summary><c>{"status":"healthy|unhealthy","failing":[names],"checks":{name:{"status","description"}}}</c>; 200 or 503.</summary>
    private static async Task WriteReportAsync(HttpContext http, HealthReport report)
    {
        var healthy = report.Status == HealthStatus.Healthy;
        http.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", healthy ? "healthy" : "unhealthy");
        json.WriteStartArray("failing");
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status != HealthStatus.Healthy) json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString().ToLowerInvariant());
            if (entry.Description is { } description) json.WriteString("description", description);
            json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The management application's lifetime: started and stopped by <see cref="ManagementEndpoint"/>, deaf to signals.</summary>
internal sealed class NoSignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
