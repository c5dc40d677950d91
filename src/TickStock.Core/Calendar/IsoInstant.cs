using System.Globalization;

namespace TickStock.Core.Calendar;

/// <summary>
/// The one reading of an instant given by a person (<c>TICKSTOCK_NOW</c>, <c>--now</c>): ISO-8601,
/// and a value without an offset is UTC. The framework's default would read such a value in the
/// host's time zone, so the same setting would pin a different "now" on a machine in New York.
/// </summary>
public static class IsoInstant
{
    /// <summary>The instant in UTC, or null when <paramref name="text"/> is not an ISO-8601 instant.</summary>
    public static DateTimeOffset? TryParse(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : null;
}
