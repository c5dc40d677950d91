namespace TickStock.Core.Feed;

/// <summary>A <c>status</c> event of the provider's stream (polygon-api.md §7): connected, auth_success, auth_failed, success, max_connections, …</summary>
public sealed record StreamStatus(string Status, string Message)
{
    public const string Connected = "connected";
    public const string AuthSuccess = "auth_success";
    public const string AuthFailed = "auth_failed";
    public const string AuthTimeout = "auth_timeout";
    public const string Success = "success";
    public const string MaxConnections = "max_connections";
    public const string Error = "error";
}

/// <summary>
/// One <c>AM</c> event: a symbol's completed minute, validated (finite prices, low ≤ open/close ≤ high, volume ≥ 0,
/// end after start). Times are the provider's <c>s</c>/<c>e</c>, Unix ms UTC.
/// </summary>
public readonly record struct MinuteAggregate(string Symbol, double Open, double High, double Low, double Close, double Volume, long StartMs, long EndMs);

/// <summary>The kinds of bad input the stream parser refuses (issue 15.5); each is counted and logged once.</summary>
public enum BadFrameKind
{
    /// <summary>Not JSON at all, or JSON cut off.</summary>
    MalformedJson,

    /// <summary>Valid JSON whose top level is not an array (every provider message is an array).</summary>
    NotAnArray,

    /// <summary>An array element that is not an object or has no <c>ev</c>.</summary>
    MalformedEvent,

    /// <summary>An <c>ev</c> this client does not subscribe to (<c>T</c>, <c>Q</c>, <c>XY</c>, …).</summary>
    UnknownEvent,

    /// <summary>An <c>AM</c> event with missing or impossible fields: high &lt; low, negative volume, end before start, …</summary>
    InvalidBar,

    /// <summary>An <c>AM</c> event for a symbol this client did not subscribe to.</summary>
    NotSubscribed,

    /// <summary>A message over the size cap (1 MiB), dropped unread.</summary>
    Oversized,
}

/// <summary>Wire names of <see cref="BadFrameKind"/> (logs, health, <c>/v1/feed</c>).</summary>
public static class BadFrameKinds
{
    public static readonly IReadOnlyList<BadFrameKind> All = Enum.GetValues<BadFrameKind>();

    public static string Name(this BadFrameKind kind) => kind switch
    {
        BadFrameKind.MalformedJson => "malformed_json",
        BadFrameKind.NotAnArray => "not_an_array",
        BadFrameKind.MalformedEvent => "malformed_event",
        BadFrameKind.UnknownEvent => "unknown_event",
        BadFrameKind.InvalidBar => "invalid_bar",
        BadFrameKind.NotSubscribed => "not_subscribed",
        BadFrameKind.Oversized => "oversized",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a bad frame kind"),
    };
}

/// <summary>One refused piece of a frame and why (the reason is safe to log: it never echoes more than a short excerpt).</summary>
public readonly record struct BadInput(BadFrameKind Kind, string Reason);
