using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace TickStock.Actors.Persistence;

/// <summary>Kind of schema object a migration section creates.</summary>
public enum SchemaObjectKind
{
    Table,
    View,
    Function,
}

/// <summary>One object a migration owns: created when absent, compared (never replaced) when present.</summary>
public sealed record SchemaObjectSection(SchemaObjectKind Kind, string Name, string CreateSql);

/// <summary>
/// A versioned SQL migration embedded in the assembly. The file is split by marker comments:
/// <c>-- object: table|view|function NAME</c> sections create one object each, and an
/// <c>-- always</c> section (indexes, grants) runs once when the migration is applied.
/// Keeping objects separate is what lets the migrator leave a matching object alone and stop on a
/// differing one instead of blindly running <c>CREATE OR REPLACE</c>.
/// </summary>
public sealed partial record MigrationScript(int Version, string Name, string Checksum,
    IReadOnlyList<SchemaObjectSection> Objects, string AlwaysSql)
{
    private const string ResourcePrefix = "TickStock.Migrations.";

    [GeneratedRegex(@"^--\s*object:\s*(table|view|function)\s+([a-z_][a-z0-9_]*)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ObjectMarker();

    [GeneratedRegex(@"^--\s*always\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex AlwaysMarker();

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();

    /// <summary>Parses one migration file's text.</summary>
    public static MigrationScript Parse(string fileName, string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var nameMatch = FileName().Match(fileName);
        if (!nameMatch.Success)
        {
            throw new FormatException($"migration file name '{fileName}' is not NNNN_name.sql");
        }

        var markers = ObjectMarker().Matches(sql).Cast<Match>()
            .Select(m => (m.Index, m.Length, Kind: (SchemaObjectKind?)Enum.Parse<SchemaObjectKind>(m.Groups[1].Value, true), Name: m.Groups[2].Value.ToLowerInvariant()))
            .Concat(AlwaysMarker().Matches(sql).Cast<Match>().Select(m => (m.Index, m.Length, Kind: (SchemaObjectKind?)null, Name: "")))
            .OrderBy(m => m.Index)
            .ToList();

        var objects = new List<SchemaObjectSection>();
        var always = new StringBuilder();
        for (var i = 0; i < markers.Count; i++)
        {
            var start = markers[i].Index + markers[i].Length;
            var end = i + 1 < markers.Count ? markers[i + 1].Index : sql.Length;
            var body = sql[start..end].Trim();
            if (markers[i].Kind is { } kind)
            {
                if (objects.Any(o => o.Name == markers[i].Name))
                {
                    throw new FormatException($"migration {fileName} declares object '{markers[i].Name}' twice");
                }

                objects.Add(new SchemaObjectSection(kind, markers[i].Name, body));
            }
            else
            {
                always.AppendLine(body);
            }
        }

        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
        return new MigrationScript(int.Parse(nameMatch.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            nameMatch.Groups[2].Value, checksum, objects, always.ToString().Trim());
    }

    /// <summary>All migrations embedded in this assembly, in version order.</summary>
    public static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(Parse(resource[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        var ordered = scripts.OrderBy(s => s.Version).ToList();
        var duplicate = ordered.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two migrations share version {duplicate.Key}");
        }

        return ordered;
    }
}
