using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// The test configuration of actor systems whose messages may cross nodes: every message is serialized and read back
/// on each send (<c>serialize-messages = on</c>), and a message that no serializer of ours or Akka's is bound to — it
/// would fall to Akka's default JSON serializer — fails instead. So a cross-node message without
/// <see cref="Hosting.IClusterMessage"/> fails the suite; node-local messages say so with
/// <see cref="INoSerializationVerificationNeeded"/>.
/// </summary>
public static class StrictSerialization
{
    public const string Hocon = """
        akka.actor.serialize-messages = on
        akka.actor.serializers.tickstock-unbound = "TickStock.Actors.Tests.Clustering.UnboundMessageSerializer, TickStock.Actors.Tests"
        akka.actor.serialization-bindings { "System.Object" = tickstock-unbound }
        akka.actor.serialization-identifiers { "TickStock.Actors.Tests.Clustering.UnboundMessageSerializer, TickStock.Actors.Tests" = 799 }

        """;
}

/// <summary>
/// Stands in for Akka's default serializer in tests: a TickStock message that reaches it has no binding of its own and
/// is refused, naming its type; anything else (Akka's internal messages) goes to the default JSON serializer as usual.
/// </summary>
public sealed class UnboundMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    private readonly NewtonSoftJsonSerializer _default = new(system);

    public override int Identifier => 799;

    public override bool IncludeManifest => _default.IncludeManifest;

    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (IsOurs(obj.GetType()))
        {
            throw new SerializationException(
                $"{obj.GetType()} has no serializer binding: mark it IClusterMessage if it crosses nodes, INoSerializationVerificationNeeded if it never does");
        }

        return _default.ToBinary(obj);
    }

    public override object FromBinary(byte[] bytes, Type type) => _default.FromBinary(bytes, type);

    private static bool IsOurs(Type type) => type.FullName?.StartsWith("TickStock.", StringComparison.Ordinal) ?? false;
}
