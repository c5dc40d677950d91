using System.Text.Json;

namespace TickStock.Core.Feed;

/// <summary>The client's messages of the provider's stream (polygon-api.md §7), as UTF-8 JSON.</summary>
public static class StreamRequests
{
    /// <summary>Topics per subscribe message (NautilusTrader sends 500; the provider documents no limit).</summary>
    public const int TopicsPerSubscribe = 500;

    public static byte[] Auth(string key) => Action("auth", key);

    /// <summary><c>{"action":"subscribe","params":"AM.A,AM.B,…"}</c> in chunks of at most <paramref name="perMessage"/> topics.</summary>
    public static IReadOnlyList<byte[]> SubscribeMinuteAggregates(IEnumerable<string> symbols, int perMessage = TopicsPerSubscribe)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentOutOfRangeException.ThrowIfLessThan(perMessage, 1);
        return [.. symbols.Chunk(perMessage).Select(chunk => Action("subscribe", string.Join(',', chunk.Select(s => "AM." + s))))];
    }

    private static byte[] Action(string action, string parameters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("action", action);
            json.WriteString("params", parameters);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The symbols of a <c>subscribe</c> request's params (the stub reads them): <c>AM.AAPL,AM.MSFT</c> → AAPL, MSFT.</summary>
    public static IEnumerable<string> MinuteAggregateSymbols(string parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var topic in parameters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (topic.StartsWith("AM.", StringComparison.Ordinal) && topic.Length > 3) yield return topic[3..];
        }
    }

}
