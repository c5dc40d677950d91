using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;

namespace TickStock.Daemon.Management;

/// <summary>
/// The actor tree of this node under a path, for <c>tickstock ctl actors</c> (what Petabridge.Cmd's
/// <c>actor hierarchy</c> gives Akka users). Akka has no public "list children" call; each level is
/// found the way Akka itself recommends, by sending <see cref="Identify"/> to a wildcard selection
/// (<c>/user/*</c>, then <c>/user/*/*</c> …) and collecting the answers until the level is quiet.
/// Bounded: at most <see cref="MaxDepth"/> levels and <see cref="MaxActors"/> actors (a node with
/// 10,000 symbols has 10,000 entities under <c>/system/sharding/symbol/*</c>).
/// </summary>
internal static partial class ActorTree
{
    public const int MaxDepth = 6;
    public const int MaxActors = 2_000;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LevelTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Null when <paramref name="path"/> is acceptable; else why not. Only plain absolute paths under /user or /system, no wildcards.</summary>
    public static string? Problem(string path, int depth)
    {
        if (depth is < 1 or > MaxDepth) return $"depth must be 1..{MaxDepth} (got {depth})";
        if (!PlainPath().IsMatch(path)) return $"path '{path}' is not an actor path under /user or /system (letters, digits, - _ . $ % only; no wildcards)";
        return null;
    }

    /// <summary><c>{"address","path","depth","truncated","actors":[{"path","name","children":[…]}]}</c>.</summary>
    public static async Task<string> JsonAsync(ActorSystem system, string path, int depth, CancellationToken ct)
    {
        path = path.TrimEnd('/');
        var found = new List<string>();
        var truncated = false;
        for (var level = 1; level <= depth && !truncated; level++)
        {
            ct.ThrowIfCancellationRequested();
            var selection = path + string.Concat(Enumerable.Repeat("/*", level));
            var collector = system.ActorOf(Props.Create(() => new IdentifyCollector(selection, Quiet, MaxActors - found.Count)));
            var paths = await collector.Ask<string[]>(IdentifyCollector.Start.Instance, LevelTimeout, ct).ConfigureAwait(false);
            if (paths.Length == 0) break;
            found.AddRange(paths);
            truncated = found.Count >= MaxActors;
        }

        var children = found.ToLookup(Parent, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("address", ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString());
            json.WriteString("path", path);
            json.WriteNumber("depth", depth);
            json.WriteBoolean("truncated", truncated);
            WriteChildren(json, "actors", path, children);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteChildren(Utf8JsonWriter json, string property, string parent, ILookup<string, string> children)
    {
        json.WriteStartArray(property);
        foreach (var child in children[parent].Order(StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("path", child);
            json.WriteString("name", Uri.UnescapeDataString(child[(child.LastIndexOf('/') + 1)..]));
            WriteChildren(json, "children", child, children);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string Parent(string path) => path[..path.LastIndexOf('/')];

    [GeneratedRegex(@"^/(user|system)(/[A-Za-z0-9\-_.$%]+)*/?$")]
    private static partial Regex PlainPath();

    /// <summary>Sends Identify to one wildcard selection and answers with the paths that replied once none has for <c>quiet</c>.</summary>
    private sealed class IdentifyCollector : ReceiveActor
    {
        public IdentifyCollector(string selection, TimeSpan quiet, int max)
        {
            var found = new List<string>();
            IActorRef? asker = null;
            Receive<Start>(_ =>
            {
                asker = Sender;
                Context.ActorSelection(selection).Tell(new Identify(null));
                Context.SetReceiveTimeout(quiet);
            });
            Receive<ActorIdentity>(identity =>
            {
                if (identity.Subject is { } subject && found.Count < max) found.Add(subject.Path.ToStringWithoutAddress());
            });
            Receive<ReceiveTimeout>(_ =>
            {
                asker?.Tell(found.ToArray());
                Context.Stop(Self);
            });
        }

        public sealed class Start
        {
            public static readonly Start Instance = new();

            private Start()
            {
            }
        }
    }
}
