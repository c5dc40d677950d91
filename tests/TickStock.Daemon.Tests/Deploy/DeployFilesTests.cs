using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace TickStock.Daemon.Tests.Deploy;

/// <summary>
/// The deploy/ files, checked as far as this machine allows: the systemd unit with <c>systemd-analyze verify</c>;
/// the compose file and the Kubernetes manifests parsed as YAML and their structure checked (Docker and a Kubernetes
/// cluster cannot run here); the Dockerfile's stages and user read as text.
/// </summary>
public class DeployFilesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void The_systemd_unit_runs_as_a_user_restarts_on_failure_and_stops_gracefully()
    {
        var unit = File.ReadAllText(Path.Combine(Root, "deploy/systemd/tickstock.service"));
        var keys = Regex.Matches(unit, @"^(\w+)=(.*)$", RegexOptions.Multiline).Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim())).ToList();
        string Value(string key) => Assert.Single(keys, k => k.Item1 == key).Item2;

        Assert.NotEqual("root", Value("User"));
        Assert.Equal("on-failure", Value("Restart"));
        Assert.Equal("tickstock", Value("StateDirectory"));
        Assert.StartsWith("/etc/tickstock/", Value("EnvironmentFile"), StringComparison.Ordinal);
        Assert.Equal("SIGTERM", Value("KillSignal"));
        Assert.True(int.Parse(Value("TimeoutStopSec"), System.Globalization.CultureInfo.InvariantCulture) > 60, "TimeoutStopSec must exceed the daemon's 60 s shutdown");
        Assert.EndsWith("tickstock run", Value("ExecStart"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_systemd_unit_passes_systemd_analyze_verify()
    {
        string? tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(tool is null, "systemd-analyze is not installed on this machine (apt-get install systemd): the unit was NOT verified");

        // verify insists that ExecStart exists and is executable: point it at a stand-in for the published CLI.
        var folder = Directory.CreateTempSubdirectory("unit-verify").FullName;
        try
        {
            string executable = Path.Combine(folder, "tickstock");
            await File.WriteAllTextAsync(executable, "#!/bin/sh\nexit 0\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            string unit = (await File.ReadAllTextAsync(Path.Combine(Root, "deploy/systemd/tickstock.service")))
                .Replace("/opt/tickstock/tickstock", executable, StringComparison.Ordinal);
            string path = Path.Combine(folder, "tickstock.service");
            await File.WriteAllTextAsync(path, unit);

            var start = new ProcessStartInfo(tool!) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("verify");
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            string output = await stdout + await stderr;

            // Lines about the unit itself (other units of the host may have their own complaints).
            var complaints = output.Split('\n').Where(l => l.Contains("tickstock.service", StringComparison.Ordinal)).ToList();
            Assert.True(process.ExitCode == 0 && complaints.Count == 0, $"systemd-analyze verify exit {process.ExitCode}:\n{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_Dockerfile_builds_in_one_stage_and_runs_the_CLI_as_a_non_root_user()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "deploy/docker/Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "multi-stage");
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        var user = Assert.Single(lines, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/tickstock\"]", lines);
        Assert.Contains("STOPSIGNAL SIGTERM", lines);
    }

    [Fact]
    public void The_compose_file_runs_three_seeded_nodes_with_Redis_and_PostgreSQL_all_health_checked()
    {
        var compose = LoadYaml(Path.Combine(Root, "deploy/docker/compose.yaml")).Single();
        var services = Map(compose["services"]);
        Assert.Equal(["node1", "node2", "node3", "postgres", "redis"], services.Keys.Order(StringComparer.Ordinal));

        foreach (var (name, value) in services)
        {
            var service = Map(value);
            Assert.True(service.ContainsKey("healthcheck"), $"{name} has no health check");
            if (!name.StartsWith("node", StringComparison.Ordinal)) continue;

            var environment = Map(service["environment"]);
            Assert.Equal(name, environment["TICKSTOCK_AKKA_PUBLIC_HOST"]);
            Assert.Equal("0.0.0.0", environment["TICKSTOCK_AKKA_HOST"]);
            Assert.Contains("akka.tcp://tickstock@node1:4053", (string)environment["TICKSTOCK_SEED_NODES"], StringComparison.Ordinal);
            Assert.Equal("SIGTERM", service["stop_signal"]);
            Assert.Equal("90s", service["stop_grace_period"]);
            var dependsOn = Map(service["depends_on"]);
            Assert.Equal(["postgres", "redis"], dependsOn.Keys.Order(StringComparer.Ordinal));
            Assert.All(dependsOn.Values, d => Assert.Equal("service_healthy", Map(d)["condition"]));
        }
    }

    [Fact]
    public void The_Kubernetes_manifests_seed_from_the_StatefulSet_and_probe_leave_and_wait_long_enough()
    {
        var documents = LoadYaml(Path.Combine(Root, "deploy/k8s/tickstock.yaml"));
        var kinds = documents.Select(d => (string)d["kind"]).ToList();
        Assert.Equal(["ConfigMap", "PodDisruptionBudget", "Secret", "Service", "StatefulSet"], kinds.Order(StringComparer.Ordinal));

        var service = documents.Single(d => (string)d["kind"] == "Service");
        Assert.Equal("None", Map(service["spec"])["clusterIP"]);
        var config = Map(documents.Single(d => (string)d["kind"] == "ConfigMap")["data"]);
        Assert.Contains("tickstock-0.tickstock:4053", (string)config["TICKSTOCK_SEED_NODES"], StringComparison.Ordinal);

        var set = Map(documents.Single(d => (string)d["kind"] == "StatefulSet")["spec"]);
        Assert.Equal("tickstock", set["serviceName"]);
        var pod = Map(Map(set["template"])["spec"]);
        Assert.True(int.Parse((string)pod["terminationGracePeriodSeconds"], System.Globalization.CultureInfo.InvariantCulture) > 60);
        var container = Map(List(pod["containers"]).Single());
        Assert.Equal("/readyz", Map(Map(container["readinessProbe"])["httpGet"])["path"]);
        Assert.Equal("/healthz", Map(Map(container["livenessProbe"])["httpGet"])["path"]);
        var preStop = List(Map(Map(Map(container["lifecycle"])["preStop"])["exec"])["command"]).Cast<string>();
        Assert.Equal("ctl cluster leave", string.Join(' ', preStop.Skip(1)));
        Assert.Equal("true", Map(pod["securityContext"])["runAsNonRoot"]);
    }

    private static List<Dictionary<object, object>> LoadYaml(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StringReader(File.ReadAllText(path));
        // The merging parser resolves YAML merge keys (<<: *node), as Docker Compose does.
        var parser = new MergingParser(new Parser(reader));
        var documents = new List<Dictionary<object, object>>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        }

        return documents;
    }

    private static Dictionary<string, object> Map(object value) =>
        Assert.IsType<Dictionary<object, object>>(value).ToDictionary(p => (string)p.Key, p => p.Value);

    private static List<object> List(object value) => Assert.IsType<List<object>>(value);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TickStock.Actors.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("repository root (TickStock.Actors.sln) not found above " + AppContext.BaseDirectory);
    }
}
