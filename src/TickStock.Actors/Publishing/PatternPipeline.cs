using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Registry key of the pattern pipeline's entry actor (the IntegrationLogger, which commits the
/// audit row and then hands the event to the Publisher). Anything that detects a pattern sends
/// <see cref="PatternCommands.PatternDetected"/> there: <c>registry.Get&lt;PatternPipeline&gt;()</c>.
/// </summary>
public sealed class PatternPipeline;

/// <summary>Messages accepted by the pattern pipeline.</summary>
public static class PatternCommands
{
    /// <summary>A detected pattern to audit and publish (contract §2/§3.2). Fire-and-forget.</summary>
    public sealed record PatternDetected(PatternEvent Event);
}
