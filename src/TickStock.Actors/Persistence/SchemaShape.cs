namespace TickStock.Actors.Persistence;

/// <summary>
/// What an object looks like in the catalog, reduced to what matters for compatibility: column
/// names/types/nullability/defaults and the primary key for tables, column names and types in
/// order for views, argument list and result for functions.
/// </summary>
public sealed record SchemaShape(SchemaObjectKind Kind, string Name, IReadOnlyList<string> Parts)
{
    /// <summary>Describes the first difference of <paramref name="existing"/> from this expected shape, or null when they match.</summary>
    public string? DifferenceFrom(SchemaShape existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (existing.Kind != Kind)
        {
            return $"{Name} exists as a {existing.Kind.ToString().ToLowerInvariant()}, expected a {Kind.ToString().ToLowerInvariant()}";
        }

        if (Kind == SchemaObjectKind.Table)
        {
            // Tables: order does not matter (nobody inserts positionally); every expected column must
            // exist with the same definition. Extra columns are tolerated only when we never have
            // to fill them (nullable or defaulted).
            var missing = Parts.Where(p => !existing.Parts.Contains(p)).ToList();
            if (missing.Count > 0)
            {
                var expected = missing[0];
                var column = Key(expected);
                var actual = existing.Parts.FirstOrDefault(p => Key(p) == column);
                return actual is null
                    ? $"{Name}: missing {expected}"
                    : $"{Name}: {actual} differs from the contract's {expected}";
            }

            var requiredExtra = existing.Parts.Where(p => !Parts.Contains(p) && p.StartsWith("column ", StringComparison.Ordinal)
                && p.Contains(" not null", StringComparison.Ordinal) && !p.Contains(" default ", StringComparison.Ordinal)).ToList();
            return requiredExtra.Count > 0 ? $"{Name}: has an extra required {requiredExtra[0]} that this producer would not fill" : null;
        }

        // Views and functions: exact, in order.
        for (var i = 0; i < Math.Max(Parts.Count, existing.Parts.Count); i++)
        {
            var want = i < Parts.Count ? Parts[i] : null;
            var have = i < existing.Parts.Count ? existing.Parts[i] : null;
            if (want != have)
            {
                return (want, have) switch
                {
                    (null, _) => $"{Name}: unexpected {have!}",
                    (_, null) => $"{Name}: missing {want}",
                    _ => $"{Name}: has {have} where the contract has {want}",
                };
            }
        }

        return null;
    }

    /// <summary>"column NAME …" → "column NAME", "primary key (…)" → "primary key": what a part is about.</summary>
    private static string Key(string part) => part.Split(' ', 3) is [var first, var second, ..] ? first + " " + second : part;
}
