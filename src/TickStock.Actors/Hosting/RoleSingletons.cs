using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.DependencyInjection;
using Akka.Hosting;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Hosting;

/// <summary>
/// Cluster singletons that live on the nodes of one role (<see cref="NodeRoles"/>). A node with the role runs the
/// singleton manager (it hosts the actor while it is the oldest such node) and a proxy; a node without it runs only the
/// proxy. Either way the registry holds the proxy under the module's key, so callers never care where the actor lives.
/// </summary>
/// <remarks>
/// Akka's ClusterSingletonManager refuses to start on a node without its role, so the manager is only created where
/// the role is; Akka.Hosting's WithSingleton would create it everywhere.
/// Paths: the manager is <c>/user/{name}</c>, the actor <c>/user/{name}/{name}</c>, the proxy <c>/user/{name}-proxy</c>.
/// </remarks>
public static class RoleSingletons
{
    /// <summary>
    /// Registers the singleton <paramref name="name"/> on <paramref name="role"/> nodes and its proxy under
    /// <typeparamref name="TKey"/> on every node. <paramref name="terminationMessage"/> is what the actor receives when
    /// it hands over to another node (its node leaves); <see cref="PoisonPill"/> by default.
    /// </summary>
    public static AkkaConfigurationBuilder AddRoleSingleton<TKey>(this AkkaConfigurationBuilder builder, NodeClusterSettings settings, string role,
        string name, Func<ActorSystem, IActorRegistry, IDependencyResolver, Props> props, object? terminationMessage = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(props);
        bool hosts = settings.HasRole(role);
        return builder.WithActors((system, registry, resolver) =>
        {
            var proxy = Start(system, role, name, hosts ? props(system, registry, resolver) : null, terminationMessage);
            registry.Register<TKey>(proxy);
        });
    }

    /// <summary>
    /// Starts the manager (when <paramref name="props"/> is given: this node has the role) and the proxy of singleton
    /// <paramref name="name"/> of <paramref name="role"/>; returns the proxy. For modules that decide inside their own
    /// <c>WithActors</c> whether they run at all.
    /// </summary>
    public static IActorRef Start(ActorSystem system, string role, string name, Props? props, object? terminationMessage = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (props is not null)
        {
            system.ActorOf(ClusterSingletonManager.Props(props, terminationMessage ?? PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(role).WithSingletonName(name)), name);
        }

        return system.ActorOf(ClusterSingletonProxy.Props("/user/" + name,
            ClusterSingletonProxySettings.Create(system).WithRole(role).WithSingletonName(name)), name + "-proxy");
    }

    /// <summary>Path of the singleton's actor when this node hosts it (a local selection finds nothing otherwise).</summary>
    public static string LocalPath(string name) => $"/user/{name}/{name}";
}
